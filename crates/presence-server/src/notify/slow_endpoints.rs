//! Graph's throttling of slow notification endpoints (change-notifications-delivery-webhooks,
//! "Throttling"): over a 10-minute window, an endpoint with more than 10 % of slow answers is
//! "slow" and its new notifications wait 10 seconds; with more than 15 % it is "drop" and its
//! new notifications are dropped, until the share falls again. An answer is slow when it
//! takes more than 2,900 ms (or never comes within the 3 s delivery timeout).
//!
//! Kept in memory, per instance (each instance judges what it sees), bounded: the newest
//! [`MAX_SAMPLES`] answers of at most [`MAX_ENDPOINTS`] endpoints. An endpoint is judged only
//! once it has [`MIN_SAMPLES`] answers in the window, so one slow answer among the first
//! few does not throttle it (Graph's reference counts over 100; fewer here so that a local
//! test can see it).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window answers are counted over.
const WINDOW: Duration = Duration::from_secs(600);
/// An answer slower than this is slow.
pub const SLOW_AFTER: Duration = Duration::from_millis(2900);
/// How long a notification to a slow endpoint waits.
pub const SLOW_DELAY: Duration = Duration::from_secs(10);
/// Answers needed in the window before an endpoint is judged.
const MIN_SAMPLES: usize = 10;
const MAX_SAMPLES: usize = 1000;
const MAX_ENDPOINTS: usize = 10_000;

/// What an endpoint's recent answers make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Normal,
    /// New notifications wait [`SLOW_DELAY`].
    Slow,
    /// New notifications are dropped.
    Drop,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Normal => "normal",
            Standing::Slow => "slow",
            Standing::Drop => "drop",
        }
    }
}

/// Recent answers per endpoint: when, and whether slow.
#[derive(Debug, Default)]
pub struct SlowEndpoints(Mutex<HashMap<String, VecDeque<(Instant, bool)>>>);

impl SlowEndpoints {
    /// Records an answer of `endpoint` that took `took` (a timeout counts as its duration).
    pub fn record(&self, endpoint: &str, took: Duration) {
        let Ok(mut endpoints) = self.0.lock() else {
            return;
        };
        if endpoints.len() >= MAX_ENDPOINTS && !endpoints.contains_key(endpoint) {
            endpoints.clear();
        }
        let samples = endpoints.entry(endpoint.to_owned()).or_default();
        if samples.len() >= MAX_SAMPLES {
            samples.pop_front();
        }
        samples.push_back((Instant::now(), took > SLOW_AFTER));
    }

    /// How `endpoint` stands now.
    pub fn standing(&self, endpoint: &str) -> Standing {
        let Ok(mut endpoints) = self.0.lock() else {
            return Standing::Normal;
        };
        let Some(samples) = endpoints.get_mut(endpoint) else {
            return Standing::Normal;
        };
        while samples.front().is_some_and(|(at, _)| at.elapsed() > WINDOW) {
            samples.pop_front();
        }
        let total = samples.len();
        if total < MIN_SAMPLES {
            return Standing::Normal;
        }
        let slow = samples.iter().filter(|(_, slow)| *slow).count();
        // More than 15 % (slow / total > 15 / 100), in integers.
        if slow * 100 > total * 15 {
            Standing::Drop
        } else if slow * 100 > total * 10 {
            Standing::Slow
        } else {
            Standing::Normal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(endpoints: &SlowEndpoints, fast: usize, slow: usize) {
        for _ in 0..fast {
            endpoints.record("https://r.test/hook", Duration::from_millis(10));
        }
        for _ in 0..slow {
            endpoints.record("https://r.test/hook", Duration::from_secs(3));
        }
    }

    #[test]
    fn shares_of_slow_answers_make_an_endpoint_slow_then_dropped() {
        let cases = [
            ((4, 5), Standing::Normal), // too few answers to judge
            ((90, 10), Standing::Normal),
            ((89, 11), Standing::Slow),
            ((85, 15), Standing::Slow),
            ((84, 16), Standing::Drop),
            ((0, 10), Standing::Drop),
        ];
        for ((fast, slow), expected) in cases {
            let endpoints = SlowEndpoints::default();
            answers(&endpoints, fast, slow);
            assert_eq!(
                endpoints.standing("https://r.test/hook"),
                expected,
                "{fast} fast, {slow} slow"
            );
            assert_eq!(endpoints.standing("https://other.test/"), Standing::Normal);
        }
    }
}
