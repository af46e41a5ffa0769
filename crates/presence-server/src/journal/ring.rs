//! A bounded, newest-first log in memory: the last `capacity` entries, each numbered.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// Entries that know their own position.
pub trait Numbered {
    fn set_sequence(&mut self, sequence: i64);
}

/// The last `capacity` entries pushed; older ones fall off. A capacity of 0 keeps nothing.
#[derive(Debug)]
pub struct Ring<T> {
    capacity: usize,
    inner: Mutex<Inner<T>>,
}

#[derive(Debug)]
struct Inner<T> {
    entries: VecDeque<T>,
    next: i64,
}

impl<T: Numbered + Clone> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner {
                entries: VecDeque::with_capacity(capacity.min(1024)),
                next: 1,
            }),
        }
    }

    /// Whether anything is kept at all.
    pub fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// Appends `entry` with the next sequence number, dropping the oldest when full.
    pub fn push(&self, mut entry: T) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        entry.set_sequence(inner.next);
        inner.next += 1;
        if inner.entries.len() == self.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// Up to `limit` entries that pass `keep`, newest first.
    pub fn newest(&self, limit: usize, keep: impl Fn(&T) -> bool) -> Vec<T> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner
            .entries
            .iter()
            .rev()
            .filter(|entry| keep(entry))
            .take(limit)
            .cloned()
            .collect()
    }

    /// Forgets every entry (sequence numbers keep growing).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Entry(i64);

    impl Numbered for Entry {
        fn set_sequence(&mut self, sequence: i64) {
            self.0 = sequence;
        }
    }

    #[test]
    fn keeps_the_newest_entries_numbered_in_order() {
        let ring = Ring::new(3);
        for _ in 0..5 {
            ring.push(Entry(0));
        }
        assert_eq!(ring.newest(10, |_| true), [Entry(5), Entry(4), Entry(3)]);
        assert_eq!(ring.newest(1, |e| e.0 < 5), [Entry(4)]);
        ring.clear();
        assert!(ring.newest(10, |_| true).is_empty());
        ring.push(Entry(0));
        assert_eq!(ring.newest(10, |_| true), [Entry(6)]);
    }

    #[test]
    fn a_zero_capacity_keeps_nothing() {
        let ring = Ring::new(0);
        ring.push(Entry(0));
        assert!(!ring.is_on());
        assert!(ring.newest(10, |_| true).is_empty());
    }
}
