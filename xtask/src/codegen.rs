//! The generated files of the workspace: what they should contain today, and whether the
//! committed copies match.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The committed OpenAPI document, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/presence.json";
/// The committed JSON Schema of the snapshot format, relative to the workspace root.
pub const SNAPSHOT_SCHEMA_PATH: &str = "openapi/snapshot.schema.json";
/// The committed generated client code, relative to the workspace root.
pub const CLIENT_PATH: &str = "crates/presence-client/src/generated.rs";

/// A file `gen` owns, with the contents it should have.
pub struct Generated {
    pub path: &'static str,
    pub contents: String,
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Everything `gen` writes, computed in memory: the spec from the server's annotations, then
/// the client from that spec (exactly as a reader of the committed spec would get it).
pub fn generate() -> anyhow::Result<Vec<Generated>> {
    let spec =
        presence_server::openapi::document_json().context("cannot build the OpenAPI document")?;
    let client = crate::client::generate(&spec)?;
    let snapshot_schema = presence_server::openapi::snapshot_schema::snapshot_schema_json()
        .context("cannot build the snapshot schema")?;
    Ok(vec![
        Generated {
            path: SNAPSHOT_SCHEMA_PATH,
            contents: snapshot_schema,
        },
        Generated {
            path: SPEC_PATH,
            contents: spec,
        },
        Generated {
            path: CLIENT_PATH,
            contents: client,
        },
    ])
}

/// Writes every generated file; returns their paths.
pub fn write() -> anyhow::Result<Vec<&'static str>> {
    let root = workspace_root();
    let files = generate()?;
    for file in &files {
        let path = root.join(file.path);
        std::fs::write(&path, &file.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.iter().map(|file| file.path).collect())
}

/// The generated files whose committed contents differ from what `gen` would write.
pub fn stale() -> anyhow::Result<Vec<&'static str>> {
    let root = workspace_root();
    let mut stale = Vec::new();
    for file in generate()? {
        let committed = std::fs::read_to_string(root.join(file.path)).unwrap_or_default();
        if committed != file.contents {
            stale.push(file.path);
        }
    }
    Ok(stale)
}
