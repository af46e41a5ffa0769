//! What every handler can reach ([`AppState`]), built once from the configuration before
//! the server listens. It sits below every surface: handlers, middleware and background tasks
//! import it; it imports none of them back but the parts of state they own.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::clock::{ManualClock, SharedClock, SystemClock};
use crate::config::{ClockMode, Config};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::notify::outbound::{self, TargetPolicy};
use crate::public_url::PublicAddresses;
use crate::signing::Signer;
use crate::store::Store;
use crate::throttle::Throttle;

/// What every handler can reach.
pub struct AppState {
    pub store: Store,
    /// Also the app's own data, for `auth::request`.
    pub auth: Arc<Authenticator>,
    pub clock: SharedClock,
    /// Present only with `--clock manual`: the handle the admin clock endpoint moves.
    pub manual_clock: Option<Arc<ManualClock>>,
    /// Present only with `--throttle N`.
    pub throttle: Option<Throttle>,
    /// Outgoing HTTP (validation handshakes and deliveries: `notify::outbound`).
    pub http: reqwest::Client,
    /// Which addresses notification URLs may reach.
    pub notification_targets: TargetPolicy,
    /// When this process started (wall clock), for `GET /admin/info`.
    pub started_at: jiff::Timestamp,
    /// Whether the database lives in memory only (`--in-memory`).
    pub in_memory: bool,
    /// The request and delivery journals (`--journal`).
    pub journal: Arc<Journal>,
    /// Fault rules (`/admin/faults`).
    pub faults: Arc<Faults>,
    /// `http://host:port` of this server, known once it listens: where `$batch` sends the
    /// requests it carries.
    pub self_url: std::sync::OnceLock<String>,
    /// The client `$batch` sends them with (loopback, no redirects).
    pub batch_http: reqwest::Client,
    /// The server's signing key (validation tokens; its JWKS).
    pub signer: Arc<Signer>,
    /// How notifications are sent: what a reset uses to send `subscriptionRemoved`.
    pub sender: crate::notify::Sender,
    /// The local CA clients must trust, when the server serves HTTPS with one.
    pub ca_path: Option<std::path::PathBuf>,
    /// Every presence change this server saw, with its cause (control plane, dashboard).
    pub history: Arc<crate::history::History>,
    /// Open event streams: their caps, and the stop that ends them (`crate::streams`).
    pub streams: Arc<crate::streams::Streams>,
}

impl AppState {
    /// Everything from `config`, in one step: `auth` as configured (the authority's own key is
    /// added to it here, with the addresses its issuers may name), `tls` when serving HTTPS.
    pub async fn build(
        config: &Config,
        store: Store,
        mut auth: Authenticator,
        tls: Option<&crate::tls::Served>,
        public: Arc<PublicAddresses>,
    ) -> anyhow::Result<Self> {
        crate::tls::install_crypto_provider();
        let (clock, manual_clock) = clock(config.clock);
        let signer = Arc::new(Signer::new(store.clone()));
        // The tokens the server's authority issues verify like any JWKS key's, but only
        // with an issuer naming one of the server's own addresses.
        if let Authenticator::Jwt(verifier) = &mut auth {
            let key = signer.key().await?;
            let public_key = key.public_key()?;
            verifier.issued_here = public_key.kid.clone().map(|kid| {
                Box::new(crate::auth::verify::IssuedHere {
                    kid,
                    addresses: public.clone(),
                })
            });
            verifier.public_keys.push(public_key);
        }
        let targets = config.notification_targets;
        let http = outbound::client(targets)?;
        let journal = Arc::new(Journal::new(
            usize::try_from(config.journal).unwrap_or(usize::MAX),
            config.journal_bodies,
        ));
        let faults = Arc::new(Faults::default());
        let sender = crate::notify::Sender {
            http: http.clone(),
            delivery: crate::notify::Delivery {
                targets,
                shape: config.notifications,
                give_up_after: jiff::SignedDuration::try_from(config.give_up_after)
                    .unwrap_or(crate::notify::dispatcher::GIVE_UP_AFTER),
            },
            control: crate::notify::ControlPlane {
                journal: journal.clone(),
                faults: faults.clone(),
            },
            signer: signer.clone(),
            endpoints: Arc::default(),
        };
        let batch_http = match tls {
            Some(served) => batch_client_over_tls(served.ca_path.as_deref())?,
            None => crate::tls::client_roots::trusting_only(
                || reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()),
                Vec::new(),
            )?,
        };
        Ok(Self {
            store,
            auth: Arc::new(auth),
            clock,
            manual_clock,
            throttle: config.throttle.map(Throttle::new),
            http,
            notification_targets: targets,
            started_at: jiff::Timestamp::now(),
            in_memory: config.in_memory(),
            journal,
            faults,
            self_url: std::sync::OnceLock::new(),
            batch_http,
            signer,
            sender,
            ca_path: tls.and_then(|served| served.ca_path.clone()),
            history: Arc::default(),
            streams: Arc::new(crate::streams::Streams::new(
                config.max_streams as usize,
                config.max_streams_per_app as usize,
            )),
        })
    }
}

/// The clock `--clock` asks for, and the handle that moves it when it is manual.
fn clock(mode: ClockMode) -> (SharedClock, Option<Arc<ManualClock>>) {
    match mode {
        ClockMode::System => (Arc::new(SystemClock), None),
        ClockMode::Manual => {
            // Whole seconds: times read back from the store (milliseconds) then match
            // exactly what a test computes from the clock.
            let start = jiff::Timestamp::now();
            let start = start.round(jiff::Unit::Second).unwrap_or(start);
            let manual = Arc::new(ManualClock::new(start));
            (manual.clone(), Some(manual))
        }
    }
}

/// The client `$batch` reaches this server with over HTTPS: trusting the local CA, or, with
/// the operator's certificate (which need not name the loopback address), any certificate:
/// it only ever connects to the loopback socket this process listens on.
fn batch_client_over_tls(ca: Option<&std::path::Path>) -> anyhow::Result<reqwest::Client> {
    let builder = || reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    match ca {
        Some(ca) => {
            crate::tls::client_roots::trusting_only(builder, vec![crate::tls::certificate(ca)?])
        }
        None => Ok(builder().tls_danger_accept_invalid_certs(true).build()?),
    }
}
