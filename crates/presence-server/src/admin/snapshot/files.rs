//! Snapshots as files: `--seed FILE` at start-up (into an empty database, or on every start
//! with `--seed-mode replace`) and `--export-on-exit FILE` at graceful shutdown.

use std::path::Path;

use anyhow::Context;
use presence_model::Snapshot;

use super::{export, import};
use crate::clock::SharedClock;
pub use crate::config::SeedMode;
use crate::store::Store;

/// Loads `path` per `mode`; logs what it did.
pub async fn seed(
    store: &Store,
    clock: &SharedClock,
    path: &Path,
    mode: SeedMode,
) -> anyhow::Result<()> {
    let now = clock.now();
    if mode == SeedMode::IfEmpty {
        let counts = store.counts(now).await?;
        if counts.users > 0 || counts.subscriptions > 0 {
            tracing::info!(seed = %path.display(), "the database is not empty: seed not loaded");
            return Ok(());
        }
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the seed {}", path.display()))?;
    let snapshot: Snapshot = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a snapshot", path.display()))?;
    let import_mode = match mode {
        SeedMode::IfEmpty => import::Mode::Merge,
        SeedMode::Replace => import::Mode::Replace,
    };
    let plan = import::plan(&snapshot, import_mode, now)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))?;
    store
        .write(plan.write)
        .await
        .with_context(|| format!("cannot load the seed {}", path.display()))?;
    tracing::info!(
        seed = %path.display(),
        tenants = plan.outcome.tenants,
        users = plan.outcome.users,
        subscriptions = plan.outcome.subscriptions,
        "seed loaded"
    );
    Ok(())
}

/// Writes the state to `path` (through a temporary file, so a crash never leaves half a
/// snapshot).
pub async fn export_to(store: &Store, clock: &SharedClock, path: &Path) -> anyhow::Result<()> {
    let snapshot = export::export(store, clock.now()).await?;
    let mut text = serde_json::to_string_pretty(&snapshot)?;
    text.push('\n');
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(file = %path.display(), "state exported");
    Ok(())
}
