//! Command line and environment configuration of `presence-server`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// The default listen address: loopback only, so a fresh start exposes nothing to the network.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8465";

/// A self-hosted, persistent Microsoft Graph presence API.
#[derive(Debug, Clone, Parser)]
#[command(name = "presence-server", version, about, args_override_self = true)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port; the bound address is logged.
    #[arg(long, env = "PRESENCE_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Serve HTTPS on --listen, with a certificate from a local CA generated once into
    /// DATA_DIR/tls/ (trust DATA_DIR/tls/ca.pem), or --tls-cert/--tls-key.
    #[arg(long, env = "PRESENCE_TLS")]
    pub tls: bool,

    /// Another name the local CA's certificate is valid for (a Docker service name, a host
    /// name), besides localhost, 127.0.0.1 and ::1. Repeatable.
    #[arg(
        long = "tls-name",
        env = "PRESENCE_TLS_NAMES",
        value_delimiter = ',',
        requires = "tls"
    )]
    pub tls_names: Vec<String>,

    /// Your own certificate chain (PEM) instead of the local CA's; with --tls-key.
    #[arg(long, env = "PRESENCE_TLS_CERT", requires_all = ["tls", "tls_key"])]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "PRESENCE_TLS_KEY", requires_all = ["tls", "tls_cert"])]
    pub tls_key: Option<PathBuf>,

    /// Applications and test users for the server's own authority (its token endpoint at
    /// /{tenant}/oauth2/v2.0/token), as JSON: {"tenants":[{"id","applications":[…],"users":[…]}]}.
    /// Loaded at every start, adding or replacing what it names.
    #[arg(long, env = "PRESENCE_IDENTITIES")]
    pub identities: Option<PathBuf>,

    /// Leave out the well-known development identities (a tenant, a confidential app, a
    /// public client and two test users whose secret and passwords are published: README,
    /// `presencectl dev-identities`), which every server otherwise has, whatever else is
    /// registered. For servers that others can reach.
    #[arg(long, env = "PRESENCE_NO_DEFAULT_IDENTITIES")]
    pub no_default_identities: bool,

    /// Directory for the embedded database and the generated token secret; created on first
    /// start. Default: `presence-data` (with --in-memory: none, nothing is written).
    #[arg(long, env = "PRESENCE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Keep everything in memory: no database file, and no generated secret on disk unless
    /// --data-dir is given. The same as `--database-url sqlite::memory:`. For test suites:
    /// state lasts as long as the process.
    #[arg(long, env = "PRESENCE_IN_MEMORY", conflicts_with = "database_url")]
    pub in_memory: bool,

    /// Database to use: `sqlite:///var/lib/presence/presence.db` (one instance), or
    /// `postgres://user:password@host/database` (shared by any number of instances; the
    /// database must exist, its tables are created at start-up).
    /// Default: `presence.db` in the data directory.
    #[arg(long, env = "PRESENCE_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where time comes from. `manual` freezes time until `POST /admin/clock/advance` moves it.
    #[arg(long, env = "PRESENCE_CLOCK", value_enum, default_value_t = ClockMode::System)]
    pub clock: ClockMode,

    /// How callers are authenticated. `none` lets every request do everything (local
    /// experiments only; a warning is logged).
    #[arg(long, env = "PRESENCE_AUTH", value_enum, default_value_t = AuthMode::Jwt)]
    pub auth: AuthMode,

    /// Shared secret for HS256 tokens. Default: generated on first start and kept in
    /// `DATA_DIR/jwt-secret` (owner-only), unless `--jwks` is given.
    #[arg(long, env = "PRESENCE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// JWKS file with the RS256/ES256 public keys tokens may be signed with.
    #[arg(long, env = "PRESENCE_JWKS")]
    pub jwks: Option<PathBuf>,

    /// Accept only tokens whose `iss` is this.
    #[arg(long, env = "PRESENCE_ISSUER")]
    pub issuer: Option<String>,

    /// Accept only tokens whose `aud` is (or contains) this.
    #[arg(long, env = "PRESENCE_AUDIENCE")]
    pub audience: Option<String>,

    /// Requests handled at once; more are answered 503 with Retry-After.
    #[arg(long, env = "PRESENCE_MAX_IN_FLIGHT", default_value_t = 1024)]
    pub max_in_flight: usize,

    /// Requests one tenant, or one application, may have in flight at once (default: a
    /// quarter of --max-in-flight); beyond it that tenant or application is answered 503 while
    /// others still get through. Health checks are never shed.
    #[arg(long, env = "PRESENCE_MAX_IN_FLIGHT_PER_TENANT")]
    pub max_in_flight_per_tenant: Option<usize>,

    /// Client connections open at once (default: the limit of open files, raised to its
    /// hard limit at start, less room for the database and outgoing connections). Past
    /// three quarters of it, answers close their connection instead of keeping it alive.
    #[arg(long, env = "PRESENCE_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,

    /// An address this server is reached at and answers as (issuers, endpoints,
    /// `@odata.context`): `scheme://host[:port]`, e.g. a Docker service name. Repeatable; the
    /// first is the canonical one, named to requests addressed to anything that is not one
    /// of the server's own addresses (these, `localhost`, the loopback and listen addresses
    /// on any port, and every --tls-name).
    #[arg(
        long = "public-url",
        env = "PRESENCE_PUBLIC_URLS",
        value_delimiter = ',',
        value_parser = crate::public_url::parse_public_url
    )]
    pub public_urls: Vec<String>,

    /// A reverse proxy (an address or a network, e.g. `10.0.0.0/8`) whose `Forwarded`,
    /// `X-Forwarded-Proto`, `-Host` and `-For` headers are believed: the scheme and host it
    /// names (checked like `Host`) and the client's address (for per-address fair shares and
    /// guessing limits). From anyone else those headers are ignored. Repeatable.
    #[arg(
        long = "trusted-proxy",
        env = "PRESENCE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::public_url::parse_trusted_proxy
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Origins of browser apps allowed to call Graph's API and the authority's endpoints
    /// (CORS): `scheme://host[:port]`, repeatable or comma-separated. Without it any origin
    /// may (answered `*`, as Graph does). The control plane, the dashboard and the sign-in
    /// pages stay same-origin whatever this says.
    #[arg(
        long = "cors-origins",
        env = "PRESENCE_CORS_ORIGINS",
        value_delimiter = ',',
        value_parser = parse_origin
    )]
    pub cors_origins: Vec<String>,

    /// Log lines on standard error: `text` (coloured only on a terminal) or `json` (one
    /// object a line, for log collectors). The start signal is on standard output whatever
    /// this says (`presence ready: <base URL>`).
    #[arg(long, env = "PRESENCE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// How the authority's sign-in pages (`/authorize`, `/devicelogin`) sign a test user in:
    /// `password` asks for the user's password, as Entra does; `auto` signs `login_hint` in
    /// at once, without one (an emulator convenience for unattended tests: anyone who can
    /// reach the server then gets any test user's delegated token; a warning is logged).
    #[arg(long, env = "PRESENCE_SIGN_IN", value_enum, default_value_t = SignIn::Password)]
    pub sign_in: SignIn,

    /// Event streams (`/events/presence`, `/admin/events`) open at once on this server;
    /// past it a new stream is answered 503 with Retry-After.
    #[arg(long, env = "PRESENCE_MAX_STREAMS", default_value_t = MAX_STREAMS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams: u32,

    /// Event streams one application may hold at once within a tenant; past it its new
    /// streams are answered 429 with Retry-After, while other applications still get theirs.
    #[arg(long, env = "PRESENCE_MAX_STREAMS_PER_APP", default_value_t = MAX_STREAMS_PER_APP,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams_per_app: u32,

    /// How long a client has, from the end of a request's head, to send its whole body;
    /// past it the answer is 408 and the connection is closed, so a slow or silent client
    /// cannot hold a slot.
    #[arg(long, env = "PRESENCE_BODY_TIMEOUT", default_value = "5s", value_parser = parse_interval)]
    pub body_timeout: std::time::Duration,

    /// Which addresses notification URLs may reach: `any` (loopback and private networks
    /// included, for local receivers), or `public` (refuses loopback, private, link-local and
    /// cloud-metadata addresses, however the URL names them: for a service that untrusted
    /// subscribers reach).
    #[arg(long, env = "PRESENCE_NOTIFICATION_TARGETS", value_enum, default_value_t = TargetPolicy::Any)]
    pub notification_targets: TargetPolicy,

    /// What notifications carry in clear: `detailed` (the presence's availability and
    /// activity too, so receivers need no second request), or `graph` (exactly Graph's shape:
    /// only the id; the presence only in rich notifications' encrypted content).
    #[arg(long, env = "PRESENCE_NOTIFICATIONS", value_enum, default_value_t = Shape::Detailed)]
    pub notifications: Shape,

    /// How often expired sessions are purged from the database, e.g. `60s`, `PT5M`.
    #[arg(long, env = "PRESENCE_PURGE_INTERVAL", default_value = "60s", value_parser = parse_interval)]
    pub purge_interval: std::time::Duration,

    /// How often followed users are checked for changes time alone makes (fades, expiries),
    /// which then produce notifications.
    #[arg(long, env = "PRESENCE_NOTIFICATION_SCAN_INTERVAL", default_value = "1s", value_parser = parse_interval)]
    pub notification_scan_interval: std::time::Duration,

    /// How long a change notification is retried before it is dropped (and `missed` sent to
    /// the subscription's lifecycle URL): Graph's 4 hours; shorten it to test how an app
    /// handles `missed`, e.g. `30s`.
    #[arg(long, env = "PRESENCE_GIVE_UP_AFTER", default_value = "4h", value_parser = parse_interval)]
    pub give_up_after: std::time::Duration,

    /// How long before a subscription expires, or before the access of the token that made
    /// or last renewed it lapses, its `lifecycleNotificationUrl` gets `reauthorizationRequired`
    /// (once per renewal or reauthorization), e.g. `10m`.
    #[arg(long, env = "PRESENCE_REAUTHORIZATION_LEAD", default_value = "10m", value_parser = parse_interval)]
    pub reauthorization_lead: std::time::Duration,

    /// Prometheus metrics at GET /metrics (request counts and latencies per operation, group
    /// commits, deliveries, streams): `true` or `false`.
    #[arg(long, env = "PRESENCE_METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,

    /// Throttle each application of each tenant to this many requests per 30 s (429 with
    /// Retry-After beyond), as Graph does with 10000. Off when absent.
    #[arg(long, env = "PRESENCE_THROTTLE")]
    pub throttle: Option<u32>,

    /// A snapshot (`GET /admin/export`'s format) to load at start-up: into an empty database
    /// only, unless --seed-mode replace.
    #[arg(long, env = "PRESENCE_SEED")]
    pub seed: Option<PathBuf>,

    /// When --seed is loaded: `if-empty` (the first start), or `replace` (every start,
    /// replacing whatever is there).
    #[arg(long, env = "PRESENCE_SEED_MODE", value_enum, default_value_t = SeedMode::IfEmpty, requires = "seed")]
    pub seed_mode: SeedMode,

    /// Write a snapshot of the whole state to this file at graceful shutdown (SIGTERM,
    /// Ctrl-C).
    #[arg(long, env = "PRESENCE_EXPORT_ON_EXIT")]
    pub export_on_exit: Option<PathBuf>,

    /// How many API requests, and how many notification attempts, the journals keep
    /// (`GET /admin/requests`, `/admin/deliveries`); 0 switches both off.
    #[arg(long, env = "PRESENCE_JOURNAL", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub journal: u32,

    /// Keep request and response bodies and request headers in the journal (up to 16 KiB a
    /// body; `Authorization` is always redacted).
    #[arg(long, env = "PRESENCE_JOURNAL_BODIES")]
    pub journal_bodies: bool,

    /// Number of HTTP worker threads (default: one per CPU).
    #[arg(long, env = "PRESENCE_WORKERS")]
    pub workers: Option<usize>,

    /// PostgreSQL only: connections this instance keeps to the database for writes, and as
    /// many again for reads (plus one for LISTEN). Budget 2N+1 per instance against the
    /// server's `max_connections`.
    #[arg(long, env = "PRESENCE_DATABASE_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_connections: u32,

    /// PostgreSQL only: how long `/healthz` waits for PostgreSQL's answer before it answers
    /// 503, and how long a request waits for a connection before the server checks that
    /// PostgreSQL is there (503 at once if not; a busy one is waited for up to 10 s).
    /// E.g. `1s`, `500ms`.
    #[arg(long, env = "PRESENCE_DATABASE_TIMEOUT", default_value = "1s", value_parser = parse_interval)]
    pub database_timeout: std::time::Duration,

    /// SQLite only: MiB of users' state kept in memory, so reads skip the database (0 turns
    /// it off). Exact, not a time-limited cache: the one writer invalidates what it commits
    /// before acknowledging it. About 600 bytes per user of ten sessions: the default holds
    /// 100,000 such users (a million sessions).
    #[arg(long, env = "PRESENCE_STATE_CACHE_MB", default_value_t = 72,
          value_parser = clap::value_parser!(u32).range(0..=65536))]
    pub state_cache_mb: u32,
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Bearer JWTs shaped like Microsoft Entra access tokens.
    Jwt,
    /// No authentication: every request may read and write everything (default tenant).
    None,
}

/// Source of time for the whole server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockMode {
    /// The machine's wall clock.
    System,
    /// A clock that only moves through the admin endpoint (for testing apps against us).
    Manual,
}

/// `--log-format`: how log lines (standard error) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text per event, coloured only on a terminal (and never with `NO_COLOR`).
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`, `fields`), for log
    /// collectors.
    Json,
}

/// `--sign-in`: what signs a test user in on the authority's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SignIn {
    /// The user's password, as Entra asks for it.
    #[default]
    Password,
    /// `login_hint` alone, at once.
    Auto,
}

impl Config {
    /// The database URL in force: the explicit one, memory, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None if self.in_memory => MEMORY_URL.to_owned(),
            None => format!("sqlite://{}", self.data_dir().join("presence.db").display()),
        }
    }

    /// Where the server's certificate comes from, with --tls.
    pub fn certificate_source(&self) -> Option<crate::tls::CertificateSource> {
        if !self.tls {
            return None;
        }
        Some(match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => crate::tls::CertificateSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            },
            _ => crate::tls::CertificateSource::LocalCa {
                dir: self.data_dir().join("tls"),
                names: self.tls_names.clone(),
            },
        })
    }

    /// The data directory in force.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
    }

    /// Whether the database lives in memory (`--in-memory`, or an in-memory SQLite URL).
    pub fn in_memory(&self) -> bool {
        self.in_memory || self.database_url.as_deref().is_some_and(is_memory_url)
    }
}

/// The data directory when none is given.
pub const DEFAULT_DATA_DIR: &str = "presence-data";

/// The in-memory SQLite database (sqlx shares it between the pool's connections).
pub const MEMORY_URL: &str = "sqlite::memory:";

/// Whether `url` names an in-memory SQLite database.
pub fn is_memory_url(url: &str) -> bool {
    url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory"))
}

/// `url` with its password, if any, replaced by `***`: fit for logs.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info
                .split_once(':')
                .map_or(user_info, |(user, _)| user);
            let hidden = if user == user_info { "" } else { ":***" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// A positive duration, human (`60s`, `5m`) or ISO-8601 (`PT1M`).
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let span: jiff::Span = text
        .parse()
        .map_err(|e| format!("'{text}' is not a duration: {e}"))?;
    let duration = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| e.to_string())?;
    std::time::Duration::try_from(duration)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("'{text}' must be positive"))
}

// The vocabularies of the options, kept here so that configuration depends on nothing
// above it; the modules that act on them import them from here.

/// Default of `--max-streams`: streams open at once on one server.
pub const MAX_STREAMS: u32 = 4096;
/// Default of `--max-streams-per-app`: streams one application (or, without one, one
/// tenant's callers) may hold at once within a tenant.
pub const MAX_STREAMS_PER_APP: u32 = 256;

/// When a seed file is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedMode {
    /// Only into an empty database (no user, no subscription): the first start.
    IfEmpty,
    /// On every start, replacing whatever is there.
    Replace,
}

/// Which addresses notification URLs may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TargetPolicy {
    /// Any address, loopback and private networks included (local development).
    #[default]
    Any,
    /// Public addresses only (a service reachable by untrusted subscribers).
    Public,
}

/// What `resourceData` carries in clear (`--notifications`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// The user's id, availability and activity: receivers need no second request.
    #[default]
    Detailed,
    /// Exactly Graph's: only `@odata.id`, `@odata.type` and `id` in clear (the presence
    /// itself only in a rich notification's encrypted content), so an app's parser meets
    /// what production sends.
    Graph,
}

/// `--cors-origins`: an origin, `scheme://host[:port]` (the default port left out, as
/// browsers send it), compared without regard to case.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{text:?} is not an origin: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{text:?} is not an http or https origin"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{text:?}: an origin is scheme://host[:port], without a path"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redacted("postgres://presence:s3cret@db.internal:5432/presence?sslmode=require"),
            "postgres://presence:***@db.internal:5432/presence?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://presence@localhost/presence"),
            "postgres://presence@localhost/presence"
        );
        assert_eq!(
            redacted("sqlite:///var/lib/presence/presence.db"),
            "sqlite:///var/lib/presence/presence.db"
        );
        assert_eq!(
            redacted("postgres://u:p@w@host/db"),
            "postgres://u:***@host/db"
        );
    }
}
