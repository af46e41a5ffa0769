//! The command line: global options and every subcommand (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use presence_model::{Activity, Availability, WorkLocationType};

use crate::token::{DEFAULT_APP_ID, DEFAULT_TENANT};

/// Command-line client of the presence server (the Microsoft Graph presence API).
///
/// USER is a user id, or `me` for the signed-in user of a delegated --token.
#[derive(Debug, Parser)]
#[command(name = "presencectl", version, about, propagate_version = true)]
pub struct Cli {
    /// Server address (without the API version).
    #[arg(
        long,
        global = true,
        env = "PRESENCE_URL",
        default_value = "http://127.0.0.1:8465"
    )]
    pub url: String,
    /// A CA certificate (PEM) to trust for an `https` --url; default: the local CA of the
    /// server's data directory (`DATA_DIR/tls/ca.pem`), when there is one.
    #[arg(long, global = true, env = "PRESENCE_CA_CERT")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// The server's data directory, where a `--tls` server keeps its local CA.
    #[arg(
        long = "server-data-dir",
        global = true,
        env = "PRESENCE_DATA_DIR",
        default_value = "presence-data"
    )]
    pub server_data_dir: std::path::PathBuf,
    /// Bearer token (see `presencectl token`).
    #[arg(long, global = true, env = "PRESENCE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Graph API version to call.
    #[arg(long, global = true, value_enum, default_value_t = ApiVersion::V1)]
    pub api_version: ApiVersion,
    /// Output format; `table` on a terminal, `json` otherwise, unless given.
    #[arg(long, short, global = true, value_enum)]
    pub output: Option<OutputFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiVersion {
    #[value(name = "v1.0")]
    V1,
    #[value(name = "beta")]
    Beta,
}

impl ApiVersion {
    pub fn path(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// Exactly the server's JSON.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the presence of one or more users.
    Get {
        #[arg(required = true)]
        users: Vec<String>,
    },
    /// Show the presence of many users in one request (getPresencesByUserId); ids from the
    /// arguments, or one per line on standard input.
    Batch { users: Vec<String> },
    /// Create or refresh this application's presence session for a user (setPresence).
    Set(SetArgs),
    /// Remove this application's presence session for a user (clearPresence).
    Clear {
        user: String,
        /// Session id (default: the token's application id).
        #[arg(long)]
        session: Option<String>,
    },
    /// Set the user's preferred presence (setUserPreferredPresence).
    Prefer(PreferArgs),
    /// Remove the user's preferred presence (clearUserPreferredPresence).
    Unprefer { user: String },
    /// Set or clear the user's status message.
    #[command(subcommand)]
    Status(StatusCommand),
    /// Set or clear the user's work location.
    #[command(subcommand)]
    Location(LocationCommand),
    /// Follow users and print each change of their presence until interrupted (a live
    /// server-sent events stream).
    Watch(WatchArgs),
    /// The emulator's control plane (`/admin`): needs a token with the Presence.Admin role
    /// (`presencectl token --admin`) unless the server runs with `--auth none`.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The applications the server's authority issues tokens to (needs an admin token unless
    /// the server runs with `--auth none`).
    #[command(subcommand)]
    Apps(AppsCommand),
    /// The test users who may sign in through the server's authority.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Mint a development access token signed with the server's secret.
    Token(TokenArgs),
    /// Exit 0 when the server answers `GET /livez` with 200 (a container's health check):
    /// --url as given, then, for an `http` URL, the same address over `https` trusting the
    /// server's local CA, so one check serves a server started with or without --tls.
    Alive,
    /// The well-known development identities every server has (unless started with
    /// --no-default-identities): tenant, confidential app and secret, public client, test
    /// users and passwords, with the authority host, the Graph URL and the CA to trust.
    DevIdentities {
        /// JSON for tools: {"tenantId", "clientId", "clientSecret", "publicClientId",
        /// "users": [{"id", "userPrincipalName", "password"}], "authorityHost", "graphUrl",
        /// "caPath"}.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Register an application; prints what its configuration needs (tenant id, client id,
    /// a generated client secret, the authority host, the Graph base URL, the CA to trust).
    Create {
        #[arg(long)]
        tenant: String,
        /// A display name.
        #[arg(long, default_value = "")]
        name: String,
        /// The client id (default: a new GUID).
        #[arg(long)]
        client_id: Option<String>,
        /// An application permission to grant (repeatable): Presence.ReadWrite.All …
        #[arg(long = "role")]
        roles: Vec<String>,
        /// A delegated scope the app may request (repeatable): Presence.ReadWrite …
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// A PEM certificate whose key may sign client assertions (repeatable; with one, no
        /// secret is generated).
        #[arg(long = "certificate")]
        certificates: Vec<PathBuf>,
    },
    /// List a tenant's applications (without secrets).
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Remove an application.
    Delete {
        client_id: String,
        #[arg(long)]
        tenant: String,
    },
    /// Generate another secret for an application (printed once).
    AddSecret {
        client_id: String,
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a test user who may sign in with a password.
    Create {
        #[arg(long)]
        tenant: String,
        /// The user principal name (name@domain).
        #[arg(long)]
        upn: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "")]
        name: String,
        /// The user's object id (default: a new GUID).
        #[arg(long)]
        id: Option<String>,
    },
    /// List a tenant's test users.
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Remove a test user.
    Delete {
        id: String,
        #[arg(long)]
        tenant: String,
    },
    /// Sign a test user in on a pending device code (what the /devicelogin page does).
    Approve {
        /// The code the app shows (e.g. BCDFGHJK).
        user_code: String,
        #[arg(long)]
        upn: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Show the server's version, clock, database, authentication mode and counts.
    Info,
    /// Clear presence state: everything, a tenant (with its subscriptions), or one user.
    Reset {
        /// Only this tenant (its users' state, its subscriptions).
        #[arg(long)]
        tenant: Option<String>,
        /// Only this user of --tenant (subscriptions stay).
        #[arg(long, requires = "tenant")]
        user: Option<String>,
    },
    /// Show the request journal, newest first; with --follow, print requests as they come.
    Requests(JournalArgs),
    /// Show notification delivery attempts, newest first; with --follow, as they happen.
    Deliveries {
        /// Only this subscription's.
        #[arg(long)]
        subscription: Option<String>,
        #[command(flatten)]
        view: JournalView,
    },
    /// Add, list or remove fault rules.
    #[command(subcommand)]
    Fault(FaultCommand),
    /// Set or remove a Teams client's session (any pair Graph can report).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Turn a user's automatic replies (out of office) on or off.
    OutOfOffice(OutOfOfficeArgs),
    /// Add, list or remove a user's calendar entries (meetings, out-of-office events).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Write the whole state as a snapshot (to standard output, or --file).
    Export {
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Load a snapshot from a file (`-` for standard input).
    Import {
        file: PathBuf,
        /// `merge` (the default) or `replace` (reset everything first).
        #[arg(long, value_enum, default_value_t = ImportMode::Merge)]
        mode: ImportMode,
    },
    /// List a tenant's users with their presence and sessions (a page, by id).
    Users {
        #[arg(long, default_value = DEFAULT_TENANT)]
        tenant: String,
        /// Only users whose id sorts after this one (the previous page's nextAfter).
        #[arg(long)]
        after: Option<String>,
        /// At most this many (1 to 1000).
        #[arg(long, default_value_t = 100)]
        top: u32,
    },
    /// Show one user's presence and the sessions and preference behind it.
    User(TenantUser),
    /// Show a user's recorded presence changes (newest first): when, from, to, why.
    Changes(TenantUser),
    /// Show the server's clock, or with --advance move a manual clock forward.
    Clock {
        /// How far to move a `--clock manual` server's clock: 6m, 1h30m, PT6M.
        #[arg(long, value_parser = crate::duration::parse)]
        advance: Option<jiff::SignedDuration>,
    },
}

/// A user of a tenant, as admin commands name them.
#[derive(Debug, Args)]
pub struct TenantUser {
    pub user: String,
    /// The user's tenant.
    #[arg(long, default_value = DEFAULT_TENANT)]
    pub tenant: String,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Set a client's session: `admin client set USER teams-desktop -a Busy -c InAMeeting`.
    Set {
        #[command(flatten)]
        who: TenantUser,
        client: String,
        #[arg(long, short)]
        availability: Availability,
        #[arg(long, short = 'c')]
        activity: Activity,
        /// Lifetime (default: until removed).
        #[arg(long = "for", value_parser = crate::duration::parse)]
        lifetime: Option<jiff::SignedDuration>,
    },
    /// Remove a client's session.
    Remove {
        #[command(flatten)]
        who: TenantUser,
        client: String,
    },
}

#[derive(Debug, Args)]
pub struct OutOfOfficeArgs {
    #[command(flatten)]
    pub who: TenantUser,
    /// Turn the automatic replies off.
    #[arg(long, conflicts_with_all = ["message", "from", "until"])]
    pub off: bool,
    /// The automatic reply.
    #[arg(long)]
    pub message: Option<String>,
    /// From this time (RFC 3339; default now).
    #[arg(long)]
    pub from: Option<String>,
    /// Until this time (RFC 3339; default until turned off).
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add an entry; prints it with its id.
    Add {
        #[command(flatten)]
        who: TenantUser,
        /// RFC 3339.
        #[arg(long)]
        start: String,
        /// RFC 3339.
        #[arg(long)]
        end: String,
        /// busy, tentative, oof or free.
        #[arg(long, default_value = "busy")]
        show_as: String,
        #[arg(long)]
        subject: Option<String>,
    },
    /// List the user's entries.
    List {
        #[command(flatten)]
        who: TenantUser,
    },
    /// Remove one entry.
    Remove {
        #[command(flatten)]
        who: TenantUser,
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Only this operation (`set_presence`, `get_presence`, …).
    #[arg(long)]
    pub operation: Option<String>,
    /// Only answers with this status.
    #[arg(long)]
    pub status: Option<u16>,
    #[arg(long)]
    pub tenant: Option<String>,
    #[arg(long)]
    pub application: Option<String>,
    #[command(flatten)]
    pub view: JournalView,
}

/// How a journal is shown.
#[derive(Debug, Args)]
pub struct JournalView {
    /// Keep printing new entries, oldest first, until interrupted.
    #[arg(long, conflicts_with = "clear")]
    pub follow: bool,
    /// With --follow: stop after this many entries.
    #[arg(long, requires = "follow")]
    pub count: Option<usize>,
    /// At most this many entries (without --follow; default 100).
    #[arg(long)]
    pub top: Option<u32>,
    /// Empty the journal instead of showing it.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, Subcommand)]
pub enum FaultCommand {
    /// Add a rule; prints it with its id.
    Add(Box<FaultArgs>),
    /// List the rules in force.
    List,
    /// Remove one rule, or every rule with --all.
    Remove {
        #[arg(required_unless_present = "all")]
        id: Option<String>,
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

#[derive(Debug, Args)]
pub struct FaultArgs {
    /// What the rule applies to.
    #[arg(long, value_enum, default_value_t = FaultTarget::Requests)]
    pub on: FaultTarget,
    /// Match: operation id (requests).
    #[arg(long)]
    pub operation: Option<String>,
    /// Match: HTTP method (requests).
    #[arg(long)]
    pub method: Option<String>,
    /// Match: path pattern, `*` for any characters (requests).
    #[arg(long)]
    pub path: Option<String>,
    /// Match: tenant.
    #[arg(long)]
    pub tenant: Option<String>,
    /// Match: application (requests).
    #[arg(long)]
    pub application: Option<String>,
    /// Match: subscription (deliveries).
    #[arg(long)]
    pub subscription: Option<String>,
    /// Answer with this status (400-599), in Graph's envelope.
    #[arg(long)]
    pub status: Option<u16>,
    /// The envelope's code (default: Graph's for the status).
    #[arg(long, requires = "status")]
    pub code: Option<String>,
    /// Retry-After seconds (default 1 for 429 and 503).
    #[arg(long, requires = "status")]
    pub retry_after: Option<u32>,
    /// Add latency first: 2s, 250ms, PT2S (at most 60 s).
    #[arg(long, value_parser = crate::duration::parse)]
    pub delay: Option<jiff::SignedDuration>,
    /// Drop the connection (requests) or fail as a connection error (deliveries).
    #[arg(long)]
    pub drop: bool,
    /// Send the notification twice (deliveries).
    #[arg(long)]
    pub duplicate: bool,
    /// Chance of firing, 0 to 1.
    #[arg(long)]
    pub probability: Option<f64>,
    /// Fire this many times, then go.
    #[arg(long)]
    pub times: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportMode {
    Merge,
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FaultTarget {
    Requests,
    Deliveries,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    pub user: String,
    #[arg(long, short)]
    pub availability: Availability,
    #[arg(long, short = 'c')]
    pub activity: Activity,
    /// Session lifetime: 1h30m, 90m, PT1H (5 minutes to 4 hours; default 5 minutes).
    #[arg(long = "for", value_parser = crate::duration::parse)]
    pub lifetime: Option<jiff::SignedDuration>,
    /// Session id (default: the token's application id).
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Debug, Args)]
pub struct PreferArgs {
    pub user: String,
    #[arg(long, short)]
    pub availability: Availability,
    #[arg(long, short = 'c')]
    pub activity: Activity,
    /// How long the preference holds (default 1 day for Busy/DoNotDisturb, else 7 days).
    #[arg(long = "for", value_parser = crate::duration::parse)]
    pub lifetime: Option<jiff::SignedDuration>,
}

#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// Set the status message.
    Set {
        user: String,
        message: String,
        /// When it stops showing, as wall-clock time in --time-zone (e.g. 2026-12-01T17:00).
        #[arg(long)]
        expires: Option<String>,
        /// Windows or IANA zone of --expires (default UTC).
        #[arg(long, requires = "expires")]
        time_zone: Option<String>,
    },
    /// Clear the status message.
    Clear { user: String },
}

#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    /// Set the manual (or, with --automatic, the automatic) work location.
    Set {
        user: String,
        #[arg(value_enum)]
        kind: LocationKind,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        automatic: bool,
    },
    /// Clear the work location (both layers, or with --automatic only the automatic one).
    Clear {
        user: String,
        #[arg(long)]
        automatic: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LocationKind {
    Unspecified,
    Office,
    Remote,
    TimeOff,
}

impl From<LocationKind> for WorkLocationType {
    fn from(kind: LocationKind) -> Self {
        match kind {
            LocationKind::Unspecified => WorkLocationType::Unspecified,
            LocationKind::Office => WorkLocationType::Office,
            LocationKind::Remote => WorkLocationType::Remote,
            LocationKind::TimeOff => WorkLocationType::TimeOff,
        }
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[arg(required = true)]
    pub users: Vec<String>,
    /// Stop after this many changes (default: run until interrupted).
    #[arg(long)]
    pub changes: Option<usize>,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Signed-in user (object id): makes a delegated token. Without it: an application token.
    #[arg(long)]
    pub user: Option<String>,
    /// Application roles (application token).
    #[arg(long, value_delimiter = ',', default_value = "Presence.ReadWrite.All")]
    pub roles: Vec<String>,
    /// Add the `Presence.Admin` role, which `/admin` (the clock, the control plane) requires
    /// when the server checks tokens. Application tokens only.
    #[arg(long, conflicts_with = "user")]
    pub admin: bool,
    /// Delegated scopes (with --user).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "Presence.ReadWrite,Presence.Read.All"
    )]
    pub scopes: Vec<String>,
    /// Application (client) id: the token's `appid`, and so the caller's sessionId.
    #[arg(long, default_value = DEFAULT_APP_ID)]
    pub app_id: String,
    /// Tenant id (`tid`).
    #[arg(long, default_value = DEFAULT_TENANT)]
    pub tenant: String,
    /// Lifetime, e.g. 1h, 90m, PT8H.
    #[arg(long = "for", default_value = "1h", value_parser = crate::duration::parse)]
    pub lifetime: jiff::SignedDuration,
    /// Audience claim (`aud`), for a server started with --audience.
    #[arg(long)]
    pub audience: Option<String>,
    /// Issuer claim (`iss`), for a server started with --issuer.
    #[arg(long)]
    pub issuer: Option<String>,
    /// The HS256 secret. Default: the one the server keeps in its data directory.
    #[arg(long, env = "PRESENCE_JWT_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// The server's data directory (where it keeps `jwt-secret`); default: the global
    /// --server-data-dir (`PRESENCE_DATA_DIR`, else `presence-data`).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}
