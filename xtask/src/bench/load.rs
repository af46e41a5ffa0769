//! The open-loop load driver (a fixed request rate, for latency at a given load). Peak
//! throughput is wrk's (`wrk.rs`): this generator tops out far below the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// How hard and how long to drive a scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    pub concurrency: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// Per-connection state handed to request generators.
pub struct Worker {
    pub id: usize,
    pub counter: u64,
    rng: u64,
}

impl Worker {
    fn new(id: usize) -> Self {
        Self {
            id,
            counter: 0,
            rng: 0x9e37_79b9_7f4a_7c15 ^ (id as u64 + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9),
        }
    }

    /// A pseudo-random number below `n` (xorshift64*).
    pub fn below(&mut self, n: u32) -> u32 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let value = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
        u32::try_from(value % u64::from(n.max(1))).unwrap_or(0)
    }
}

/// Builds the next request of a worker; the expected status comes with it.
pub type Generator =
    Arc<dyn Fn(&reqwest::Client, &mut Worker) -> (reqwest::RequestBuilder, u16) + Send + Sync>;

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    /// Latencies in microseconds.
    pub latency: Histogram<u64>,
}

impl Measured {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    pub fn percentile_ms(&self, q: f64) -> f64 {
        self.latency.value_at_quantile(q) as f64 / 1000.0
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs .. 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant, valid histogram bounds")
}

/// A client with one kept-alive connection per worker.
pub fn client(concurrency: usize) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Requests are sent on a fixed schedule, `rate` per second in total; latency counts from
/// the scheduled time, so a stalled server is not hidden (no coordinated omission).
pub async fn open_loop(
    settings: &Settings,
    client: &reqwest::Client,
    generator: Generator,
    rate: f64,
) -> Measured {
    let start = tokio::time::Instant::now();
    let measure_from = start + settings.warmup;
    let end = measure_from + settings.measure;
    let per_worker = Duration::from_secs_f64(settings.concurrency as f64 / rate.max(1.0));
    let tasks: Vec<_> = (0..settings.concurrency)
        .map(|id| {
            let (client, generator) = (client.clone(), generator.clone());
            tokio::spawn(async move {
                let mut worker = Worker::new(id);
                let offset = per_worker
                    .mul_f64(id as f64 / 64.0_f64.max(1.0))
                    .min(per_worker);
                let mut ticks = tokio::time::interval_at(start + offset, per_worker);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                let mut measured = Measured {
                    requests: 0,
                    errors: 0,
                    seconds: 0.0,
                    latency: histogram(),
                };
                loop {
                    let scheduled = ticks.tick().await;
                    if scheduled >= end {
                        break;
                    }
                    let (request, expected) = generator(&client, &mut worker);
                    worker.counter += 1;
                    let ok =
                        matches!(request.send().await, Ok(r) if r.status().as_u16() == expected);
                    if scheduled >= measure_from {
                        measured.requests += 1;
                        if ok {
                            let _ = measured
                                .latency
                                .record(elapsed_micros(scheduled.into_std()));
                        } else {
                            measured.errors += 1;
                        }
                    }
                }
                measured
            })
        })
        .collect();
    merge(tasks, settings.measure).await
}

fn elapsed_micros(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros())
        .unwrap_or(u64::MAX)
        .max(1)
}

async fn merge(tasks: Vec<tokio::task::JoinHandle<Measured>>, measure: Duration) -> Measured {
    let mut total = Measured {
        requests: 0,
        errors: 0,
        seconds: measure.as_secs_f64(),
        latency: histogram(),
    };
    for task in tasks {
        if let Ok(part) = task.await {
            total.requests += part.requests;
            total.errors += part.errors;
            let _ = total.latency.add(&part.latency);
        }
    }
    total
}
