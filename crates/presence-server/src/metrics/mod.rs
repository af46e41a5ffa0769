//! Prometheus metrics, served at `GET /metrics` by `routes::metrics` (prometheus-client, the Prometheus project's Rust
//! client; OpenMetrics text): what the service does, for operators and for the benchmark.
//!
//! - `presence_http_requests` and `presence_http_request_duration_seconds`, per operation
//!   (the API description's operation id) and status ([`requests`], a middleware);
//! - `presence_store_write_batch_size` and `presence_store_commit_duration_seconds` (the
//!   SQLite writer's group commits), `presence_store_writer_queue_depth`;
//! - `presence_notification_deliveries` by outcome, `presence_notification_outbox_depth`;
//! - `presence_event_streams_open`.
//!
//! One registry per process, installed at start with `--metrics true` (the default): the
//! store, the dispatcher and the streams report to [`get`], which is `None` when off, so
//! each report costs one atomic load then.

pub mod requests;

use std::sync::OnceLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// An API request's labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    pub operation: &'static str,
    pub status: u16,
}

/// A request's operation, for its latency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct OperationLabel {
    pub operation: &'static str,
}

/// A delivery's outcome (`delivered`, `retrying`, `dropped`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_duration: Family<OperationLabel, Histogram>,
    pub write_batch_size: Histogram,
    pub commit_duration: Histogram,
    pub wal_sync_duration: Histogram,
    pub writer_queue_depth: Gauge<i64, std::sync::atomic::AtomicI64>,
    pub deliveries: Family<OutcomeLabel, Counter>,
    pub outbox_depth: Gauge<i64, std::sync::atomic::AtomicI64>,
    pub event_streams_open: Gauge<i64, std::sync::atomic::AtomicI64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Latency buckets: 50 µs to about 6.5 s, doubling.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.000_05, 2.0, 18))
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("presence");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "API requests answered", requests.clone());
        let request_duration =
            Family::<OperationLabel, Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer's head",
            request_duration.clone(),
        );
        let write_batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        registry.register(
            "store_write_batch_size",
            "Writes committed together by the SQLite writer (group commit)",
            write_batch_size.clone(),
        );
        let commit_duration = latency();
        registry.register(
            "store_commit_duration_seconds",
            "Time of one group commit (on a file, without its fsync: see wal_sync)",
            commit_duration.clone(),
        );
        let wal_sync_duration = latency();
        registry.register(
            "store_wal_sync_duration_seconds",
            "Time of one fsync of the SQLite WAL, which the batches committed meanwhile wait for",
            wal_sync_duration.clone(),
        );
        let writer_queue_depth = Gauge::default();
        registry.register(
            "store_writer_queue_depth",
            "Writes waiting for the SQLite writer",
            writer_queue_depth.clone(),
        );
        let deliveries = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "notification_deliveries",
            "Notification delivery attempts by outcome",
            deliveries.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "notification_outbox_depth",
            "Notifications waiting for delivery (as of the last scan)",
            outbox_depth.clone(),
        );
        let event_streams_open = Gauge::default();
        registry.register(
            "event_streams_open",
            "Open server-sent event streams",
            event_streams_open.clone(),
        );
        Self {
            registry,
            requests,
            request_duration,
            write_batch_size,
            commit_duration,
            wal_sync_duration,
            writer_queue_depth,
            deliveries,
            outbox_depth,
            event_streams_open,
        }
    }

    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// Turns metrics on for this process (idempotent).
pub fn install() -> &'static Metrics {
    METRICS.get_or_init(Metrics::new)
}

/// The process's metrics, when they are on.
pub fn get() -> Option<&'static Metrics> {
    METRICS.get()
}

/// Counts an open event stream for as long as it lives.
#[derive(Debug)]
pub struct OpenStream(());

impl OpenStream {
    pub fn new() -> Self {
        if let Some(metrics) = get() {
            metrics.event_streams_open.inc();
        }
        Self(())
    }
}

impl Default for OpenStream {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        if let Some(metrics) = get() {
            metrics.event_streams_open.dec();
        }
    }
}
