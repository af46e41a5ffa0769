//! `/subscriptions`: Graph's subscription API, for presence resources.

use actix_web::{HttpRequest, HttpResponse, web};
use presence_model::{Subscription, SubscriptionCollection, SubscriptionPatch};

use super::target::{Allowed, ToSubscribe};
use crate::auth::{Access, Caller, subscription_owner};
use crate::engine::graph_time::graph_timestamp;
use crate::engine::subscription::{check_fields, check_url, expiration, users_of_resource};
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::{Body, EmptyBody};
use crate::notify::{encryption, handshake};
use crate::state::AppState;
use crate::store::{Encryption, SubscriptionRecord, Write, Written};

/// Subscribe to changes of the presence of one user or of up to 650 users.
#[utoipa::path(
    post,
    path = "/subscriptions",
    operation_id = "create_subscription",
    tag = "subscriptions",
    request_body = Subscription,
    responses(
        (status = 201, description = "The subscription; its endpoint passed the validation handshake.", body = Subscription),
        (status = 409, description = "`ExtensionError`: the signed-in user already has a live presence subscription of this application (Graph's limit: one per user per application).", body = presence_model::ODataError),
        BodyErrorResponses,
    )
)]
pub async fn create_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    allowed: Allowed<ToSubscribe>,
    body: Body<Subscription>,
) -> Result<HttpResponse, GraphError> {
    let caller = allowed.caller;
    let body = body.into_inner();
    let users = users_of_resource(&body.resource)
        .map_err(|m| GraphError::invalid_argument(m).with_target("resource"))?;
    check_fields(
        &body.change_type,
        body.client_state.as_deref(),
        &body.notification_url,
    )
    .map_err(|(target, m)| GraphError::invalid_argument(m).with_target(target))?;
    let encryption = rich_notifications(&body)?;
    let now = state.clock.now();
    let expires_at = expiration(&body.expiration_date_time, now)
        .map_err(|m| GraphError::invalid_argument(m).with_target("expirationDateTime"))?;
    if let Some(url) = &body.lifecycle_notification_url {
        check_url(url)
            .map_err(|m| GraphError::invalid_argument(m).with_target("lifecycleNotificationUrl"))?;
    }
    for url in std::iter::once(&body.notification_url).chain(&body.lifecycle_notification_url) {
        handshake::validate(&state.http, state.notification_targets, url)
            .await
            .map_err(validation_failed)?;
    }
    let record = SubscriptionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        tenant: caller.tenant.clone(),
        application_id: caller.app_id.clone().unwrap_or_default(),
        creator_id: caller.signed_in_user().unwrap_or_default().to_owned(),
        resource: body.resource.clone(),
        notification_url: body.notification_url.clone(),
        lifecycle_notification_url: body.lifecycle_notification_url.clone(),
        client_state: body.client_state.clone(),
        expires_at,
        created_at: now,
        encryption,
        access_expires_at: access_expiry(&caller),
        reauthorization_sent: false,
    };
    let written = state
        .store
        .write(Write::CreateSubscription {
            record: record.clone(),
            users,
            now,
            // Graph: "one presence subscription per user per unique application"; a signed-in
            // user is what Graph counts (an application token is our extension: no limit).
            one_per_creator: caller.signed_in_user().is_some(),
        })
        .await?;
    if written == Written::Exists {
        return Err(already_subscribed());
    }
    let mut answer = view(&record);
    answer.odata_context = Some(context(&req, "subscriptions/$entity"));
    Ok(HttpResponse::Created().json(answer))
}

/// The caller's live subscriptions.
///
/// Those it created (delegated), or all of its application's (an application token with a
/// presence read permission).
#[utoipa::path(
    get,
    path = "/subscriptions",
    operation_id = "list_subscriptions",
    tag = "subscriptions",
    responses(
        (status = 200, description = "The calling application's live subscriptions.", body = SubscriptionCollection),
        ErrorResponses,
    )
)]
pub async fn list_subscriptions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SubscriptionCollection>, GraphError> {
    if !subscription_owner::may_list_as_application(&caller) {
        caller.authorize(Access::Subscribe, "")?;
    }
    let records = state
        .store
        .list_subscriptions(&caller.tenant, caller.app_id.as_deref(), state.clock.now())
        .await?;
    Ok(web::Json(SubscriptionCollection {
        odata_context: Some(context(&req, "subscriptions")),
        value: records
            .iter()
            .filter(|record| subscription_owner::may_see(&caller, record))
            .map(view)
            .collect(),
    }))
}

/// One of the caller's live subscriptions.
#[utoipa::path(
    get,
    path = "/subscriptions/{subscription_id}",
    operation_id = "get_subscription",
    tag = "subscriptions",
    params(("subscription_id" = String, Path, description = "The subscription's id.")),
    responses(
        (status = 200, description = "The subscription.", body = Subscription),
        ErrorResponses,
    )
)]
pub async fn get_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Subscription>, GraphError> {
    caller.authorize(Access::Subscribe, "")?;
    let record = own(&state, &caller, &id).await?;
    let mut answer = view(&record);
    answer.odata_context = Some(context(&req, "subscriptions/$entity"));
    Ok(web::Json(answer))
}

/// Renew a subscription (new `expirationDateTime`, at most an hour ahead) or move it to a new
/// `notificationUrl` (validated with the handshake).
#[utoipa::path(
    patch,
    path = "/subscriptions/{subscription_id}",
    operation_id = "update_subscription",
    tag = "subscriptions",
    params(("subscription_id" = String, Path, description = "The subscription's id.")),
    request_body = SubscriptionPatch,
    responses(
        (status = 200, description = "The renewed subscription.", body = Subscription),
        BodyErrorResponses,
    )
)]
pub async fn update_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    allowed: Allowed<ToSubscribe>,
    id: web::Path<String>,
    body: Body<SubscriptionPatch>,
) -> Result<web::Json<Subscription>, GraphError> {
    let caller = allowed.caller;
    own(&state, &caller, &id).await?;
    if body.lifecycle_notification_url.is_some() {
        return Err(GraphError::invalid_argument(
            "lifecycleNotificationUrl cannot be added to or changed on an existing \
             subscription; delete it and create a new one with the property.",
        )
        .with_target("lifecycleNotificationUrl"));
    }
    let now = state.clock.now();
    let expires_at = body
        .expiration_date_time
        .as_deref()
        .map(|requested| expiration(requested, now))
        .transpose()
        .map_err(|m| GraphError::invalid_argument(m).with_target("expirationDateTime"))?;
    if let Some(url) = &body.notification_url {
        check_url(url)
            .map_err(|m| GraphError::invalid_argument(m).with_target("notificationUrl"))?;
        handshake::validate(&state.http, state.notification_targets, url)
            .await
            .map_err(validation_failed)?;
    }
    let written = state
        .store
        .write(Write::UpdateSubscription {
            tenant: caller.tenant.clone(),
            id: id.clone(),
            expires_at,
            notification_url: body.notification_url.clone(),
            access_expires_at: access_expiry(&caller),
            now,
        })
        .await?;
    if written != Written::Found(true) {
        return Err(not_found(&id));
    }
    let mut answer = view(&own(&state, &caller, &id).await?);
    answer.odata_context = Some(context(&req, "subscriptions/$entity"));
    Ok(web::Json(answer))
}

/// Delete a subscription: no notification is delivered for it any more.
#[utoipa::path(
    delete,
    path = "/subscriptions/{subscription_id}",
    operation_id = "delete_subscription",
    tag = "subscriptions",
    params(("subscription_id" = String, Path, description = "The subscription's id.")),
    responses(
        (status = 204, description = "Deleted."),
        ErrorResponses,
    )
)]
pub async fn delete_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, GraphError> {
    caller.authorize(Access::Subscribe, "")?;
    own(&state, &caller, &id).await?;
    let written = state
        .store
        .write(Write::DeleteSubscription {
            tenant: caller.tenant.clone(),
            id: id.clone(),
        })
        .await?;
    if written == Written::Found(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(&id))
    }
}

/// Reauthorize a subscription (Graph's answer to a `reauthorizationRequired` lifecycle
/// notification): records the access of the calling token, so the next
/// `reauthorizationRequired` comes before that lapses; 204 for the subscription's owner while
/// it is live, 404 otherwise. The expiration does not move (a PATCH renews).
#[utoipa::path(
    post,
    path = "/subscriptions/{subscription_id}/reauthorize",
    operation_id = "reauthorize_subscription",
    tag = "subscriptions",
    params(("subscription_id" = String, Path, description = "The subscription's id.")),
    responses(
        (status = 204, description = "Reauthorized."),
        ErrorResponses,
    )
)]
pub async fn reauthorize_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    _body: EmptyBody,
) -> Result<HttpResponse, GraphError> {
    caller.authorize(Access::Subscribe, "")?;
    own(&state, &caller, &id).await?;
    let written = state
        .store
        .write(Write::Reauthorize {
            tenant: caller.tenant.clone(),
            id: id.clone(),
            access_expires_at: access_expiry(&caller),
            now: state.clock.now(),
        })
        .await?;
    if written == Written::Found(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(&id))
    }
}

/// When the caller's token stops being accepted (wall clock), if it has one.
fn access_expiry(caller: &Caller) -> Option<jiff::Timestamp> {
    caller
        .expires_at
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
}

/// Graph's answer to a second presence subscription by the same user and application, as
/// observed (msgraph-beta-sdk-dotnet#174, microsoft-graph-docs-contrib#2219; the misspelling
/// is Graph's): 409 with code `ExtensionError`.
fn already_subscribed() -> GraphError {
    GraphError::new(
        actix_web::http::StatusCode::CONFLICT,
        "ExtensionError",
        "Operation: Create; Exception: [Status Code: Conflict; Reason: A subscripton already \
         exists. It must be deleted before a another can be made.]",
    )
}

/// The subscription `id` if it is live and the caller's (tenant, application and creating
/// user: `auth::subscription_owner`); 404 otherwise, so nobody learns of anyone else's.
async fn own(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<SubscriptionRecord, GraphError> {
    let record = state
        .store
        .get_subscription(&caller.tenant, id, state.clock.now())
        .await?
        .filter(|record| subscription_owner::may_see(caller, record))
        .ok_or_else(|| not_found(id))?;
    Ok(record)
}

/// For `includeResourceData: true`, the certificate notifications are encrypted with: it must
/// be given, with an id, and hold an RSA key of 2048 to 4096 bits.
fn rich_notifications(body: &Subscription) -> Result<Option<Encryption>, GraphError> {
    if body.include_resource_data != Some(true) {
        return Ok(None);
    }
    let certificate = body.encryption_certificate.clone().ok_or_else(|| {
        GraphError::invalid_argument(
            "encryptionCertificate is required when includeResourceData is true.",
        )
        .with_target("encryptionCertificate")
    })?;
    let certificate_id = body
        .encryption_certificate_id
        .clone()
        .filter(|id| !id.is_empty() && id.chars().count() <= 128)
        .ok_or_else(|| {
            GraphError::invalid_argument(
                "encryptionCertificateId (at most 128 characters) is required when includeResourceData is true.",
            )
            .with_target("encryptionCertificateId")
        })?;
    encryption::parse_certificate(&certificate, &certificate_id)
        .map_err(|m| GraphError::invalid_argument(m).with_target("encryptionCertificate"))?;
    Ok(Some(Encryption {
        certificate,
        certificate_id,
    }))
}

fn not_found(id: &str) -> GraphError {
    GraphError::not_found(format!("The subscription '{id}' does not exist."))
}

fn validation_failed(reason: &str) -> GraphError {
    GraphError::new(
        actix_web::http::StatusCode::BAD_REQUEST,
        "InvalidRequest",
        format!(
            "Subscription validation request failed. Notification endpoint must respond with \
             200 OK to validation request: {reason}."
        ),
    )
    .with_target("notificationUrl")
}

fn context(req: &HttpRequest, fragment: &str) -> String {
    super::odata::metadata_context(req, fragment)
}

/// The wire form of a stored subscription.
pub(crate) fn view(record: &SubscriptionRecord) -> Subscription {
    Subscription {
        odata_context: None,
        id: Some(record.id.clone()),
        resource: record.resource.clone(),
        change_type: "updated".to_owned(),
        notification_url: record.notification_url.clone(),
        lifecycle_notification_url: record.lifecycle_notification_url.clone(),
        expiration_date_time: graph_timestamp(record.expires_at),
        client_state: record.client_state.clone(),
        include_resource_data: Some(record.encryption.is_some()),
        encryption_certificate: None,
        encryption_certificate_id: record.encryption.as_ref().map(|e| e.certificate_id.clone()),
        application_id: Some(record.application_id.clone()),
        creator_id: Some(record.creator_id.clone()),
        latest_supported_tls_version: Some("v1_2".to_owned()),
    }
}
