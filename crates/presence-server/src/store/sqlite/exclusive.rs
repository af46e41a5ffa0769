//! One server per SQLite database: an exclusive lock on a file beside the database
//! (`presence.db-lock`), held for as long as the store is open.
//!
//! Why: each server keeps users' state in memory and takes its own writes as the only ones;
//! two servers on one file would each serve stale presence from memory. Several instances
//! on one database is what PostgreSQL is for. The lock sits beside the database, not in the
//! data directory (two servers may name the same database from different data directories),
//! and on a file of its own, not the database: SQLite's own locks are POSIX locks, which a
//! process loses when it closes *any* descriptor of the file.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct Exclusive {
    _file: std::fs::File,
}

/// The lock file of the database at `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut path = database.as_os_str().to_owned();
    path.push("-lock");
    PathBuf::from(path)
}

/// Takes the lock for `database` (a path whose directory exists), or says who holds it.
pub fn lock(database: &Path) -> anyhow::Result<Exclusive> {
    // The same database reached through another path (a symbolic link, `..`) is the same
    // lock: the directory is resolved (the database itself may not exist yet).
    let database = match (database.parent(), database.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => dir
            .canonicalize()
            .map(|dir| dir.join(name))
            .unwrap_or_else(|_| database.to_path_buf()),
        _ => database.to_path_buf(),
    };
    let path = lock_path(&database);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the database's lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            bail!(
                "the database {} is in use by another presence server{holder}: it holds the lock \
                 {}. One SQLite database serves one server; to run several servers on one \
                 database, use PostgreSQL (--database-url postgres://…)",
                database.display(),
                path.display()
            );
        }
        Err(std::fs::TryLockError::Error(error)) => {
            return Err(error).with_context(|| {
                format!("cannot lock the database's lock file {}", path.display())
            });
        }
    }
    // Who holds it, for the message of the next server that tries (best effort).
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = writeln!(file, "{}", std::process::id());
    Ok(Exclusive { _file: file })
}

/// Refuses a database file that exists but cannot be opened for writing (a read-only
/// file in a writable directory would otherwise be served, and every write fail).
pub fn writable(database: &Path) -> anyhow::Result<()> {
    match std::fs::OpenOptions::new().write(true).open(database) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| {
            format!(
                "the database {} cannot be written (check its permissions and attributes): \
                 presence needs to write its database",
                database.display()
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_with_the_holder_named() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database = dir.path().join("presence.db");
        let held = lock(&database).expect("the first lock");
        // The same file through another path.
        let other = dir.path().join(".").join("presence.db");
        let error = lock(&other).expect_err("refused").to_string();
        assert!(
            error.contains("in use by another presence server"),
            "{error}"
        );
        assert!(
            error.contains(&format!("process {}", std::process::id())),
            "{error}"
        );
        assert!(error.contains("PostgreSQL"), "{error}");
        drop(held);
        lock(&database).expect("free again once released");
    }
}
