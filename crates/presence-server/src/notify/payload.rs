//! The JSON a notification endpoint receives.

use presence_model::{ChangeNotification, ChangeNotificationCollection, PresenceResourceData};

use super::encryption;
pub use crate::config::Shape;
use crate::engine::graph_time::graph_timestamp;
use crate::store::PendingNotification;

/// The `changeNotificationCollection` for one pending notification; for a rich subscription
/// the resource data is also sent encrypted with the subscriber's certificate.
pub fn collection(
    pending: &PendingNotification,
    shape: Shape,
) -> Result<ChangeNotificationCollection, String> {
    let user = &pending.user;
    let full = PresenceResourceData {
        odata_id: format!("users/{user}/presence"),
        odata_type: "#microsoft.graph.presence".to_owned(),
        id: user.clone(),
        availability: Some(pending.presence.availability),
        activity: Some(pending.presence.activity),
    };
    let resource_data = match shape {
        Shape::Detailed => full.clone(),
        Shape::Graph => PresenceResourceData {
            availability: None,
            activity: None,
            ..full.clone()
        },
    };
    let encrypted_content = match &pending.encryption {
        Some(encryption) => {
            let key =
                encryption::parse_certificate(&encryption.certificate, &encryption.certificate_id)?;
            let data = serde_json::to_vec(&full).map_err(|e| e.to_string())?;
            Some(encryption::encrypt(&key, &data)?)
        }
        None => None,
    };
    Ok(ChangeNotificationCollection {
        value: vec![ChangeNotification {
            id: pending.notification_id.clone(),
            subscription_id: pending.subscription_id.clone(),
            subscription_expiration_date_time: graph_timestamp(pending.subscription_expires_at),
            client_state: pending.client_state.clone(),
            change_type: "updated".to_owned(),
            resource: format!("communications/presences/{user}"),
            tenant_id: pending.tenant.clone(),
            organization_id: pending.tenant.clone(),
            resource_data,
            encrypted_content,
        }],
        validation_tokens: None,
    })
}
