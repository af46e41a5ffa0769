//! Bearer token verification: the only place that answers 401.

use actix_web::http::StatusCode;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use presence_model::token::AccessTokenClaims;

use super::caller::Caller;
use super::jwks::PublicKey;
use super::verified::VerifiedTokens;
use crate::error::GraphError;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECONDS: u64 = 30;

/// Why a request is not authenticated; becomes a 401 with a `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub message: String,
    /// `invalid_token` for a token that failed a check; `None` when no token was sent.
    pub oauth_error: Option<&'static str>,
}

impl AuthError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            oauth_error: Some("invalid_token"),
        }
    }

    fn missing() -> Self {
        Self {
            message: "Access token is empty.".to_owned(),
            oauth_error: None,
        }
    }
}

impl From<AuthError> for GraphError {
    fn from(error: AuthError) -> Self {
        let mut challenge = r#"Bearer realm="presence""#.to_owned();
        if let Some(code) = error.oauth_error {
            let description = header_safe(&error.message);
            challenge.push_str(&format!(
                r#", error="{code}", error_description="{description}""#
            ));
        }
        GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            error.message,
        )
        .with_header("www-authenticate", challenge)
    }
}

/// `text` as a quoted-string parameter can carry it: printable ASCII without quotes or
/// backslashes (anything else would make the header unbuildable, and the answer a 500).
fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            ' '..='~' if c != '\\' => c,
            _ => '?',
        })
        .collect()
}

/// Checks every request's credentials, as configured at start-up.
#[derive(Debug)]
pub enum Authenticator {
    /// `--auth none`: nothing is checked; every request is [`Caller::anonymous`].
    Disabled,
    Jwt(JwtVerifier),
}

/// Verification keys and the claim checks that apply to every token.
pub struct JwtVerifier {
    /// HS256 shared secret, when one is configured (or generated).
    pub secret: Option<DecodingKey>,
    /// RS256/ES256 keys from `--jwks`.
    pub public_keys: Vec<PublicKey>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Tokens that passed, so each is verified once ([`VerifiedTokens`]).
    pub verified: VerifiedTokens,
    /// The key of the server's own authority, whose tokens must name one of the server's own
    /// addresses as their issuer (tokens of `--jwt-secret` and `--jwks` keys keep theirs).
    pub issued_here: Option<Box<IssuedHere>>,
}

/// The authority's key id, and the addresses its issuers may name.
#[derive(Debug)]
pub struct IssuedHere {
    pub kid: String,
    pub addresses: std::sync::Arc<crate::public_url::PublicAddresses>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("secret", &self.secret.is_some())
            .field("public_keys", &self.public_keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

impl Authenticator {
    /// The caller of a request with this `Authorization` header value (if any).
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Caller, AuthError> {
        match self {
            Authenticator::Disabled => Ok(Caller::anonymous()),
            Authenticator::Jwt(verifier) => {
                let header = authorization.map(str::trim).filter(|h| !h.is_empty());
                let Some(header) = header else {
                    return Err(AuthError::missing());
                };
                let token = header
                    .strip_prefix("Bearer ")
                    .or_else(|| header.strip_prefix("bearer "))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        AuthError::invalid("The Authorization header must be 'Bearer <token>'.")
                    })?;
                verifier.caller(token)
            }
        }
    }
}

impl JwtVerifier {
    /// The caller of a bearer `token`: from the tokens already verified, or verified now.
    pub fn caller(&self, token: &str) -> Result<Caller, AuthError> {
        let leeway = LEEWAY_SECONDS as i64;
        let now = jiff::Timestamp::now().as_second();
        if let Some(caller) = self.verified.get(token, now, leeway) {
            return Ok(caller);
        }
        let claims = self.verify(token)?;
        let (exp, nbf) = (claims.exp, claims.nbf);
        let caller = Caller::from_claims(claims, leeway)?;
        self.verified.insert(token, &caller, exp, nbf);
        Ok(caller)
    }

    /// Checks the signature, `exp`, `nbf`, and (when configured) `iss` and `aud`.
    pub fn verify(&self, token: &str) -> Result<AccessTokenClaims, AuthError> {
        let header = decode_header(token)
            .map_err(|_| AuthError::invalid("The access token is malformed: not a JWT."))?;
        let key = self.key_for(header.alg, header.kid.as_deref())?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        // A configured audience or issuer must be present, not merely not contradicted.
        let mut required = vec!["exp"];
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        let claims = decode::<AccessTokenClaims>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|error| AuthError::invalid(describe(error.kind())))?;
        if let Some(here) = &self.issued_here
            && header.alg == Algorithm::RS256
            && header.kid.as_deref() == Some(here.kid.as_str())
            && !claims
                .iss
                .as_deref()
                .is_some_and(|iss| here.addresses.is_own_issuer(iss))
        {
            return Err(AuthError::invalid(describe(&ErrorKind::InvalidIssuer)));
        }
        Ok(claims)
    }

    fn key_for(&self, algorithm: Algorithm, kid: Option<&str>) -> Result<&DecodingKey, AuthError> {
        if algorithm == Algorithm::HS256 {
            return self.secret.as_ref().ok_or_else(|| {
                AuthError::invalid("HS256 tokens are not accepted by this server.")
            });
        }
        let candidates: Vec<&PublicKey> = self
            .public_keys
            .iter()
            .filter(|k| k.algorithm == algorithm)
            .collect();
        let found = match kid {
            Some(kid) => candidates
                .into_iter()
                .find(|k| k.kid.as_deref() == Some(kid)),
            None if candidates.len() == 1 => candidates.into_iter().next(),
            None => None,
        };
        // The kid is the sender's text: never echoed (it reached headers and logs before).
        found.map(|k| &k.key).ok_or_else(|| {
            AuthError::invalid(format!(
                "No {algorithm:?} key matching the token's kid is configured to verify it."
            ))
        })
    }
}

/// A message for each way a token can fail validation.
fn describe(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpiredSignature => "Lifetime validation failed, the token is expired.".into(),
        ErrorKind::ImmatureSignature => "The token is not valid yet (nbf).".into(),
        ErrorKind::InvalidSignature => "The token's signature is invalid.".into(),
        ErrorKind::InvalidAudience => "The token's audience (aud) is not this server.".into(),
        ErrorKind::InvalidIssuer => "The token's issuer (iss) is not trusted.".into(),
        ErrorKind::InvalidAlgorithm => "The token's algorithm does not match its key.".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("The token has no '{claim}' claim."),
        _ => "The access token is malformed.".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::public_url::{PublicAddresses, parse_public_url};
    use crate::signing::SigningKey;

    #[test]
    fn the_authoritys_tokens_must_name_one_of_the_servers_own_addresses() {
        let key = SigningKey::generate().expect("a key");
        let urls = [parse_public_url("https://presence.example.com").expect("a URL")];
        let verifier = JwtVerifier {
            secret: None,
            public_keys: vec![key.public_key().expect("its public half")],
            issuer: None,
            audience: None,
            verified: VerifiedTokens::default(),
            issued_here: Some(Box::new(IssuedHere {
                kid: key.kid().to_owned(),
                addresses: Arc::new(PublicAddresses::new(
                    &urls,
                    &[],
                    "127.0.0.1".parse().expect("an address"),
                    false,
                    Vec::new(),
                )),
            })),
        };
        let token = |iss: Option<&str>| {
            let mut claims = serde_json::json!({
                "exp": jiff::Timestamp::now().as_second() + 600,
                "tid": "t", "appid": "a", "roles": ["Presence.Read.All"],
            });
            if let Some(iss) = iss {
                claims["iss"] = iss.into();
            }
            key.sign(&claims).expect("signed")
        };
        for own in [
            "http://127.0.0.1:49152/t/v2.0",
            "http://localhost:8080/t/v2.0",
            "https://presence.example.com/t/v2.0",
        ] {
            assert!(verifier.verify(&token(Some(own))).is_ok(), "{own}");
        }
        for foreign in [Some("http://evil.example/t/v2.0"), None] {
            assert!(verifier.verify(&token(foreign)).is_err(), "{foreign:?}");
        }
    }
}
