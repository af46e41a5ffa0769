//! Authorization codes (the authorization-code flow with PKCE): signed, short-lived JWTs that
//! carry what was granted, so any instance sharing the signing key redeems them. A code is
//! bound to its application, its redirect URI and its PKCE challenge (RFC 7636).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::failure::Refusal;
use crate::state::AppState;

/// How long a code may be redeemed (Entra: about 10 minutes).
const LIFETIME: SignedDuration = SignedDuration::from_mins(10);

/// What a code carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeClaims {
    pub typ: String,
    pub tid: String,
    pub appid: String,
    pub upn: String,
    /// The scopes asked for, as asked (resolved when redeemed).
    pub scope: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub nonce: Option<String>,
    pub exp: i64,
}

/// A new code for `claims` (its `typ` and `exp` are set here).
pub async fn issue(state: &AppState, mut claims: CodeClaims) -> Result<String, Refusal> {
    claims.typ = "code".into();
    claims.exp = (Timestamp::now() + LIFETIME).as_second();
    let key = state
        .signer
        .key()
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?;
    key.sign(&claims)
        .map_err(|e| Refusal::server(&e.to_string()))
}

/// The claims of `code` if it is ours, unexpired, for `client_id` and `redirect_uri`, and
/// `verifier` answers its PKCE challenge.
pub async fn redeem(
    state: &AppState,
    code: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<CodeClaims, Refusal> {
    let key = state
        .signer
        .key()
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?;
    let claims: CodeClaims = key
        .verify(code)
        .map_err(|_| Refusal::bad_grant("the authorization code is invalid or has expired"))?;
    if claims.typ != "code" || !claims.appid.eq_ignore_ascii_case(client_id) {
        return Err(Refusal::bad_grant(
            "the authorization code was issued to another client",
        ));
    }
    if redirect_uri.is_some_and(|uri| uri != claims.redirect_uri) {
        return Err(Refusal::bad_grant(
            "the redirect_uri differs from the authorization request's",
        ));
    }
    if let Some(challenge) = &claims.code_challenge {
        let verifier = verifier.ok_or_else(|| Refusal::missing("code_verifier"))?;
        if !pkce_matches(challenge, claims.code_challenge_method.as_deref(), verifier) {
            return Err(Refusal::bad_grant(
                "the code_verifier does not match the code_challenge",
            ));
        }
    }
    Ok(claims)
}

/// RFC 7636 §4.6: `S256` compares BASE64URL(SHA256(verifier)); `plain` the verifier itself.
pub fn pkce_matches(challenge: &str, method: Option<&str>, verifier: &str) -> bool {
    match method.unwrap_or("plain") {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge,
        "plain" => verifier == challenge,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_the_rfc_example() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(challenge, Some("S256"), verifier));
        assert!(!pkce_matches(challenge, Some("S256"), "another"));
        assert!(pkce_matches("abc", None, "abc"));
        assert!(!pkce_matches("abc", Some("magic"), "abc"));
    }
}
