//! Who is calling, as established from the request's token.

use presence_model::token::AccessTokenClaims;

use super::DEFAULT_TENANT;
use super::verify::AuthError;

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// All state the caller reads or writes belongs to this tenant.
    pub tenant: String,
    /// The calling application's id (lowercase), when the token names one.
    pub app_id: Option<String>,
    pub kind: CallerKind,
    /// When the token stops being accepted (its `exp` plus the leeway), in Unix seconds;
    /// `None` without authentication. Long-lived answers (event streams) end then.
    pub expires_at: Option<i64>,
}

/// How the caller acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// `--auth none`: every request may do everything, in the default tenant.
    Anonymous,
    /// An application token: its application permissions (`roles`).
    Application { roles: Vec<String> },
    /// A delegated token: the signed-in user (`oid`) and the granted scopes (`scp`).
    Delegated { user: String, scopes: Vec<String> },
}

impl Caller {
    /// The caller of every request with `--auth none`.
    pub fn anonymous() -> Self {
        Self {
            tenant: DEFAULT_TENANT.to_owned(),
            app_id: None,
            kind: CallerKind::Anonymous,
            expires_at: None,
        }
    }

    /// The caller a verified token describes. A token with scopes is delegated and must name
    /// its user; every token must name its tenant and its application (`appid` or `azp`):
    /// Entra always issues both, and the application id is what session ownership and
    /// subscription ownership hang on, so a token without one would share an empty identity
    /// with every other such token.
    pub fn from_claims(claims: AccessTokenClaims, leeway_seconds: i64) -> Result<Self, AuthError> {
        // Only access tokens: the authority's codes and refresh tokens are signed with the same
        // key, and an id token is for the client, not for an API (it names no application).
        if claims.typ.is_some() {
            return Err(AuthError::invalid(
                "This is not an access token: send the access token the token endpoint answered with.",
            ));
        }
        let expires_at = Some(claims.exp.saturating_add(leeway_seconds));
        let tenant = non_empty(claims.tid.as_deref())
            .ok_or_else(|| AuthError::invalid("The token has no tenant id (tid)."))?;
        let app_id = non_empty(claims.app_id())
            .ok_or_else(|| AuthError::invalid("The token has no application id (appid or azp)."))?;
        let app_id = Some(app_id);
        let scopes: Vec<String> = claims
            .scp
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let kind = if scopes.is_empty() {
            CallerKind::Application {
                roles: claims.roles,
            }
        } else {
            let user = non_empty(claims.oid.as_deref()).ok_or_else(|| {
                AuthError::invalid("The delegated token has no user object id (oid).")
            })?;
            CallerKind::Delegated { user, scopes }
        };
        Ok(Self {
            tenant,
            app_id,
            kind,
            expires_at,
        })
    }

    /// The signed-in user of a delegated token.
    pub fn signed_in_user(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::Delegated { user, .. } => Some(user),
            _ => None,
        }
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_ascii_lowercase)
}
