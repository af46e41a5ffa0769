//! Wire types of the Microsoft Graph presence API.
//!
//! Every crate of the project speaks through these types: the server serialises them, the
//! OpenAPI document is derived from their `utoipa` annotations, and the generated client
//! deserialises into them (progenitor is told to reuse them instead of generating copies).
//!
//! Invariant: this crate does no I/O and knows nothing of HTTP frameworks or databases.
//! The JSON shapes follow Graph: camelCase properties, PascalCase availability and activity
//! values (matched case-insensitively on input), and the OData error envelope.

pub mod admin;
mod authority;
mod batch;
pub mod dev_identities;
mod error;
pub mod input_schemas;
mod location;
mod presence;
mod requests;
mod states;
mod status_message;
mod subscription;
pub mod token;
mod vocabulary;

pub use admin::*;
pub use authority::{
    ApplicationRegistration, AuthorizeForm, DeviceCodeRequest, DeviceCodeResponse, DeviceLoginForm,
    Identities, JsonWebKey, JsonWebKeySet, TenantIdentities, TestUser, TokenError, TokenRequest,
    TokenResponse,
};
pub use batch::{BatchRequest, BatchRequestItem, BatchResponse, BatchResponseItem};
pub use error::{InnerError, MainError, ODataError};
pub use location::{SetLocationRequest, UserWorkLocation, WorkLocationSource, WorkLocationType};
pub use presence::{OutOfOfficeSettings, Presence, PresenceCollection};
pub use requests::{
    ClearPresenceRequest, GetPresencesByUserIdRequest, SetPresenceRequest,
    SetUserPreferredPresenceRequest,
};
pub use states::{Activity, Availability};
pub use status_message::{
    BodyType, DateTimeTimeZone, ItemBody, PresenceStatusMessage, SetStatusMessageRequest,
};
pub use subscription::{
    ChangeNotification, ChangeNotificationCollection, ChangeNotificationEncryptedContent,
    LifecycleEvent, LifecycleNotification, LifecycleNotificationCollection, PresenceResourceData,
    Subscription, SubscriptionCollection, SubscriptionPatch,
};
pub use vocabulary::{UNKNOWN_VALUE_MARKER, UnknownValue};
