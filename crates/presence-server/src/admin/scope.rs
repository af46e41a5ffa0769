//! Tenant and user ids as admin calls name them (explicitly, since admin calls act across
//! tenants), checked like the ids of Graph's paths.

use crate::error::GraphError;
use crate::routes::target::normalise_user_id;
use crate::store::UserKey;

/// Longest tenant id accepted (Entra's are GUIDs; the limit only bounds what is stored).
const MAX_TENANT_ID: usize = 256;

/// A tenant id as tokens carry it in `tid`: kept as given, non-empty, bounded, printable.
pub fn tenant_id(raw: &str) -> Result<String, GraphError> {
    if raw.trim().is_empty()
        || raw.chars().count() > MAX_TENANT_ID
        || raw.chars().any(char::is_control)
    {
        return Err(GraphError::bad_request(format!(
            "Invalid tenant id: expected a non-empty id of at most {MAX_TENANT_ID} characters."
        ))
        .with_target("tenant"));
    }
    Ok(raw.to_owned())
}

/// A user of a tenant, both ids checked; the user id in its canonical (lowercase) form.
pub fn user_key(tenant: &str, user: &str) -> Result<UserKey, GraphError> {
    Ok(UserKey {
        tenant: tenant_id(tenant)?,
        user: normalise_user_id(user)?,
    })
}

/// The `{tid}` and `{id}` of `/admin/tenants/{tid}/users/{id}/…`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserOfTenant {
    /// The tenant id (as tokens carry it in `tid`).
    pub tid: String,
    /// The user id.
    pub id: String,
}

impl UserOfTenant {
    pub fn key(&self) -> Result<UserKey, GraphError> {
        user_key(&self.tid, &self.id)
    }
}

/// An RFC 3339 time of a request body, or the reason it is not one.
pub fn time(text: &str, field: &'static str) -> Result<jiff::Timestamp, GraphError> {
    text.parse().map_err(|_| {
        GraphError::invalid_argument(format!("'{field}' is not an RFC 3339 time."))
            .with_target(field)
    })
}

/// A name given in a path or body (client id, subject): not blank, bounded, printable.
pub fn printable(text: &str, max: usize, field: &'static str) -> Result<(), GraphError> {
    if text.trim().is_empty() || text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(GraphError::invalid_argument(format!(
            "'{field}' must be 1 to {max} characters without control characters."
        ))
        .with_target(field));
    }
    Ok(())
}
