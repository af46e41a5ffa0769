//! The users' state in memory, for both backends: reads are answered from here without a
//! trip to the database (on SQLite, to its connection thread, which cost a read most of its
//! time: two thread hand-offs per query; on PostgreSQL, a round trip), and a miss reads the
//! database and fills it.
//!
//! Why it can be exact on SQLite: one SQLite file serves one instance, and every write goes
//! through the one writer task, which invalidates what it wrote after the commit and before
//! it acknowledges. So a read that starts after a write was acknowledged never sees the state
//! from before it. On PostgreSQL, other instances write too: the change notifications
//! invalidate, and reads consult this only behind a fence (`postgres::fence`).
//!
//! The race it must close: a read that missed, read the database before a commit, and fills
//! after the writer invalidated. Each invalidation takes a number from a counter and leaves
//! a tombstone with it; a read takes the counter's value before it reads the database, and
//! its fill is refused when a tombstone (or a floor: see below) is newer than that. So a fill
//! only ever stores what the database held after the user's last invalidation.
//!
//! Bounded: entries are evicted when a shard's estimated bytes exceed its share of the
//! budget (`--state-cache-mb`); tombstones are at most [`MAX_TOMBSTONES`] per shard, and
//! dropping them raises the shard's floor (every fill that began before is refused), which
//! is what a tombstone would have done.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::compact_state::{CompactState, Interner};
use crate::engine::{Session, UserState};

/// Shards: locks are held for a lookup or an insert only.
const SHARDS: usize = 64;
/// Tombstones a shard keeps before it drops them all and raises its floor.
const MAX_TOMBSTONES: usize = 1024;
/// Estimated bytes of a tombstone, and of an entry beyond its state.
const OVERHEAD: usize = 96;

enum Slot {
    Known {
        entry: Entry,
        bytes: usize,
        /// The counter's number when the state was read (a fill) or changed (an update):
        /// evicting the entry raises the shard's floor to it, so a fill that began before
        /// cannot bring back an older state once the entry is gone.
        at: u64,
        /// The counter's value when a fill stored it (under the shard's lock): a write whose
        /// [`StateCache::ticket`] is not above it may already be in the state, since the
        /// read could have followed its commit; see [`StateCache::update`].
        filled: u64,
    },
    /// Invalidated at this number of the counter.
    Stale(u64),
}

/// A known state: packed when it packs exactly ([`CompactState`]), else whole.
enum Entry {
    Packed(CompactState),
    Whole(Arc<UserState>),
}

#[derive(Default)]
struct Shard {
    /// tenant → user → slot (nested, so lookups borrow `&str` without allocating).
    tenants: HashMap<String, HashMap<String, Slot>>,
    /// Users in the order they were filled: the first is evicted first. A user filled again
    /// after an invalidation appears twice; the older mention then evicts the newer entry a
    /// little early, which costs a miss, never a wrong answer.
    order: std::collections::VecDeque<(String, String)>,
    /// Known entries, to keep `order` from growing without bound.
    known: usize,
    bytes: usize,
    tombstones: usize,
    /// Fills that began before this number are refused.
    floor: u64,
}

/// The cache; shared by the store's readers and its writer task.
pub struct StateCache {
    shards: Box<[Mutex<Shard>]>,
    counter: AtomicU64,
    budget_per_shard: usize,
    interner: Interner,
}

impl std::fmt::Debug for StateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateCache")
            .field("budget_per_shard", &self.budget_per_shard)
            .finish_non_exhaustive()
    }
}

impl StateCache {
    /// A cache of at most about `budget_bytes` (0 turns it off: every read misses).
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            counter: AtomicU64::new(1),
            budget_per_shard: budget_bytes / SHARDS,
            interner: Interner::default(),
        }
    }

    fn shard(&self, user: &str) -> MutexGuard<'_, Shard> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        user.hash(&mut hasher);
        let index = (hasher.finish() as usize) % SHARDS;
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached state of a user, if known.
    pub fn get(&self, tenant: &str, user: &str) -> Option<Arc<UserState>> {
        self.read_known(tenant, user, |entry| match entry {
            Entry::Packed(packed) => Arc::new(packed.unpack(&self.interner)),
            Entry::Whole(state) => state.clone(),
        })
    }

    /// As [`StateCache::get`], as a value of its own (what a bulk read collects).
    pub fn get_owned(&self, tenant: &str, user: &str) -> Option<UserState> {
        self.read_known(tenant, user, |entry| self.state_of(entry))
    }

    /// `read` applied to the user's entry under its shard's lock, if the user is known.
    fn read_known<R>(&self, tenant: &str, user: &str, read: impl FnOnce(&Entry) -> R) -> Option<R> {
        if self.budget_per_shard == 0 {
            return None;
        }
        match self.shard(user).tenants.get(tenant)?.get(user)? {
            Slot::Known { entry, .. } => Some(read(entry)),
            Slot::Stale(_) => None,
        }
    }

    /// The state an entry keeps, as a value of its own.
    fn state_of(&self, entry: &Entry) -> UserState {
        match entry {
            Entry::Packed(packed) => packed.unpack(&self.interner),
            Entry::Whole(state) => UserState::clone(state),
        }
    }

    /// Whether the cache holds about as much as its budget (or is off): warming stops there.
    pub fn is_full(&self) -> bool {
        if self.budget_per_shard == 0 {
            return true;
        }
        let used: usize = self
            .shards
            .iter()
            .map(|shard| shard.lock().unwrap_or_else(PoisonError::into_inner).bytes)
            .sum();
        used >= self.budget_per_shard * SHARDS / 100 * 95
    }

    /// Whether nothing can be kept (`--state-cache-mb 0`).
    pub fn is_off(&self) -> bool {
        self.budget_per_shard == 0
    }

    /// The states of `users` held here, and the users that are not.
    pub fn lookup(
        &self,
        tenant: &str,
        users: &[String],
    ) -> (HashMap<String, UserState>, Vec<String>) {
        let mut found = HashMap::with_capacity(users.len());
        let mut missing = Vec::new();
        for user in users {
            match self.get_owned(tenant, user) {
                Some(state) => {
                    found.insert(user.clone(), state);
                }
                None => missing.push(user.clone()),
            }
        }
        (found, missing)
    }

    /// Adds to `found` each of `missing` as `loaded` (read from the database by a read that
    /// began at `began`) has it, and fills it; a user without a row has no state, which is
    /// kept too.
    pub fn fill_missing(
        &self,
        tenant: &str,
        found: &mut HashMap<String, UserState>,
        missing: Vec<String>,
        mut loaded: HashMap<String, UserState>,
        began: u64,
    ) {
        for user in missing {
            let state = loaded.remove(&user).unwrap_or_default();
            self.fill(tenant, &user, state.clone(), began);
            found.insert(user, state);
        }
    }

    /// The counter's value, taken before reading the database for a fill.
    pub fn began(&self) -> u64 {
        self.counter.load(Ordering::SeqCst)
    }

    /// Stores what a read that began at `began` found, unless the user (or its shard) was
    /// invalidated since.
    pub fn fill(&self, tenant: &str, user: &str, state: UserState, began: u64) {
        if self.budget_per_shard == 0 {
            return;
        }
        let (entry, bytes) = self.entry(tenant, user, state);
        let mut shard = self.shard(user);
        if began < shard.floor {
            return;
        }
        let replaces_tombstone = match shard.tenants.get(tenant).and_then(|users| users.get(user)) {
            Some(Slot::Known { .. }) => return,
            Some(Slot::Stale(at)) if *at > began => return,
            Some(Slot::Stale(_)) => true,
            None => false,
        };
        if replaces_tombstone {
            shard.tombstones -= 1;
            shard.bytes = shard.bytes.saturating_sub(OVERHEAD);
        }
        let filled = self.counter.load(Ordering::SeqCst);
        shard.tenants.entry(tenant.to_owned()).or_default().insert(
            user.to_owned(),
            Slot::Known {
                entry,
                bytes,
                at: began,
                filled,
            },
        );
        shard.bytes += bytes;
        shard.known += 1;
        shard.order.push_back((tenant.to_owned(), user.to_owned()));
        if shard.order.len() > 4 * shard.known + 64 {
            rebuild_order(&mut shard);
        }
        let budget = self.budget_per_shard;
        evict(&mut shard, budget);
    }

    /// The entry keeping `state` (packed when it packs exactly), and what it costs.
    fn entry(&self, tenant: &str, user: &str, state: UserState) -> (Entry, usize) {
        match CompactState::pack(&state, &self.interner) {
            Some(packed) => {
                let bytes = packed.bytes() + key_bytes(tenant, user);
                (Entry::Packed(packed), bytes)
            }
            None => {
                let bytes = estimate(tenant, user, &state);
                (Entry::Whole(Arc::new(state)), bytes)
            }
        }
    }

    /// Forgets a user's state: called by the writer after the commit that changed it and
    /// before acknowledging it.
    pub fn invalidate(&self, tenant: &str, user: &str) {
        if self.budget_per_shard == 0 {
            return;
        }
        let at = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        self.invalidate_at(tenant, user, at);
    }

    /// Leaves a tombstone numbered `at` for the user.
    fn invalidate_at(&self, tenant: &str, user: &str, at: u64) {
        let mut shard = self.shard(user);
        let previous = shard
            .tenants
            .entry(tenant.to_owned())
            .or_default()
            .insert(user.to_owned(), Slot::Stale(at));
        match previous {
            Some(Slot::Known { bytes, .. }) => {
                shard.bytes = shard.bytes.saturating_sub(bytes) + OVERHEAD;
                shard.tombstones += 1;
                shard.known -= 1;
            }
            Some(Slot::Stale(_)) => {}
            None => {
                shard.bytes += OVERHEAD;
                shard.tombstones += 1;
            }
        }
        if shard.tombstones > MAX_TOMBSTONES {
            drop_tombstones(&mut shard, at);
        }
    }

    /// A number taken by the writer before it commits a batch, for [`StateCache::update`].
    pub fn ticket(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Changes a user's known state as a committed write did (`change`), called where
    /// [`StateCache::invalidate`] would be, with the [`ticket`](StateCache::ticket) taken
    /// before the write's commit.
    ///
    /// A user not known is invalidated instead, and so is one filled at or after the
    /// ticket: that fill's read may have followed the commit, and applying the write again
    /// would count it twice (`changed_at` one millisecond ahead of the database's). A fill
    /// before the ticket read the database before the commit began, so the write is not in
    /// it; nor is it in what earlier updates made, which is why updates leave `filled` alone
    /// and several writes of one batch to one user all apply.
    pub fn update(
        &self,
        tenant: &str,
        user: &str,
        ticket: u64,
        change: impl FnOnce(&mut UserState),
    ) {
        if self.budget_per_shard == 0 {
            return;
        }
        let at = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let mut shard = self.shard(user);
        let Some(Slot::Known {
            entry,
            bytes,
            at: changed,
            ..
        }) = shard
            .tenants
            .get_mut(tenant)
            .and_then(|users| users.get_mut(user))
            .filter(|slot| matches!(slot, Slot::Known { filled, .. } if *filled < ticket))
        else {
            drop(shard);
            return self.invalidate_at(tenant, user, at);
        };
        let mut state = self.state_of(entry);
        change(&mut state);
        let (new_entry, new_bytes) = self.entry(tenant, user, state);
        let old_bytes = std::mem::replace(bytes, new_bytes);
        *entry = new_entry;
        *changed = at;
        shard.bytes = shard.bytes.saturating_sub(old_bytes) + new_bytes;
        let budget = self.budget_per_shard;
        evict(&mut shard, budget);
    }

    /// Forgets everything (a reset of a tenant or of everything, an import).
    pub fn invalidate_all(&self) {
        let at = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        for shard in self.shards.iter() {
            let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
            shard.tenants.clear();
            shard.order.clear();
            shard.known = 0;
            shard.bytes = 0;
            shard.tombstones = 0;
            shard.floor = at;
        }
    }
}

/// Drops a shard's tombstones; every fill that began before `at` is refused from now on.
fn drop_tombstones(shard: &mut Shard, at: u64) {
    for users in shard.tenants.values_mut() {
        users.retain(|_, slot| matches!(slot, Slot::Known { .. }));
    }
    shard.tenants.retain(|_, users| !users.is_empty());
    shard.bytes = shard.bytes.saturating_sub(shard.tombstones * OVERHEAD);
    shard.tombstones = 0;
    shard.floor = at;
}

/// Evicts known entries, first filled first, until the shard fits its budget.
fn evict(shard: &mut Shard, budget: usize) {
    while shard.bytes > budget {
        let Some((tenant, user)) = shard.order.pop_front() else {
            return;
        };
        let Some(users) = shard.tenants.get_mut(&tenant) else {
            continue;
        };
        if let Some(Slot::Known { bytes, at, .. }) = users.get(&user) {
            let (bytes, at) = (*bytes, *at);
            users.remove(&user);
            if users.is_empty() {
                shard.tenants.remove(&tenant);
            }
            shard.bytes = shard.bytes.saturating_sub(bytes);
            shard.known -= 1;
            shard.floor = shard.floor.max(at);
        }
    }
}

/// `order` rebuilt from the known entries (after churn left it mostly stale mentions).
fn rebuild_order(shard: &mut Shard) {
    shard.order = shard
        .tenants
        .iter()
        .flat_map(|(tenant, users)| {
            users.iter().filter_map(move |(user, slot)| match slot {
                Slot::Known { .. } => Some((tenant.clone(), user.clone())),
                Slot::Stale(_) => None,
            })
        })
        .collect();
}

/// What an entry costs beyond its state: the map's bucket (at the load a hash table keeps)
/// and key, and the eviction queue's copy of the key. Measured, not derived from the types:
/// 100,000 users of ten sessions each made the server 60 MB larger than with nothing kept,
/// 600 bytes a user, of which the packed state is 192; the allocator's size classes and the
/// tables' spare capacity are the rest.
fn key_bytes(tenant: &str, user: &str) -> usize {
    const MEASURED: usize = 400;
    MEASURED + 2 * user.len().saturating_sub(16) + tenant.len().saturating_sub(16)
}

/// What an unpacked entry costs, measured rather than guessed low: the state's structs and
/// strings at their capacity, its `Arc`, and its keys.
fn estimate(tenant: &str, user: &str, state: &UserState) -> usize {
    let sessions: usize = state.sessions.capacity() * std::mem::size_of::<Session>()
        + state
            .sessions
            .iter()
            .map(|s| s.session_id.capacity().max(32))
            .sum::<usize>();
    let calendar = state.calendar.len() * 200;
    let message = state
        .status_message
        .as_ref()
        .map_or(0, |m| 128 + m.content.len());
    let arc = 16;
    key_bytes(tenant, user) + arc + std::mem::size_of::<UserState>() + sessions + calendar + message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(marker: &str) -> UserState {
        UserState {
            sessions: vec![Session {
                session_id: marker.to_owned(),
                kind: crate::engine::SessionKind::Application,
                availability: presence_model::Availability::Busy,
                activity: presence_model::Activity::InACall,
                refreshed_at: jiff::Timestamp::UNIX_EPOCH,
                expires_at: jiff::Timestamp::UNIX_EPOCH,
            }],
            ..UserState::default()
        }
    }

    fn marker(cache: &StateCache, user: &str) -> Option<String> {
        cache
            .get("t", user)
            .map(|state| state.sessions[0].session_id.clone())
    }

    #[test]
    fn a_fill_that_began_before_an_invalidation_is_refused() {
        let cache = StateCache::new(1 << 20);
        let began = cache.began();
        // The writer commits and invalidates while the read is in flight.
        cache.invalidate("t", "u");
        cache.fill("t", "u", state("old"), began);
        assert_eq!(marker(&cache, "u"), None, "the old state is not stored");
        let began = cache.began();
        cache.fill("t", "u", state("new"), began);
        assert_eq!(marker(&cache, "u").as_deref(), Some("new"));
        cache.invalidate("t", "u");
        assert_eq!(marker(&cache, "u"), None);
    }

    #[test]
    fn an_evicted_entry_still_refuses_a_fill_that_began_before_it() {
        let cache = StateCache::new(1 << 20);
        let slow = cache.began();
        cache.invalidate("t", "u");
        cache.fill("t", "u", state("new"), cache.began());
        evict(&mut cache.shard("u"), 0);
        assert_eq!(marker(&cache, "u"), None, "evicted");
        cache.fill("t", "u", state("old"), slow);
        assert_eq!(
            marker(&cache, "u"),
            None,
            "the slow read's state is refused"
        );
    }

    #[test]
    fn an_update_changes_a_known_state_and_tombstones_an_unknown_one() {
        let cache = StateCache::new(1 << 20);
        cache.fill("t", "u", state("a"), cache.began());
        let slow = cache.began();
        let ticket = cache.ticket();
        cache.update("t", "u", ticket, |s| s.sessions[0].session_id = "b".into());
        assert_eq!(marker(&cache, "u").as_deref(), Some("b"));
        evict(&mut cache.shard("u"), 0);
        cache.fill("t", "u", state("a"), slow);
        assert_eq!(marker(&cache, "u"), None, "began before the update");
        let began = cache.began();
        let ticket = cache.ticket();
        cache.update("t", "v", ticket, |_| unreachable!("not known"));
        cache.fill("t", "v", state("old"), began);
        assert_eq!(
            marker(&cache, "v"),
            None,
            "a tombstone, like an invalidation"
        );
    }

    #[test]
    fn an_update_never_applies_a_write_twice_to_a_state_read_after_its_commit_began() {
        let cache = StateCache::new(1 << 20);
        let append = |s: &mut UserState| {
            let marker = format!("{}+", s.sessions[0].session_id);
            s.sessions[0].session_id = marker;
        };
        // Filled before the batch's ticket: the write is not in it, and every write of the
        // batch to the user applies, one after the other.
        cache.fill("t", "u", state("a"), cache.began());
        let ticket = cache.ticket();
        cache.update("t", "u", ticket, append);
        cache.update("t", "u", ticket, append);
        assert_eq!(marker(&cache, "u").as_deref(), Some("a++"));
        // A read that began before the ticket but filled after it (it may have read the
        // committed write): the update forgets the user instead of applying the write again.
        let began = cache.began();
        let ticket = cache.ticket();
        cache.fill("t", "w", state("w-with-the-write"), began);
        assert_eq!(marker(&cache, "w").as_deref(), Some("w-with-the-write"));
        cache.update("t", "w", ticket, append);
        assert_eq!(marker(&cache, "w"), None, "forgotten, not applied twice");
        // The next batch's ticket is past that fill: its writes apply again.
        cache.fill("t", "w", state("w"), cache.began());
        let ticket = cache.ticket();
        cache.update("t", "w", ticket, append);
        assert_eq!(marker(&cache, "w").as_deref(), Some("w+"));
    }

    #[test]
    fn invalidating_everything_refuses_every_fill_in_flight() {
        let cache = StateCache::new(1 << 20);
        let began = cache.began();
        cache.fill("t", "a", state("a"), began);
        cache.invalidate_all();
        assert_eq!(marker(&cache, "a"), None);
        cache.fill("t", "b", state("b"), began);
        assert_eq!(marker(&cache, "b"), None);
    }

    #[test]
    fn memory_and_tombstones_stay_bounded() {
        let cache = StateCache::new(SHARDS * 4096);
        for i in 0..10_000 {
            let began = cache.began();
            cache.fill("t", &format!("user-{i}"), state("s"), began);
        }
        let total: usize = cache
            .shards
            .iter()
            .map(|s| s.lock().map(|s| s.bytes).unwrap_or(0))
            .sum();
        assert!(total <= SHARDS * 4096, "{total}");
        for i in 0..(SHARDS * MAX_TOMBSTONES * 2) {
            cache.invalidate("t", &format!("gone-{i}"));
        }
        for shard in cache.shards.iter() {
            let shard = shard.lock().expect("not poisoned");
            assert!(shard.tombstones <= MAX_TOMBSTONES);
        }
        // A fill that began before the tombstones were dropped is still refused.
        let stale_began = 1;
        cache.fill("t", "gone-1", state("old"), stale_began);
        assert_eq!(marker(&cache, "gone-1"), None);
    }

    #[test]
    fn the_first_filled_is_evicted_first_and_eviction_stays_cheap() {
        // Room for about 20 entries per shard; 100,000 fills must not take quadratic time.
        let one = estimate("t", "user-00000", &state("s"));
        let cache = StateCache::new(SHARDS * one * 20);
        let started = std::time::Instant::now();
        for i in 0..100_000 {
            cache.fill("t", &format!("user-{i:05}"), state("s"), cache.began());
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(
            marker(&cache, "user-00000"),
            None,
            "the first filled went first"
        );
        assert_eq!(marker(&cache, "user-99999").as_deref(), Some("s"));
        for shard in cache.shards.iter() {
            let shard = shard.lock().expect("not poisoned");
            assert!(shard.order.len() <= 4 * shard.known + 64);
        }
    }

    #[test]
    fn a_zero_budget_turns_it_off() {
        let cache = StateCache::new(0);
        cache.fill("t", "u", state("s"), cache.began());
        assert_eq!(marker(&cache, "u"), None);
    }
}
