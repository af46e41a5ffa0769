//! Fault injection (`/admin/faults`): rules that answer API requests with errors, add
//! latency or drop the connection ([`requests`]), and do the same to outgoing notifications
//! (the dispatcher asks [`Faults::fire`] before each delivery).
//!
//! Invariant: with no rule the cost on a request is one atomic load; rules are matched in the
//! order they were added and the first that fires wins; a rule with `times` is removed once it
//! has fired that many times.

pub mod requests;
mod rule;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use presence_model::FaultRule;

pub use rule::{Effect, Subject, Target};

use crate::error::GraphError;
use rule::Rule;

/// Most rules kept at once: rules are for tests, and each request is matched against all.
pub const MAX_RULES: usize = 256;

/// Marks a request a rule fired on (request extension), for the journal.
#[derive(Debug, Clone)]
pub struct Applied(pub String);

/// The rules in force.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
    /// Whether any rule exists: requests skip the lock while none does.
    any: AtomicBool,
    next_id: AtomicU64,
}

impl Faults {
    /// Adds a rule; answers it as kept (with its id).
    pub fn add(&self, wire: FaultRule) -> Result<FaultRule, GraphError> {
        let id = format!("fault-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let rule = Rule::new(wire, id)?;
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        if rules.len() >= MAX_RULES {
            return Err(GraphError::bad_request(format!(
                "At most {MAX_RULES} fault rules may exist; delete some first."
            )));
        }
        let kept = rule.wire.clone();
        rules.push(rule);
        self.any.store(true, Ordering::Release);
        Ok(kept)
    }

    /// Every rule, oldest first.
    pub fn list(&self) -> Vec<FaultRule> {
        let rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        rules.iter().map(|rule| rule.wire.clone()).collect()
    }

    /// Removes one rule; whether it existed.
    pub fn remove(&self, id: &str) -> bool {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let before = rules.len();
        rules.retain(|rule| rule.id() != id);
        self.any.store(!rules.is_empty(), Ordering::Release);
        rules.len() < before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        rules.clear();
        self.any.store(false, Ordering::Release);
    }

    /// Whether any rule exists (one atomic load).
    pub fn any(&self) -> bool {
        self.any.load(Ordering::Acquire)
    }

    /// The effect of the first rule that matches `subject` and fires (its probability drawn,
    /// its count spent), if any.
    pub fn fire(&self, target: Target, subject: &Subject<'_>) -> Option<Effect> {
        if !self.any() {
            return None;
        }
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let index = rules.iter().position(|rule| {
            rule.matches(target, subject) && rule.wire.probability.is_none_or(|p| chance() < p)
        })?;
        let rule = &mut rules[index];
        rule.wire.fired = rule.wire.fired.saturating_add(1);
        let effect = rule.effect();
        if rule
            .wire
            .times
            .is_some_and(|times| rule.wire.fired >= times)
        {
            rules.remove(index);
            self.any.store(!rules.is_empty(), Ordering::Release);
        }
        Some(effect)
    }
}

/// A uniform draw in [0, 1).
fn chance() -> f64 {
    let bits = getrandom::u64().unwrap_or(0) >> 11;
    // 53 random bits: exactly representable, uniform over [0, 1).
    #[allow(clippy::cast_precision_loss)]
    let draw = bits as f64 / (1u64 << 53) as f64;
    draw
}

#[cfg(test)]
mod tests {
    use super::*;
    use presence_model::{FaultMatch, FaultResponse};

    fn rule(matches: FaultMatch, times: Option<u32>) -> FaultRule {
        FaultRule {
            id: None,
            applies_to: "requests".into(),
            matches,
            respond: Some(FaultResponse {
                status: 503,
                code: None,
                message: None,
                retry_after: None,
            }),
            delay: None,
            drop: false,
            duplicate: false,
            probability: None,
            times,
            fired: 0,
        }
    }

    #[test]
    fn a_counted_rule_fires_that_many_times_then_goes() {
        let faults = Faults::default();
        let added = faults
            .add(rule(
                FaultMatch {
                    operation: Some("set_presence".into()),
                    ..FaultMatch::default()
                },
                Some(2),
            ))
            .expect("valid");
        let set = Subject {
            operation: Some("set_presence"),
            ..Subject::default()
        };
        let get = Subject {
            operation: Some("get_presence"),
            ..Subject::default()
        };
        assert!(faults.fire(Target::Requests, &get).is_none());
        let effect = faults.fire(Target::Requests, &set).expect("fires");
        assert_eq!(Some(effect.rule_id.as_str()), added.id.as_deref());
        let error = effect.respond.expect("an error");
        assert_eq!(
            (error.status.as_u16(), &*error.code),
            (503, "serviceNotAvailable")
        );
        assert!(
            error
                .headers
                .iter()
                .any(|(name, value)| *name == "retry-after" && value == "1")
        );
        assert!(faults.fire(Target::Requests, &set).is_some());
        assert!(faults.fire(Target::Requests, &set).is_none(), "spent");
        assert!(!faults.any());
    }

    #[test]
    fn rules_without_effect_or_out_of_range_are_refused() {
        let faults = Faults::default();
        let mut no_effect = rule(FaultMatch::default(), None);
        no_effect.respond = None;
        assert!(faults.add(no_effect).is_err());
        let mut never = rule(FaultMatch::default(), None);
        never.probability = Some(1.5);
        assert!(faults.add(never).is_err());
        let mut long = rule(FaultMatch::default(), None);
        long.delay = Some("PT61S".into());
        assert!(faults.add(long).is_err());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn at_most_max_rules_are_kept() {
        let faults = Faults::default();
        for _ in 0..MAX_RULES {
            faults.add(rule(FaultMatch::default(), None)).expect("room");
        }
        assert!(faults.add(rule(FaultMatch::default(), None)).is_err());
        assert_eq!(faults.list().len(), MAX_RULES);
    }

    #[test]
    fn a_zero_probability_never_fires() {
        let faults = Faults::default();
        let mut rule = rule(FaultMatch::default(), None);
        rule.probability = Some(0.0);
        faults.add(rule).expect("valid");
        for _ in 0..100 {
            assert!(faults.fire(Target::Requests, &Subject::default()).is_none());
        }
    }
}
