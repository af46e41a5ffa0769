//! Any bytes as a request body: deserialising into each request type and validating it never
//! panics (the server turns every failure here into a 4xx).
#![no_main]

use libfuzzer_sys::fuzz_target;
use presence_model::{
    GetPresencesByUserIdRequest, SetLocationRequest, SetPresenceRequest, SetStatusMessageRequest,
    SetUserPreferredPresenceRequest,
};
use presence_engine::{check_session_pair, location, preferred, session_expiration, status_message};

fuzz_target!(|data: &[u8]| {
    let now = jiff::Timestamp::UNIX_EPOCH;
    if let Ok(body) = serde_json::from_slice::<SetPresenceRequest>(data) {
        let _ = check_session_pair(body.availability, body.activity);
        let _ = session_expiration(body.expiration_duration.as_deref());
    }
    if let Ok(body) = serde_json::from_slice::<SetUserPreferredPresenceRequest>(data) {
        let _ = preferred::check_preferred_pair(body.availability, body.activity);
        let _ = preferred::preferred_expiration(body.availability, body.expiration_duration.as_deref());
    }
    if let Ok(body) = serde_json::from_slice::<SetStatusMessageRequest>(data) {
        let _ = status_message::from_request(body.status_message.as_ref(), now);
    }
    if let Ok(body) = serde_json::from_slice::<SetLocationRequest>(data) {
        let _ = location::from_request(&body);
    }
    let _ = serde_json::from_slice::<GetPresencesByUserIdRequest>(data);
});
