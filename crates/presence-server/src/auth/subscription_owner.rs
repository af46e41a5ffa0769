//! Who a subscription belongs to, and so who may see, change or delete it.
//!
//! A subscription is owned by the tenant, the application and, when it was created with a
//! delegated token (always, for presence), the signed-in user who created it. Another user of
//! the same tenant and application must not read its `clientState` nor move its
//! `notificationUrl` to a receiver of theirs (that would hand them the owner's
//! notifications). Listing follows Graph's rule: a delegated caller lists the subscriptions
//! it created in that application; an application caller (with a presence read permission or
//! `Presence.Admin`) lists every subscription of its application in its tenant.

use presence_model::token::{PRESENCE_ADMIN, PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL};

use super::{Caller, CallerKind};
use crate::store::SubscriptionRecord;

/// Whether `caller` may see (and so change or delete) `record`.
pub fn may_see(caller: &Caller, record: &SubscriptionRecord) -> bool {
    if caller.tenant != record.tenant {
        return false;
    }
    let same_app = caller.app_id.as_deref() == Some(record.application_id.as_str());
    match &caller.kind {
        CallerKind::Anonymous => true,
        CallerKind::Application { .. } => same_app,
        CallerKind::Delegated { user, .. } => same_app && *user == record.creator_id,
    }
}

/// Whether an application caller may list its application's subscriptions.
pub fn may_list_as_application(caller: &Caller) -> bool {
    match &caller.kind {
        CallerKind::Application { roles } => roles.iter().any(|role| {
            [PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL, PRESENCE_ADMIN].contains(&role.as_str())
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SubscriptionRecord {
        SubscriptionRecord {
            id: "s".into(),
            tenant: "t".into(),
            application_id: "app".into(),
            creator_id: "u".into(),
            resource: "/communications/presences/x".into(),
            notification_url: "https://example.test/".into(),
            lifecycle_notification_url: None,
            client_state: Some("secret".into()),
            expires_at: jiff::Timestamp::UNIX_EPOCH,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            encryption: None,
            access_expires_at: None,
            reauthorization_sent: false,
        }
    }

    fn user(tenant: &str, app: &str, user: &str) -> Caller {
        Caller {
            expires_at: None,
            tenant: tenant.into(),
            app_id: Some(app.into()),
            kind: CallerKind::Delegated {
                user: user.into(),
                scopes: vec!["Presence.Read.All".into()],
            },
        }
    }

    #[test]
    fn a_subscription_is_its_creators_in_its_tenant_and_application() {
        let record = record();
        assert!(may_see(&user("t", "app", "u"), &record));
        assert!(!may_see(&user("t", "app", "w"), &record), "another user");
        assert!(!may_see(&user("t", "other", "u"), &record), "another app");
        assert!(!may_see(&user("t2", "app", "u"), &record), "another tenant");
        let application = Caller {
            expires_at: None,
            tenant: "t".into(),
            app_id: Some("app".into()),
            kind: CallerKind::Application { roles: Vec::new() },
        };
        assert!(may_see(&application, &record), "its application");
        assert!(
            !may_list_as_application(&application),
            "but listing needs a role"
        );
    }
}
