//! The server's signing key: one RS256 key, generated on first use and kept in the database
//! (`signing_keys`), so restarts and every instance sharing the database sign with the same
//! key. It signs the validation tokens of rich notifications ([`Signer::validation_token`])
//! and is published as a JWKS (`authority::keys`), where receivers verify them.

mod key;
mod validation_token;

use std::sync::Arc;

use presence_model::JsonWebKeySet;
use tokio::sync::OnceCell;

use crate::store::{Store, StoreError, Write};
pub use key::SigningKey;
pub use validation_token::GRAPH_PUBLISHER_APP_ID;

/// Why nothing could be signed.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("the signing key cannot be stored or read: {0}")]
    Store(#[from] StoreError),
    #[error("the signing key cannot be made or used: {0}")]
    Key(String),
}

/// Signs with the server's key, loading (or first generating) it once.
#[derive(Debug)]
pub struct Signer {
    store: Store,
    key: OnceCell<Arc<SigningKey>>,
    minted: validation_token::Minted,
}

impl Signer {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            key: OnceCell::new(),
            minted: validation_token::Minted::default(),
        }
    }

    /// The key: the oldest stored, or a new one stored first. Generating takes a moment of
    /// CPU, so it happens off the async threads, and only when something is first signed or
    /// the JWKS first read. Instances racing to create it each store theirs and then all
    /// use the oldest.
    pub async fn key(&self) -> Result<Arc<SigningKey>, SigningError> {
        self.key
            .get_or_try_init(|| async {
                if let Some((_, pem)) = self.store.signing_key().await? {
                    return Ok(Arc::new(SigningKey::from_pem(&pem)?));
                }
                let generated = tokio::task::spawn_blocking(SigningKey::generate)
                    .await
                    .map_err(|e| SigningError::Key(e.to_string()))??;
                self.store
                    .write(Write::AddSigningKey {
                        kid: generated.kid().to_owned(),
                        pem: generated.to_pem()?,
                        now: jiff::Timestamp::now(),
                    })
                    .await?;
                let (_, pem) = self
                    .store
                    .signing_key()
                    .await?
                    .ok_or_else(|| SigningError::Key("the stored key vanished".into()))?;
                Ok(Arc::new(SigningKey::from_pem(&pem)?))
            })
            .await
            .cloned()
    }

    /// The public half, as a JSON Web Key Set.
    pub async fn jwks(&self) -> Result<JsonWebKeySet, SigningError> {
        Ok(JsonWebKeySet {
            keys: vec![self.key().await?.jwk()],
        })
    }
}
