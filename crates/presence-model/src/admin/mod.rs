//! Wire types of the control plane (`/admin`): what an emulator offers beyond Graph. Kept
//! apart from Graph's types so the Graph surface stays easy to walk; every name here is
//! still unique in the crate's root, because the generated client reuses them by name.

mod changes;
mod clock;
mod faults;
mod identities;
mod info;
mod journal;
mod outlook_teams;
mod reset;
mod snapshot;
mod users;

pub use changes::{PresenceChange, PresenceChangeCollection};
pub use clock::{ClockAdvance, ClockReading};
pub use faults::{FaultMatch, FaultResponse, FaultRule, FaultRuleCollection};
pub use identities::{
    ApplicationCredentials, ApplicationInfo, ApplicationInfoCollection, DeviceCodeApproval,
    NewApplication, NewUser, UserInfo, UserInfoCollection,
};
pub use info::{ServerCounts, ServerInfo};
pub use journal::{
    DeliveryAttempt, DeliveryAttemptCollection, RequestRecord, RequestRecordCollection,
};
pub use outlook_teams::{
    AutomaticRepliesSetting, CalendarEvent, CalendarEventCollection, ClientSession,
};
pub use reset::{ResetOutcome, ResetScope};
pub use snapshot::{
    ImportOutcome, SNAPSHOT_VERSION, Snapshot, SnapshotCalendarEntry, SnapshotLocation,
    SnapshotOutOfOffice, SnapshotPreferred, SnapshotSession, SnapshotStatusMessage,
    SnapshotSubscription, SnapshotTenant, SnapshotUser, SnapshotWorkLocation,
};
pub use users::{PreferredInfo, SessionInfo, TenantUser, TenantUserCollection};
