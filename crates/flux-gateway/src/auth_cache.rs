//! API keys and clients from memory. Every partner request needs its key (who is calling) and,
//! on most routes, the client it names (does it belong to the caller?); both change rarely, so
//! reading them from the store on every request was most of a cheap request's cost.
//!
//! What may be cached, and for how long, is bounded by one promise: **a key revoked, or a
//! client changed, by any process (`flux key revoke`, `flux partner …`) is seen by every
//! serving process within 1 s.** How:
//!
//! - A change this process makes itself is seen by its very next lookup: the store counts its
//!   own committed changes ([`Store::local_auth_writes`]) and every lookup compares that count
//!   first (one atomic read). So a client relinked by a handler is read afresh at once.
//! - Every such write moves the `auth` generation in the same transaction
//!   ([`flux_store::cache_generations`]). A task here reads it every [`TICK`]; when it moved,
//!   everything cached is dropped.
//! - Cached answers are used only while the last generation read that succeeded *began* less
//!   than [`TRUST`] ago. A change committed before that read began was seen by it, so no answer
//!   older than [`TRUST`] plus one lookup survives a change, even when the database is slow or
//!   the task stalls: then requests simply read the store, as they did before this cache.
//! - On PostgreSQL the writing transaction also sends a NOTIFY, and a listener drops the cache
//!   the moment the change commits (several instances hear each other at once). The generation
//!   poll stays the backstop: while the listener's connection is down (it reconnects every
//!   [`RELISTEN`]) nothing is served from the cache, since notifications sent meanwhile are lost.
//! - An answer read from the store is kept only if no drop happened while it was being read
//!   (the `epoch`), so a read that raced a revocation cannot repopulate the cache with the
//!   key as it was.
//! - Unknown keys and clients are never cached: a key or client created a moment later must be
//!   found at once, and nothing stale can be kept for an absent row. Revoked keys are cached as
//!   revoked (a revocation is never undone).
//!
//! Keys are cached under their HMAC hash, never in clear, and the found hash is still compared
//! in constant time by the caller. Lookups are counted in `flux_auth_cache_lookups_total`
//! (`cache` = `keys`/`clients`, `outcome` = `hit`/`miss`/`bypass`).

use flux_store::cache_generations::Heard;
use flux_store::{ApiKeyRecord, ClientRecord, Store, StoreError};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

/// How often the generation is read.
pub const TICK: Duration = Duration::from_millis(200);
/// How recent the last successful generation read must be for cached answers to be used.
/// TICK plus a slow read fits well inside; the 1 s promise is TRUST plus one lookup.
pub const TRUST: Duration = Duration::from_millis(600);
/// Wait before listening again after the PostgreSQL listener's connection failed.
pub const RELISTEN: Duration = Duration::from_millis(500);
/// Entries kept at most per map; past it the map starts over (memory stays bounded whatever
/// the number of keys and clients).
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
struct Inner {
    /// Moves on every drop: an answer read across a drop is not kept.
    epoch: u64,
    keys: HashMap<String, ApiKeyRecord>,
    clients: HashMap<Uuid, ClientRecord>,
    /// The generation the entries were read under; `None` until first read.
    generation: Option<i64>,
    /// When the last successful generation read began.
    checked_at: Option<Instant>,
    /// PostgreSQL: whether the listener is connected (always true on SQLite, which has none).
    listening: bool,
    /// This process's own committed changes already dropped ([`Store::local_auth_writes`]).
    local_writes: u64,
}

impl Inner {
    fn drop_all(&mut self) {
        self.epoch += 1;
        self.keys.clear();
        self.clients.clear();
    }

    /// Drops everything if this process committed a change since the last look.
    fn catch_up(&mut self, local_writes: u64) {
        if self.local_writes != local_writes {
            self.drop_all();
            self.local_writes = local_writes;
        }
    }

    fn trusted(&self) -> bool {
        self.listening && self.checked_at.is_some_and(|t| t.elapsed() < TRUST)
    }
}

/// The cache (see the module docs). Built with [`AuthCache::start`]; its watching tasks end
/// when it is dropped.
pub struct AuthCache {
    store: Store,
    inner: Mutex<Inner>,
    /// Dropped with the cache, which ends the watching tasks.
    _alive: watch::Sender<()>,
}

/// Where a lookup was answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Hit,
    Miss,
    Bypass,
}

fn count(cache: &'static str, outcome: Outcome) {
    let outcome = match outcome {
        Outcome::Hit => "hit",
        Outcome::Miss => "miss",
        Outcome::Bypass => "bypass",
    };
    metrics::counter!("flux_auth_cache_lookups_total", "cache" => cache, "outcome" => outcome)
        .increment(1);
}

impl AuthCache {
    /// The cache over `store`, with its generation poll (and, on PostgreSQL, its listener)
    /// running. It serves nothing from memory until the first generation read succeeds.
    pub fn start(store: Store) -> Arc<AuthCache> {
        let (alive, closed) = watch::channel(());
        let cache = Arc::new(AuthCache {
            inner: Mutex::new(Inner {
                listening: store.backend_name() != "postgres",
                ..Inner::default()
            }),
            store,
            _alive: alive,
        });
        tokio::spawn(poll(Arc::downgrade(&cache), closed.clone()));
        if cache.store.backend_name() == "postgres" {
            tokio::spawn(listen(Arc::downgrade(&cache), closed));
        }
        cache
    }

    /// The API key stored under this HMAC hash, as [`Store::find_api_key`] would answer now.
    pub async fn api_key(&self, hash: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        let epoch = match self.cached(|i| i.keys.get(hash).cloned()) {
            Ok(hit) => {
                count("keys", Outcome::Hit);
                return Ok(Some(hit));
            }
            Err(epoch) => epoch,
        };
        count("keys", outcome_of(epoch));
        let found = self.store.find_api_key(hash).await?;
        if let (Some(epoch), Some(record)) = (epoch, &found) {
            self.keep(epoch, |i| insert(&mut i.keys, hash.to_string(), record));
        }
        Ok(found)
    }

    /// The client with its provider links, as [`Store::get_client`] would answer now.
    pub async fn client(&self, client_id: Uuid) -> Result<Option<ClientRecord>, StoreError> {
        let epoch = match self.cached(|i| i.clients.get(&client_id).cloned()) {
            Ok(hit) => {
                count("clients", Outcome::Hit);
                return Ok(Some(hit));
            }
            Err(epoch) => epoch,
        };
        count("clients", outcome_of(epoch));
        let found = self.store.get_client(client_id).await?;
        if let (Some(epoch), Some(record)) = (epoch, &found) {
            self.keep(epoch, |i| insert(&mut i.clients, client_id, record));
        }
        Ok(found)
    }

    /// Whether cached answers are being served now (for /readyz).
    pub fn serving(&self) -> bool {
        self.inner.lock().trusted()
    }

    /// The cached answer if the cache is trusted and has one; otherwise the epoch to keep the
    /// store's answer under (`None`: not trusted, do not keep it).
    fn cached<T>(&self, get: impl FnOnce(&Inner) -> Option<T>) -> Result<T, Option<u64>> {
        let mut inner = self.inner.lock();
        inner.catch_up(self.store.local_auth_writes());
        if !inner.trusted() {
            return Err(None);
        }
        get(&inner).ok_or(Some(inner.epoch))
    }

    /// Keeps an answer read from the store, unless the cache was dropped since the read began.
    fn keep(&self, epoch: u64, put: impl FnOnce(&mut Inner)) {
        let mut inner = self.inner.lock();
        inner.catch_up(self.store.local_auth_writes());
        if inner.epoch == epoch {
            put(&mut inner);
        }
    }

    /// Records a generation read that began at `began`; drops everything if it moved.
    fn checked(&self, generation: i64, began: Instant) {
        let mut inner = self.inner.lock();
        if inner.generation != Some(generation) {
            inner.drop_all();
            inner.generation = Some(generation);
        }
        inner.checked_at = Some(began);
    }

    /// Something changed (a notification), or may have (the listener connected or dropped).
    fn changed(&self, listening: bool) {
        let mut inner = self.inner.lock();
        inner.drop_all();
        inner.listening = listening;
    }
}

fn outcome_of(epoch: Option<u64>) -> Outcome {
    match epoch {
        Some(_) => Outcome::Miss,
        None => Outcome::Bypass,
    }
}

fn insert<K: std::hash::Hash + Eq, V: Clone>(map: &mut HashMap<K, V>, key: K, value: &V) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, value.clone());
}

/// Reads the generation every [`TICK`] until the cache is dropped. A failed read leaves the
/// last success to age past [`TRUST`], after which requests read the store.
async fn poll(cache: std::sync::Weak<AuthCache>, mut closed: watch::Receiver<()>) {
    // Said once per outage, not five times a second.
    let mut failing = false;
    loop {
        let Some(store) = cache.upgrade().map(|c| c.store.clone()) else {
            return;
        };
        let began = Instant::now();
        match store.auth_generation().await {
            Ok(generation) => match cache.upgrade() {
                Some(c) => {
                    c.checked(generation, began);
                    failing = false;
                }
                None => return,
            },
            Err(e) if !failing => {
                tracing::warn!(error = %e, "auth cache: generation read failed; reading keys and clients from the store until it answers");
                failing = true;
            }
            Err(_) => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = closed.changed() => return,
        }
    }
}

/// PostgreSQL: drops the cache on every notification; while not connected, marks the cache
/// untrusted and connects again every [`RELISTEN`].
async fn listen(cache: std::sync::Weak<AuthCache>, mut closed: watch::Receiver<()>) {
    loop {
        let Some(store) = cache.upgrade().map(|c| c.store.clone()) else {
            return;
        };
        match store.auth_changes().await {
            Ok(Some(mut changes)) => {
                let Some(c) = cache.upgrade() else { return };
                // Anything may have changed while no one listened.
                c.changed(true);
                drop(c);
                loop {
                    let heard = tokio::select! {
                        heard = changes.next() => heard,
                        _ = closed.changed() => return,
                    };
                    let Some(c) = cache.upgrade() else { return };
                    match heard {
                        Heard::Change => c.changed(true),
                        Heard::Lost => {
                            tracing::warn!("auth cache: listener connection lost; reconnecting");
                            c.changed(false);
                            break;
                        }
                    }
                }
            }
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "auth cache: cannot listen for changes");
                if let Some(c) = cache.upgrade() {
                    c.changed(false);
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(RELISTEN) => {}
            _ = closed.changed() => return,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use flux_store::Partner;

    /// A migrated SQLite store with one partner and one live key under `hash`.
    async fn store_with_key(dir: &std::path::Path, hash: &str) -> (Store, Uuid) {
        let store = Store::open(&format!("sqlite://{}", dir.join("flux.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let partner = Partner {
            id: Uuid::new_v4(),
            name: "p".into(),
            created_at: chrono::Utc::now(),
        };
        store.create_partner(&partner).await.unwrap();
        store.insert_api_key(&key(partner.id, hash)).await.unwrap();
        (store, partner.id)
    }

    fn key(partner_id: Uuid, hash: &str) -> ApiKeyRecord {
        ApiKeyRecord {
            id: Uuid::new_v4(),
            partner_id,
            prefix: format!("flux_test_{}", &hash[..8]),
            hash: hash.into(),
            created_at: chrono::Utc::now(),
            revoked_at: None,
        }
    }

    async fn serving(cache: &AuthCache) {
        let since = Instant::now();
        while !cache.serving() {
            assert!(since.elapsed() < Duration::from_secs(5), "never served");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn a_cached_key_is_answered_without_reading_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let (store, partner) = store_with_key(dir.path(), "aaaaaaaaaaaa").await;
        let cache = AuthCache::start(store.clone());
        serving(&cache).await;
        assert!(cache.api_key("aaaaaaaaaaaa").await.unwrap().is_some());
        // Removed behind the cache's back (no generation moved): only memory can still know it.
        store
            .exec("DELETE FROM api_keys WHERE hash = 'aaaaaaaaaaaa'", vec![])
            .await
            .unwrap();
        assert!(cache.api_key("aaaaaaaaaaaa").await.unwrap().is_some());
        // A change this process commits is seen by the very next lookup.
        store
            .insert_api_key(&key(partner, "bbbbbbbbbbbb"))
            .await
            .unwrap();
        assert!(cache.api_key("aaaaaaaaaaaa").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn another_process_moving_the_generation_drops_the_cache_within_trust() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = store_with_key(dir.path(), "aaaaaaaaaaaa").await;
        let cache = AuthCache::start(store.clone());
        serving(&cache).await;
        assert!(cache.api_key("aaaaaaaaaaaa").await.unwrap().is_some());
        // What `flux key revoke` commits from another process: the row and the generation,
        // with nothing this process's store counted.
        store
            .exec(
                "UPDATE api_keys SET revoked_at = 1 WHERE hash = 'aaaaaaaaaaaa'",
                vec![],
            )
            .await
            .unwrap();
        store
            .exec(
                "UPDATE cache_generations SET generation = generation + 1 WHERE name = 'auth'",
                vec![],
            )
            .await
            .unwrap();
        let since = Instant::now();
        loop {
            let found = cache.api_key("aaaaaaaaaaaa").await.unwrap().unwrap();
            if found.revoked_at.is_some() {
                break;
            }
            assert!(
                since.elapsed() < TRUST,
                "still live after {:?}",
                since.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn an_unknown_key_is_not_remembered_as_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let (store, partner) = store_with_key(dir.path(), "aaaaaaaaaaaa").await;
        let cache = AuthCache::start(store.clone());
        serving(&cache).await;
        assert!(cache.api_key("cccccccccccc").await.unwrap().is_none());
        // Inserted behind the cache's back: found at once all the same.
        let k = key(partner, "cccccccccccc");
        store
            .exec(
                "INSERT INTO api_keys (id, partner_id, prefix, hash, created_at) VALUES ($1, $2, $3, $4, 0)",
                vec![k.id.into(), k.partner_id.into(), k.prefix.into(), k.hash.into()],
            )
            .await
            .unwrap();
        assert!(cache.api_key("cccccccccccc").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn an_answer_read_across_a_drop_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = store_with_key(dir.path(), "aaaaaaaaaaaa").await;
        let cache = AuthCache::start(store.clone());
        serving(&cache).await;
        let Err(Some(epoch)) = cache.cached(|i| i.keys.get("aaaaaaaaaaaa").cloned()) else {
            panic!("expected a miss");
        };
        let read = store.find_api_key("aaaaaaaaaaaa").await.unwrap().unwrap();
        cache.changed(true);
        cache.keep(epoch, |i| insert(&mut i.keys, "aaaaaaaaaaaa".into(), &read));
        assert!(cache.inner.lock().keys.is_empty());
    }
}
