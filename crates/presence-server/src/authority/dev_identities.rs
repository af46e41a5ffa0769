//! The well-known development identities (`presence_model::dev_identities`: one tenant, a
//! confidential application, a public client, two test users), stored at every start unless
//! `--no-default-identities`. Their secret and passwords are published, so their argon2 hashes
//! are too: computed once and kept here, so that a start costs no hashing (argon2 takes a
//! noticeable part of a second by design, more in a debug build, and test suites start many
//! servers). A test checks each hash against its published value.

use presence_model::dev_identities::{self, CLIENT_SECRET, USERS};

use super::identities::records_hashed_by;
use crate::store::{Store, StoreError, Write};

/// Each published secret or password with its argon2id hash.
const HASHES: [(&str, &str); 3] = [
    (
        CLIENT_SECRET,
        "$argon2id$v=19$m=19456,t=2,p=1$0wZR7xijeL1JKQTQ8k3u3Q$45DeRcD+wyOJPw6I27tWzYd1ap2TO8dXoiC+1VfpRdU",
    ),
    (
        USERS[0].password,
        "$argon2id$v=19$m=19456,t=2,p=1$065jY1qRBqmIxGHWsB6ghw$pWA0+wwGo/5H+9KVfuMTid3a4kYrejaQ96CEj1gt414",
    ),
    (
        USERS[1].password,
        "$argon2id$v=19$m=19456,t=2,p=1$w5iDuihI36RZAVowdVJXQg$VLDIJELvkIyQURuYx1Oje2wR3YZl764WkuVLbkGlP+U",
    ),
];

/// The stored hash of a published secret or password.
fn known_hash(secret: &str) -> anyhow::Result<String> {
    HASHES
        .iter()
        .find(|(published, _)| *published == secret)
        .map(|(_, hash)| (*hash).to_owned())
        .ok_or_else(|| anyhow::anyhow!("no stored hash for a development secret"))
}

/// Stores the development identities (adding them, or restoring them as published if they
/// were changed or deleted since the last start).
pub async fn install(store: &Store) -> anyhow::Result<()> {
    let (applications, users) = records_hashed_by(&dev_identities::document(), known_hash)?;
    store
        .write(Write::PutIdentities {
            applications,
            users,
        })
        .await
        .map_err(|error: StoreError| {
            anyhow::anyhow!("cannot store the development identities: {error}")
        })?;
    Ok(())
}

/// Whether `listen` is reachable from other machines, where published credentials are a risk.
pub fn exposed(listen: std::net::SocketAddr) -> bool {
    !listen.ip().is_loopback()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_secret_matches_its_stored_hash() {
        let secrets = [CLIENT_SECRET, USERS[0].password, USERS[1].password];
        for secret in secrets {
            let hash = known_hash(secret).expect("a stored hash");
            assert!(
                super::super::identities::matches_any(secret, std::slice::from_ref(&hash)),
                "{secret}"
            );
            assert!(!super::super::identities::matches_any("wrong", &[hash]));
        }
        let (applications, users) =
            records_hashed_by(&dev_identities::document(), known_hash).expect("records");
        assert_eq!(applications.len(), 2);
        assert!(applications[1].secret_hashes.is_empty(), "a public client");
        assert_eq!(users.len(), 2);
    }
}
