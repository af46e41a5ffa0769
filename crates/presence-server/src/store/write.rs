//! The writes the server makes, whatever the backend. Each backend gives every variant its
//! SQL (`sqlite::apply`, `postgres::apply`); every write to a user also advances the user's
//! `changed_at`, which backs `sequenceNumber`.

use jiff::Timestamp;

use super::identities::{ApplicationRecord, UserRecord};
use super::records::SubscriptionRecord;
use crate::engine::calendar::CalendarEntry;
use crate::engine::location::Location;
use crate::engine::out_of_office::AutomaticReplies;
use crate::engine::preferred::Preferred;
use crate::engine::status_message::StatusMessage;
use crate::engine::{Session, SessionKind};

/// A user within a tenant; ids already normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserKey {
    pub tenant: String,
    pub user: String,
}

/// What a committed write did to users' stored state (see [`Write::cache_effect`]).
pub(crate) enum CacheEffect<'a> {
    None,
    User(&'a UserKey),
    All,
}

/// Which work-location layer a write sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationLayer {
    Manual,
    Automatic,
}

/// What a reset clears ([`Write::Reset`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetTarget {
    /// Every tenant: all presence state, subscriptions and pending notifications.
    Everything,
    /// One tenant: its users' state, its subscriptions and their pending notifications.
    Tenant(String),
    /// One user's presence state; subscriptions stay, and record the user as `Offline`, so
    /// the reset itself is never announced.
    User(UserKey),
}

impl ResetTarget {
    /// The tenant and user the SQL filters on (`None`: any).
    pub(crate) fn filters(&self) -> (Option<&str>, Option<&str>) {
        match self {
            ResetTarget::Everything => (None, None),
            ResetTarget::Tenant(tenant) => (Some(tenant), None),
            ResetTarget::User(user) => (Some(&user.tenant), Some(&user.user)),
        }
    }
}

/// Why a write changed a user when not through Graph, carried with the change on the change
/// feed (for the change history; `None` there means a Graph call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    TeamsClient,
    Meeting,
    OutOfOffice,
    Reset,
    Import,
}

impl Cause {
    const ALL: [Cause; 5] = [
        Cause::TeamsClient,
        Cause::Meeting,
        Cause::OutOfOffice,
        Cause::Reset,
        Cause::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cause::TeamsClient => "teamsClient",
            Cause::Meeting => "meeting",
            Cause::OutOfOffice => "outOfOffice",
            Cause::Reset => "reset",
            Cause::Import => "import",
        }
    }

    /// The cause [`Cause::as_str`] names.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|cause| cause.as_str() == text)
    }
}

/// One committed change to a user, as the change feed carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub user: UserKey,
    pub cause: Option<Cause>,
}

/// One change to one user's state. `now` is the time of the request, taken from the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Create or refresh a session (`now` is its `refreshed_at`).
    PutSession { user: UserKey, session: Session },
    /// Remove a session; answers whether a live one existed.
    RemoveSession {
        user: UserKey,
        session_id: String,
        kind: SessionKind,
        now: Timestamp,
    },
    /// Turn automatic replies on (with their window and message) or off.
    SetAutomaticReplies {
        user: UserKey,
        replies: Option<AutomaticReplies>,
        now: Timestamp,
    },
    /// Add a calendar entry (its id is new).
    AddCalendarEntry {
        user: UserKey,
        entry: CalendarEntry,
        now: Timestamp,
    },
    /// Remove a calendar entry; answers whether it existed.
    RemoveCalendarEntry {
        user: UserKey,
        entry_id: String,
        now: Timestamp,
    },
    SetPreferred {
        user: UserKey,
        preferred: Option<Preferred>,
        now: Timestamp,
    },
    SetStatusMessage {
        user: UserKey,
        message: Option<StatusMessage>,
        now: Timestamp,
    },
    SetLocation {
        user: UserKey,
        layer: LocationLayer,
        location: Option<Location>,
        now: Timestamp,
    },
    /// Clear both the manual and the automatic layer.
    ClearLocation { user: UserKey, now: Timestamp },
    /// Clear presence state (and, beyond one user, subscriptions) without notifying anyone.
    /// Users keep their row with a new `changed_at`, so `sequenceNumber` never goes back.
    Reset { target: ResetTarget, now: Timestamp },
    /// Several writes in one transaction (an imported snapshot): all or nothing. With
    /// `notify` false nothing is owed for what they change: afterwards each follower of
    /// `users` records their presence as already announced. Never nested.
    Import {
        writes: Vec<Write>,
        notify: bool,
        users: Vec<UserKey>,
        now: Timestamp,
    },
    /// Delete up to `limit` sessions that expired at or before `now` (housekeeping).
    PurgeExpired { now: Timestamp, limit: u32 },
    /// Delete these sessions (user, stored session id) if they expired at or before `now`:
    /// the second step of SQLite's purge, whose first (finding them) is a scan on a read
    /// connection, so that the writer never scans the table.
    PurgeSessions {
        now: Timestamp,
        sessions: Vec<(UserKey, String)>,
    },
    /// Create a subscription following `users`. With `one_per_creator` it is refused
    /// ([`Written::Exists`]) while the same user of the same application has a live one:
    /// Graph's limit for presence (one subscription per user per application).
    CreateSubscription {
        record: SubscriptionRecord,
        users: Vec<String>,
        now: Timestamp,
        one_per_creator: bool,
    },
    /// Renew (and optionally move) a live subscription; answers whether it existed. A renewal
    /// also reauthorizes: the access of the renewing token is recorded.
    UpdateSubscription {
        tenant: String,
        id: String,
        expires_at: Option<Timestamp>,
        notification_url: Option<String>,
        access_expires_at: Option<Timestamp>,
        now: Timestamp,
    },
    /// Record the access of a reauthorizing token (`POST …/reauthorize`), so a new
    /// `reauthorizationRequired` is sent before it lapses; answers whether it existed.
    Reauthorize {
        tenant: String,
        id: String,
        access_expires_at: Option<Timestamp>,
        now: Timestamp,
    },
    /// Record that `reauthorizationRequired` was sent: `Found(true)` for the one write that
    /// made the mark, so instances sharing a database send it once.
    MarkReauthorizationSent { id: String },
    /// Add or replace the authority's applications (credentials replaced whole) and users.
    PutIdentities {
        applications: Vec<ApplicationRecord>,
        users: Vec<UserRecord>,
    },
    /// Delete an application (`application`) or a test user of the authority; answers
    /// whether it existed.
    DeleteIdentity {
        tenant: String,
        id: String,
        application: bool,
    },
    /// Keep a newly generated signing key (PKCS#8 PEM) unless its id exists.
    AddSigningKey {
        kid: String,
        pem: String,
        now: Timestamp,
    },
    /// Delete a subscription and its pending notifications; answers whether it existed.
    DeleteSubscription { tenant: String, id: String },
    /// Delete subscriptions that expired at or before `now` (they stop delivering).
    DropExpiredSubscriptions { now: Timestamp },
    /// Announce what time alone changed for `user` (a fade, an expiry).
    Announce { user: UserKey, now: Timestamp },
    /// Claim notifications for delivery until `until` (those still due at `due`).
    Lease {
        outbox_ids: Vec<i64>,
        due: Timestamp,
        until: Timestamp,
    },
    /// A notification was delivered.
    Delivered { outbox_id: i64 },
    /// A delivery failed: try again at `retry_at` (wall clock), or give up.
    DeliveryFailed {
        outbox_id: i64,
        retry_at: Option<Timestamp>,
    },
}

/// What a write reports back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// For [`Write::RemoveSession`]: whether a live session was removed.
    SessionRemoved(bool),
    /// For [`Write::PurgeExpired`] and [`Write::PurgeSessions`]: how many sessions were
    /// deleted.
    Purged(u32),
    /// For subscription updates and deletes: whether the subscription existed.
    Found(bool),
    /// For [`Write::Reset`]: users whose state was cleared, subscriptions deleted.
    Reset {
        users: u32,
        subscriptions: u32,
    },
    /// For [`Write::CreateSubscription`] with `one_per_creator`: refused, one exists.
    Exists,
}

impl Write {
    /// Whether, after this write, a subscription may exist that did not before.
    pub(super) fn may_add_subscriptions(&self) -> bool {
        match self {
            Write::Import { writes, .. } => writes.iter().any(Write::may_add_subscriptions),
            write => matches!(write, Write::CreateSubscription { .. }),
        }
    }

    /// Whether this write may have removed the last subscription.
    pub(super) fn may_remove_subscriptions(&self) -> bool {
        if let Write::Import { writes, .. } = self {
            return writes.iter().any(Write::may_remove_subscriptions);
        }
        matches!(
            self,
            Write::DeleteSubscription { .. }
                | Write::DropExpiredSubscriptions { .. }
                | Write::Reset {
                    target: ResetTarget::Everything | ResetTarget::Tenant(_),
                    ..
                }
        )
    }

    /// The user whose stored state this write changed (any part of it), for live streams.
    pub(super) fn touched_user(&self, written: Written) -> Option<&UserKey> {
        match self {
            Write::PutSession { user, .. }
            | Write::SetPreferred { user, .. }
            | Write::SetStatusMessage { user, .. }
            | Write::SetLocation { user, .. }
            | Write::ClearLocation { user, .. }
            | Write::SetAutomaticReplies { user, .. }
            | Write::AddCalendarEntry { user, .. }
            | Write::Announce { user, .. }
            | Write::Reset {
                target: ResetTarget::User(user),
                ..
            } => Some(user),
            Write::RemoveSession { user, .. } if written == Written::SessionRemoved(true) => {
                Some(user)
            }
            Write::RemoveCalendarEntry { user, .. } if written == Written::Found(true) => {
                Some(user)
            }
            _ => None,
        }
    }

    /// What this write, committed with `written`, did to users' stored state: what an
    /// in-memory copy of it must forget.
    pub(crate) fn cache_effect(&self, written: Written) -> CacheEffect<'_> {
        match self {
            Write::Reset {
                target: ResetTarget::User(user),
                ..
            } => CacheEffect::User(user),
            Write::Reset { .. } | Write::Import { .. } => CacheEffect::All,
            // The writer forgets each purged user itself (`apply::purge` names them).
            Write::PurgeExpired { .. } | Write::PurgeSessions { .. } => CacheEffect::None,
            _ => match self.touched_user(written) {
                Some(user) => CacheEffect::User(user),
                None => CacheEffect::None,
            },
        }
    }

    /// Why this write changes its user, when not through Graph: a Teams client's session,
    /// a meeting, automatic replies, a reset of the user.
    pub fn cause(&self) -> Option<Cause> {
        match self {
            Write::PutSession { session, .. } if session.kind == SessionKind::Client => {
                Some(Cause::TeamsClient)
            }
            Write::RemoveSession {
                kind: SessionKind::Client,
                ..
            } => Some(Cause::TeamsClient),
            Write::AddCalendarEntry { .. } | Write::RemoveCalendarEntry { .. } => {
                Some(Cause::Meeting)
            }
            Write::SetAutomaticReplies { .. } => Some(Cause::OutOfOffice),
            Write::Reset { .. } => Some(Cause::Reset),
            Write::Import { .. } => Some(Cause::Import),
            _ => None,
        }
    }

    /// The user whose presence this write may have changed, and when.
    pub(super) fn changed_user(&self, written: Written) -> Option<(&UserKey, Timestamp)> {
        match self {
            Write::PutSession { user, session } => Some((user, session.refreshed_at)),
            Write::RemoveSession { user, now, .. } if written == Written::SessionRemoved(true) => {
                Some((user, *now))
            }
            Write::RemoveCalendarEntry { user, now, .. } if written == Written::Found(true) => {
                Some((user, *now))
            }
            Write::SetAutomaticReplies { user, now, .. }
            | Write::AddCalendarEntry { user, now, .. } => Some((user, *now)),
            Write::SetPreferred { user, now, .. } | Write::Announce { user, now } => {
                Some((user, *now))
            }
            _ => None,
        }
    }
}
