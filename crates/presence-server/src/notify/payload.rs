//! The JSON a notification endpoint receives.

use presence_model::{ChangeNotification, ChangeNotificationCollection, PresenceResourceData};

use crate::engine::graph_time::graph_timestamp;
use crate::store::PendingNotification;

/// The `changeNotificationCollection` for one pending notification.
pub fn collection(pending: &PendingNotification) -> ChangeNotificationCollection {
    let user = &pending.user;
    ChangeNotificationCollection {
        value: vec![ChangeNotification {
            id: pending.notification_id.clone(),
            subscription_id: pending.subscription_id.clone(),
            subscription_expiration_date_time: graph_timestamp(pending.subscription_expires_at),
            client_state: pending.client_state.clone(),
            change_type: "updated".to_owned(),
            resource: format!("communications/presences/{user}"),
            tenant_id: pending.tenant.clone(),
            organization_id: pending.tenant.clone(),
            resource_data: PresenceResourceData {
                odata_id: format!("users/{user}/presence"),
                odata_type: "#microsoft.graph.presence".to_owned(),
                id: user.clone(),
                availability: pending.presence.availability,
                activity: pending.presence.activity,
            },
        }],
    }
}
