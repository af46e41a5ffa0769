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
