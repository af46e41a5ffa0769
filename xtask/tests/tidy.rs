//! Tidy checks, as rust-analyzer keeps them (`xtask/src/tidy.rs` there): plain tests over the
//! source text that keep ARCHITECTURE.md true.
//!
//! - no import circle among `presence-server`'s top-level modules;
//! - no `sqlx` outside `store/` (the driver's errors and codes stay inside the store);
//! - `Timestamp::now()` only where [`WALL_CLOCK`] says wall time is meant (everything else
//!   asks the server's clock, which `--clock manual` moves);
//! - every Rust file starts with a `//!` line saying what it is for;
//! - every path ARCHITECTURE.md names exists;
//! - every annotated handler is in the API description (`ApiDoc`'s `paths`);
//! - every document the code cites (`README.md`, `COMPATIBILITY.md`, …) is in the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where wall time is meant, not the server's presence clock, and why.
const WALL_CLOCK: [(&str, &str); 21] = [
    ("admin/info.rs", "when the process started"),
    ("auth/verify.rs", "token lifetimes are wall-clock time"),
    (
        "authority/assertion.rs",
        "assertion lifetimes and jti expiry",
    ),
    ("authority/codes.rs", "authorization code lifetimes"),
    ("authority/failure.rs", "Entra's error timestamp"),
    ("authority/mint.rs", "token lifetimes"),
    (
        "clock.rs",
        "the system clock itself, and the manual clock's start",
    ),
    ("error.rs", "the envelope's innerError date"),
    ("journal/requests.rs", "when a request was journaled"),
    (
        "notify/dispatcher.rs",
        "delivery attempts and retries run in real time",
    ),
    (
        "notify/lifecycle.rs",
        "lifecycle deliveries and their retries run in real time",
    ),
    ("signing/validation_token.rs", "validation token lifetimes"),
    ("state.rs", "when the process started"),
    ("store/health.rs", "how long writes have been failing"),
    (
        "store/postgres/subscriptions.rs",
        "when a notification was queued (its delay)",
    ),
    (
        "store/sqlite/subscriptions.rs",
        "when a notification was queued (its delay)",
    ),
    ("store/sqlite/apply.rs", "when the health probe last wrote"),
    ("signing/mod.rs", "when the signing key was made"),
    (
        "streams.rs",
        "a stream ends when its token expires, in wall time",
    ),
    ("tls/local_ca.rs", "certificate validity"),
    (
        "store/sqlite/writer/full_database.rs",
        "a unit test's own file",
    ),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn server_src() -> PathBuf {
    workspace().join("crates/presence-server/src")
}

/// Every `.rs` file below `dir`, relative to it, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("a readable directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path.strip_prefix(dir).expect("below").to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// The code of a file without its unit tests and comments: what the crate itself runs.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules of `crate::…` paths named in `code`, grouped imports included.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.insert(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(ch);
                }
            }
            names.insert(ident(&item));
        } else {
            names.insert(ident(rest));
        }
    }
    names.remove("");
    names
}

fn ident(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Top-level module → the top-level modules it names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = server_src();
    let top = |path: &Path| -> Option<String> {
        let first = path.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (name != "lib" && name != "main").then(|| name.to_owned())
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = rust_files(&src);
    for file in &files {
        if let Some(module) = top(file) {
            graph.entry(module).or_default();
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for file in &files {
        let Some(module) = top(file) else { continue };
        let text = std::fs::read_to_string(src.join(file)).expect("readable");
        let named = crate_paths(&code(&text));
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(
            named
                .into_iter()
                .filter(|name| *name != module && modules.contains(name)),
        );
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

#[test]
fn no_import_circle_among_the_servers_top_level_modules() {
    let graph = module_graph();
    assert!(graph.len() > 20, "the modules were found: {graph:?}");
    assert!(
        graph["app"].contains("routes") && graph["routes"].contains("state"),
        "the imports were read: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "an import circle among presence-server's top-level modules: {}. \
             ARCHITECTURE.md's layering says which way each arrow may point.",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        crate_paths("use crate::{a, b::{c, d}, e::f};\nlet x = crate::g::h;"),
        ["a", "b", "e", "g"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
}

#[test]
fn sqlx_stays_inside_the_store() {
    let src = server_src();
    let outside: Vec<PathBuf> = rust_files(&src)
        .into_iter()
        .filter(|file| !file.starts_with("store"))
        .filter(|file| {
            let text = std::fs::read_to_string(src.join(file)).expect("readable");
            code(&text).contains("sqlx")
        })
        .collect();
    assert!(
        outside.is_empty(),
        "sqlx is named outside store/: {outside:?}; return a StoreError from the store instead"
    );
}

#[test]
fn wall_clock_time_only_where_it_is_meant() {
    let src = server_src();
    let allowed: BTreeSet<&str> = WALL_CLOCK.iter().map(|(file, _)| *file).collect();
    let mut using = BTreeSet::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(src.join(&file)).expect("readable");
        if code(&text).contains("Timestamp::now()") {
            using.insert(file.to_string_lossy().into_owned());
        }
    }
    let unexpected: Vec<&String> = using
        .iter()
        .filter(|f| !allowed.contains(f.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "Timestamp::now() in {unexpected:?}: use the server's clock (`crate::clock`), or add \
         the file to WALL_CLOCK with the reason wall time is meant"
    );
    let stale: Vec<&&str> = allowed.iter().filter(|f| !using.contains(**f)).collect();
    assert!(
        stale.is_empty(),
        "WALL_CLOCK names files that no longer need it: {stale:?}"
    );
}

/// Every Rust file of the workspace's crates and xtask (build output aside), as
/// (path relative to the workspace, text).
fn workspace_sources() -> Vec<(String, String)> {
    let root = workspace();
    let mut sources = Vec::new();
    for dir in ["crates", "xtask"] {
        for file in rust_files(&root.join(dir)) {
            let path = root.join(dir).join(&file);
            if path.to_string_lossy().contains("/target/") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            sources.push((format!("{dir}/{}", file.display()), text));
        }
    }
    sources
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let missing: Vec<String> = workspace_sources()
        .into_iter()
        .filter(|(path, text)| {
            !path.ends_with("generated.rs")
                && !text.lines().next().unwrap_or_default().starts_with("//!")
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` first line: {missing:?}"
    );
}

#[test]
fn every_path_architecture_md_names_exists() {
    let root = workspace();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    let mut checked = 0;
    for quoted in text.split('`').skip(1).step_by(2) {
        let looks_like_path = (quoted.ends_with(".rs") || quoted.ends_with('/'))
            && !quoted.contains(' ')
            && !quoted.contains('*')
            && !quoted.contains('{')
            && !quoted.contains('<');
        if !looks_like_path {
            continue;
        }
        checked += 1;
        let found = quoted.starts_with("DATA_DIR/") || found_below(&root, quoted);
        if !found {
            missing.push(quoted.to_owned());
        }
    }
    assert!(
        checked > 30,
        "paths were found in ARCHITECTURE.md ({checked})"
    );
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

/// Whether `relative` exists below some folder of `dir` (ARCHITECTURE.md names files within
/// the folder it is describing, e.g. `apply.rs` under `store/sqlite/`), build output and
/// installed packages aside.
fn found_below(dir: &Path, relative: &str) -> bool {
    if dir.join(relative).exists() {
        return true;
    }
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_dir()
                && !path.ends_with("target")
                && !path.ends_with(".git")
                && !path.ends_with("node_modules")
        })
        .any(|path| found_below(&path, relative))
}

#[test]
fn every_annotated_handler_is_in_the_api_description() {
    let src = server_src();
    let api_doc = std::fs::read_to_string(src.join("openapi/mod.rs")).expect("openapi/mod.rs");
    let mut missing = Vec::new();
    let mut found = 0;
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(src.join(&file)).expect("readable");
        for annotated in text.split("#[utoipa::path(").skip(1) {
            let Some(name) = annotated.split("fn ").nth(1).map(ident) else {
                continue;
            };
            found += 1;
            let module = file.with_extension("");
            let module = module.to_string_lossy().replace('/', "::");
            let module = module.strip_suffix("::mod").unwrap_or(&module).to_owned();
            if !api_doc.contains(&format!("{module}::{name}")) {
                missing.push(format!("{module}::{name}"));
            }
        }
    }
    assert!(found > 40, "annotated handlers were found ({found})");
    assert!(
        missing.is_empty(),
        "annotated handlers missing from ApiDoc's paths (openapi/mod.rs): {missing:?}"
    );
}

#[test]
fn documents_cited_in_the_code_are_in_the_repository() {
    let root = workspace();
    let mut missing = BTreeSet::new();
    for (path, text) in workspace_sources() {
        for word in text.split(|c: char| c.is_whitespace() || "()[]`'\",;".contains(c)) {
            let word = word.trim_end_matches(['.', ':']);
            let is_doc = word.len() > 3
                && word.ends_with(".md")
                && word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            if is_doc && !word.contains('/') && !root.join(word).exists() {
                missing.insert(format!("{word} (cited in {path})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "documents cited that the repository does not have: {missing:?}"
    );
}
