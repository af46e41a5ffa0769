//! `POST /admin/reset`: back to a clean state, for one user, one tenant or everything.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What to reset: everything (no field), a tenant (`tenant`), or one user of a tenant
/// (`tenant` and `user`). A `user` without a `tenant` is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetScope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 256)]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 256)]
    pub user: Option<String>,
}

/// What a reset removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetOutcome {
    /// Users whose state was cleared.
    pub users: i64,
    /// Subscriptions deleted (with their pending notifications); always 0 for one user.
    pub subscriptions: i64,
}
