//! The data directory is its owner's alone: `0700`, and every file the server keeps there
//! `0600` (the local CA's certificate `tls/ca.pem`, which is public, aside), whatever the
//! umask, tightened at every start on an existing installation too.
//!
//! Why: the database holds the authority's private signing key (and the secret, the CA's
//! key and the server key sit beside it); with a umask of 022 they were readable by every
//! local user, who could then sign a token with any role.

use std::path::Path;

/// What the server writes in its data directory, besides the database (`database_files`).
const PRIVATE_FILES: [&str; 4] = [
    "jwt-secret",
    "tls/ca-key.pem",
    "tls/server-key.pem",
    "tls/server.pem",
];

/// Makes `dir` (if it exists) and the files the server keeps in it owner-only.
pub fn secure(dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut tightened = Vec::new();
    restrict(dir, 0o700, &mut tightened)?;
    let tls = dir.join("tls");
    if tls.is_dir() {
        restrict(&tls, 0o700, &mut tightened)?;
    }
    for file in PRIVATE_FILES {
        restrict(&dir.join(file), 0o600, &mut tightened)?;
    }
    database_files(&dir.join("presence.db"), &mut tightened)?;
    report(&tightened);
    Ok(())
}

/// Makes an SQLite database and its companions (`-wal`, `-shm`, `-lock`) owner-only.
pub fn secure_database(file: &Path) -> anyhow::Result<()> {
    let mut tightened = Vec::new();
    database_files(file, &mut tightened)?;
    report(&tightened);
    Ok(())
}

fn database_files(file: &Path, tightened: &mut Vec<String>) -> anyhow::Result<()> {
    restrict(file, 0o600, tightened)?;
    for suffix in ["-wal", "-shm", "-lock"] {
        let mut companion = file.as_os_str().to_owned();
        companion.push(suffix);
        restrict(Path::new(&companion), 0o600, tightened)?;
    }
    Ok(())
}

fn report(tightened: &[String]) {
    if !tightened.is_empty() {
        tracing::warn!(
            files = %tightened.join(", "),
            "made readable by their owner only (they were readable by others)"
        );
    }
}

/// Sets `path`'s mode to `mode` if it grants more than that (a missing path is left alone).
#[cfg(unix)]
fn restrict(path: &Path, mode: u32, tightened: &mut Vec<String>) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::os::unix::fs::PermissionsExt;
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read the mode of {}", path.display()));
        }
    };
    if metadata.file_type().is_symlink() {
        return Ok(());
    }
    let current = metadata.permissions().mode() & 0o777;
    if current & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))
            .with_context(|| format!("cannot make {} owner-only", path.display()))?;
        tightened.push(format!(
            "{} ({:o} -> {:o})",
            path.display(),
            current,
            current & mode
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32, _: &mut Vec<String>) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn loose_files_are_tightened_and_the_public_ca_left_alone() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().join("data");
        std::fs::create_dir_all(root.join("tls")).expect("dirs");
        for file in [
            "presence.db",
            "presence.db-wal",
            "jwt-secret",
            "tls/ca-key.pem",
            "tls/ca.pem",
        ] {
            std::fs::write(root.join(file), b"x").expect("written");
            std::fs::set_permissions(root.join(file), std::fs::Permissions::from_mode(0o644))
                .expect("loose");
        }
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("loose");
        secure(&root).expect("secured");
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("tls")), 0o700);
        for file in [
            "presence.db",
            "presence.db-wal",
            "jwt-secret",
            "tls/ca-key.pem",
        ] {
            assert_eq!(mode(&root.join(file)), 0o600, "{file}");
        }
        assert_eq!(
            mode(&root.join("tls/ca.pem")),
            0o644,
            "the CA certificate is public"
        );
    }
}
