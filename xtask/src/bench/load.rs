//! How hard and how long each scenario is driven (the driving itself is wrk's: `wrk.rs`).

use std::time::Duration;

/// How hard and how long to drive a scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Concurrent keep-alive connections (split evenly over the instances).
    pub concurrency: usize,
    pub warmup: Duration,
    pub measure: Duration,
}
