//! Assembles the server: state, middleware, routes, error handlers; runs it until a signal.

use std::sync::Arc;
use std::time::Duration;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing::{info, warn};

use crate::admin::snapshot::files as snapshot;
use crate::auth::Authenticator;
use crate::body_deadline::{self, BodyDeadline};
use crate::clock::SharedClock;
use crate::config::{ClockMode, Config};
use crate::faults;
use crate::http::body;
use crate::journal;
use crate::overload::{self, InFlightLimit};
use crate::request_id;
use crate::routes;
use crate::state::AppState;
use crate::store::Store;

/// Registers everything the server answers, on any actix `App`.
pub fn configure(
    state: web::Data<AppState>,
    authority: web::Data<crate::authority::memory::AuthorityState>,
) -> impl Fn(&mut web::ServiceConfig) + Clone {
    // Built once, not per worker.
    let document = crate::openapi::served_document(!matches!(*state.auth, Authenticator::Disabled));
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(state.clone())
            .app_data(web::Data::from(state.auth.clone()))
            .app_data(authority.clone())
            .app_data(web::Data::from(state.journal.clone()))
            .app_data(web::Data::from(state.faults.clone()))
            .app_data(body::json_config())
            .app_data(body::payload_config())
            .app_data(body::query_config())
            .configure(|cfg| routes::configure(cfg, document.clone()))
            .configure(crate::admin::configure)
            .configure(crate::authority::configure)
            .configure(crate::ui::configure);
    }
}

/// Opens the store, binds, serves until SIGINT or SIGTERM, then drains and closes the store.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let signals = ShutdownSignals::install();
    // The middleware that names operations (journal, faults, metrics) is handed their table.
    crate::operations::install(crate::openapi::operation_table());
    let open_files = crate::connections::raise_open_files_limit();
    let database_url = config.database_url();
    // Keys first: a configuration mistake is reported before any database is touched.
    let auth = crate::auth::setup::authenticator(&config)?;
    if config.metrics {
        crate::metrics::install();
    }
    let tls = config
        .certificate_source()
        .map(|source| crate::tls::server_config(&source))
        .transpose()?;
    let store = Store::open(
        &database_url,
        config.database_connections,
        config.state_cache_mb as usize * 1024 * 1024,
        config.database_timeout,
    )
    .await?;
    info!(database = %crate::config::redacted(&database_url), "database ready");
    // Everything is created by now (the secret, the local CA, the database). An in-memory
    // server given no data directory touches none.
    if !config.in_memory() || config.data_dir.is_some() {
        crate::data_dir::secure(&config.data_dir())?;
    }
    if config.clock == ClockMode::Manual {
        warn!("manual clock: time only moves through POST /admin/clock/advance");
    }
    let public = Arc::new(crate::public_url::PublicAddresses::new(
        &config.public_urls,
        &config.tls_names,
        config.listen.ip(),
        tls.is_some(),
        config.trusted_proxies.clone(),
    ));
    if !config.no_default_identities {
        crate::authority::dev_identities::install(&store).await?;
        if crate::authority::dev_identities::exposed(config.listen) {
            warn!(
                listen = %config.listen,
                "the published development identities are on, and this server may be reached \
                 from other machines: start it with --no-default-identities unless that is meant"
            );
        }
    }
    if let Some(path) = &config.identities {
        let (applications, users) = crate::authority::identities::load_file(&store, path).await?;
        info!(applications, users, file = %path.display(), "identities loaded for the authority");
    }
    if config.sign_in == crate::config::SignIn::Auto {
        warn!(
            "--sign-in auto: the sign-in pages sign any test user in without a password; \
             anyone who can reach this server gets their delegated tokens"
        );
    }
    let state = AppState::build(&config, store.clone(), auth, tls.as_ref(), public.clone()).await?;
    let streams = state.streams.clone();
    let state = web::Data::new(state);
    if let Some(seed) = &config.seed {
        snapshot::seed(&store, &state.clock, seed, config.seed_mode).await?;
    }
    let mut background = vec![tokio::spawn(crate::store::purge::run(
        store.clone(),
        state.clock.clone(),
        config.purge_interval,
    ))];
    // Seeded before the server listens (see `start`).
    let history =
        crate::history::watch::start(store.clone(), state.clock.clone(), state.history.clone())
            .await;
    background.push(tokio::spawn(history));
    background.extend(crate::notify::spawn(
        store.clone(),
        state.clock.clone(),
        state.sender.clone(),
        config.notification_scan_interval,
        config.reauthorization_lead,
    ));
    let exit_clock = state.clock.clone();
    let batch_target = state.clone();
    let authority = web::Data::new(crate::authority::memory::AuthorityState::new(
        config.sign_in,
    ));
    let configure = configure(state, authority);
    let in_flight = web::Data::new(InFlightLimit::new(
        config.max_in_flight,
        config.max_in_flight_per_tenant,
    ));
    let body_deadline = web::Data::new(BodyDeadline(config.body_timeout));
    let max_connections = config.max_connections.map_or_else(
        || crate::connections::default_cap(open_files, config.database_connections),
        |cap| cap as usize,
    );
    let workers = config.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    info!(max_connections, workers, "client connections capped");
    let connections = web::Data::new(crate::connections::Connections::new(max_connections));
    let public = web::Data::from(public);
    let cors = web::Data::new(crate::cors::CorsPolicy::new(&config.cors_origins));
    let readiness = web::Data::new(routes::health::Readiness::default());
    let ready = readiness.clone();
    let counted = connections.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(in_flight.clone())
            .app_data(body_deadline.clone())
            .app_data(connections.clone())
            .app_data(public.clone())
            .app_data(cors.clone())
            .app_data(readiness.clone())
            // The last `wrap` is the outermost: CORS, then ids, then the journal (so shed requests
            // are journaled too), the in-flight limit (which verifies the token), the fault
            // rules (which match on that caller), and the body deadline nearest the handler.
            .wrap(from_fn(body_deadline::enforce))
            .wrap(from_fn(faults::requests::inject))
            .wrap(from_fn(overload::limit))
            .wrap(from_fn(journal::requests::record))
            .wrap(from_fn(crate::metrics::requests::measure))
            .wrap(from_fn(request_id::assign))
            .wrap(from_fn(crate::connections::shed_keep_alive))
            .wrap(from_fn(routes::docs::headers))
            // Outermost: preflights are answered before anything else, and every answer to a
            // browser on another origin, whichever layer made it, carries the CORS headers.
            .wrap(from_fn(crate::cors::handle))
            .configure(configure.clone())
            .default_service(web::to(crate::http::fallback::not_found))
    })
    .disable_signals()
    .on_connect(move |_, data| counted.opened(data))
    // Per worker: the cap is shared out among them.
    .max_connections(max_connections.div_ceil(workers).max(1))
    .shutdown_timeout(10)
    // Clients refresh sessions every few minutes over kept-alive connections; a slow or
    // silent client may not hold a worker's connection slot for long.
    .keep_alive(Duration::from_secs(75))
    .client_request_timeout(Duration::from_secs(10));
    server = server.workers(workers);
    let (server, scheme) = match &tls {
        Some(served) => (
            server
                .bind_rustls_0_23(config.listen, served.config.clone())
                .with_context(|| format!("cannot listen on {}", config.listen))?,
            "https",
        ),
        None => (
            server
                .bind(config.listen)
                .with_context(|| format!("cannot listen on {}", config.listen))?,
            "http",
        ),
    };
    for addr in server.addrs() {
        info!("listening on {scheme}://{addr}");
    }
    if let Some(addr) = server.addrs().first() {
        info!("dashboard: {scheme}://{}/ui/", loopback(*addr));
    }
    if let Some(ca) = tls.as_ref().and_then(|served| served.ca_path.as_ref()) {
        // Absolute: the hint is pasted into an app's own folder.
        let ca = std::path::absolute(ca).unwrap_or_else(|_| ca.clone());
        let ca = ca.display();
        info!(
            "clients trust the local CA {ca}: SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} (Python), \
             NODE_EXTRA_CA_CERTS={ca} (Node), presencectl --ca-cert {ca}"
        );
    }
    let server_addr = server.addrs().first().copied();
    if let Some(addr) = server_addr {
        let _ = batch_target
            .self_url
            .set(format!("{scheme}://{}", loopback(addr)));
    }
    let server = server.run();
    if let Some(addr) = server_addr {
        announce_ready(&ready, &format!("{scheme}://{}", loopback(addr)));
    }
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        signals.received().await;
        info!("shutting down: ending event streams, finishing in-flight requests");
        // Streams would otherwise hold the graceful stop for its whole timeout.
        streams.stop_all();
        handle.stop(true).await;
    });
    server.await.context("the HTTP server failed")?;
    for task in background {
        task.abort();
    }
    let exported = match &config.export_on_exit {
        Some(path) => export_on_exit(&store, &exit_clock, path).await,
        None => Ok(()),
    };
    store.close().await;
    info!("stopped");
    exported
}

/// `--export-on-exit`: a database briefly out of reach (a busy PostgreSQL) gets three
/// tries, a second apart; a snapshot that could not be written makes the exit status a
/// failure, so whoever stopped the server knows.
async fn export_on_exit(
    store: &Store,
    clock: &SharedClock,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let mut attempt = 1;
    loop {
        match snapshot::export_to(store, clock, path).await {
            Ok(()) => return Ok(()),
            Err(error) if attempt < 3 => {
                warn!(error = %format!("{error:#}"), attempt, "the export on exit failed; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                attempt += 1;
            }
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), "the export on exit failed");
                return Err(error.context("the export on exit failed"));
            }
        }
    }
}

/// The stable start signal: `/readyz` answers 200 from now on, and one line on standard
/// output, `presence ready: <base URL>`, tells a wait strategy (Testcontainers, a test
/// fixture, a script) that every listener is bound and the state is loaded. Its wording is
/// a promise (README): logs go to standard error and may change. A closed standard output
/// loses the line, nothing else.
fn announce_ready(readiness: &routes::health::Readiness, base_url: &str) {
    use std::io::Write;
    readiness.set();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "presence ready: {base_url}");
    let _ = stdout.flush();
}

/// `addr` as this machine reaches it: a wildcard address becomes loopback.
fn loopback(addr: std::net::SocketAddr) -> std::net::SocketAddr {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    std::net::SocketAddr::new(ip, addr.port())
}

/// SIGINT (Ctrl-C) and SIGTERM, both a graceful stop. Installed before the server says it
/// listens: a signal sent as soon as it does must stop it gracefully, not kill it (the
/// default action of a signal nobody handles yet).
struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignals {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let install = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(signal) => Some(signal),
                Err(error) => {
                    warn!(%error, "cannot listen for {name}");
                    None
                }
            };
            Self {
                interrupt: install(SignalKind::interrupt(), "SIGINT"),
                terminate: install(SignalKind::terminate(), "SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Resolves on the first of the two.
    async fn received(mut self) {
        #[cfg(unix)]
        {
            async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = next(self.interrupt.as_mut()) => {}
                () = next(self.terminate.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
