//! Any string given as `expirationDuration`: the parser and the range checks never panic,
//! and whatever they accept is within the documented ranges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use presence_model::Availability;
use presence_engine::expiration::{MAX_SESSION, MIN_SESSION, session_expiration};
use presence_engine::preferred::{MAX_PREFERRED, MIN_PREFERRED, preferred_expiration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = presence_engine::duration::parse_duration(text);
    if let Ok(lifetime) = session_expiration(Some(text)) {
        assert!((MIN_SESSION..=MAX_SESSION).contains(&lifetime));
    }
    if let Ok(lifetime) = preferred_expiration(Availability::Away, Some(text)) {
        assert!((MIN_PREFERRED..=MAX_PREFERRED).contains(&lifetime));
    }
});
