//! The official Microsoft Graph JavaScript client (`@microsoft/microsoft-graph-client`, from
//! npm, pinned in compat/js) works unchanged against us: compat/js/graph_js_compat.mjs sends
//! a `$batch` with its `BatchRequestContent` (a write, and a read and a bulk read that depend
//! on it) and reads the answers with `BatchResponseContent`.

use presence_test_support::TestServer;
use tokio::process::Command;

use crate::node;
use crate::python::workspace_root;

#[tokio::test]
async fn the_official_javascript_graph_client_batches_against_us() {
    let dir = workspace_root().join("compat/js");
    node::install(&dir).await;
    // This client attaches no token to a plain-http base URL: a server without authentication.
    let server = TestServer::start().await;
    let output = Command::new("node")
        .arg("graph_js_compat.mjs")
        .arg(&server.origin)
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the JavaScript client failed against us:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok:")).count(),
        4,
        "{report}"
    );
}
