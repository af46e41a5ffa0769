//! The HS256 development secret: given, or generated on first start and kept in the data
//! directory, readable by its owner only, so `presencectl token` can sign with it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// File name of the generated secret inside the data directory.
pub const SECRET_FILE: &str = "jwt-secret";

/// Where the generated secret lives for `data_dir`.
pub fn secret_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SECRET_FILE)
}

/// A fresh secret: 32 random bytes, hex.
pub fn generate() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness available: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads the secret kept in `data_dir`, creating it (32 random bytes, hex) on first use.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<String> {
    let path = secret_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(secret) if !secret.trim().is_empty() => return Ok(secret.trim().to_owned()),
        Ok(_) => anyhow::bail!(
            "{} is empty; delete it to generate a new secret",
            path.display()
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let secret = generate()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "generated a JWT signing secret");
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_kept_private_and_reused() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let first = load_or_create(dir.path()).expect("created");
        assert_eq!(first.len(), 64);
        assert_eq!(load_or_create(dir.path()).expect("read back"), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(secret_path(dir.path()))
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
