//! The `validationTokens` of rich notifications: JWTs with Graph's claims, signed with the
//! server's key, that a receiver checks to know the notification came from this server
//! (Graph: "Validating the authenticity of notifications").

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{Signer, SigningError};

/// The application id Graph's change notifications are published by: receivers check that
/// `appid` is this one, so ours carries it too.
pub const GRAPH_PUBLISHER_APP_ID: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";
/// How long a validation token is accepted.
const LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// A token is reused for this long, then a fresh one is minted (signing costs an RSA
/// operation; one per notification would be waste).
const REUSE_FOR: SignedDuration = SignedDuration::from_mins(10);
/// Most (application, tenant) pairs kept; past it the cache starts over.
const CACHE_LIMIT: usize = 1024;

/// The claims of a validation token, as Graph's.
#[derive(Debug, Serialize)]
struct Claims<'a> {
    aud: &'a str,
    iss: String,
    idp: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    appid: &'static str,
    appidacr: &'static str,
    tid: &'a str,
    uti: String,
    ver: &'static str,
}

/// Tokens minted lately, by (application, tenant), with when.
#[derive(Debug, Default)]
pub(super) struct Minted(Mutex<HashMap<(String, String), (String, Timestamp)>>);

impl Signer {
    /// A validation token for the notifications of `application`'s subscriptions in
    /// `tenant`: `aud` the application, `iss` `https://sts.windows.net/{tenant}/` (Graph's),
    /// `appid` Graph's publisher, valid for an hour.
    pub async fn validation_token(
        &self,
        application: &str,
        tenant: &str,
    ) -> Result<String, SigningError> {
        let now = Timestamp::now();
        let key = (application.to_owned(), tenant.to_owned());
        if let Some((token, minted)) = self.minted.0.lock().ok().and_then(|m| m.get(&key).cloned())
            && now.duration_since(minted) < REUSE_FOR
        {
            return Ok(token);
        }
        let issuer = format!("https://sts.windows.net/{tenant}/");
        let token = self.key().await?.sign(&Claims {
            aud: application,
            idp: issuer.clone(),
            iss: issuer,
            iat: now.as_second(),
            nbf: now.as_second(),
            exp: (now + LIFETIME).as_second(),
            appid: GRAPH_PUBLISHER_APP_ID,
            appidacr: "2",
            tid: tenant,
            uti: uuid::Uuid::new_v4().simple().to_string(),
            ver: "1.0",
        })?;
        if let Ok(mut minted) = self.minted.0.lock() {
            if minted.len() >= CACHE_LIMIT {
                minted.clear();
            }
            minted.insert(key, (token.clone(), now));
        }
        Ok(token)
    }
}
