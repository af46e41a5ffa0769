//! The spec tells the truth: schemathesis (PyPI, pinned in compat/schemathesis) generates
//! requests from `/openapi.json` as served, with every check including the stateful phase,
//! against a real server with authentication on, once with an application token and once with
//! a delegated one (subscriptions and work location need it); then the control plane (tag
//! `admin`, whose paths hang off the server's root rather than a version) with an admin
//! token. A fixed seed keeps the runs repeatable; about 10 s each here.
//!
//! Excluded, with the reason:
//! - the operation `presence_events` (`GET /events/presence`): a server-sent event stream that
//!   never ends by design; a request/response tool can only time out on it;
//! - the check `positive_data_acceptance`: it expects every schema-valid body to succeed, but
//!   setPresence and setUserPreferredPresence accept only Graph's availability/activity pairs
//!   (stated in their descriptions), a rule across two fields that the schema states per field.

use std::ffi::OsStr;

use presence_test_support::{TestServer, binary};
use tokio::process::Command;

use crate::python;

#[tokio::test]
async fn schemathesis_finds_nothing_with_every_check() {
    let python = python::venv("compat/schemathesis/requirements.txt", "schemathesis-venv").await;
    let schemathesis = python.with_file_name("schemathesis");
    let server = TestServer::start_with(&[]).await;
    let data_dir = server.data_dir.to_str().expect("utf-8 path").to_owned();
    let mint = |extra: &[&str]| {
        let mut args = vec!["token", "--data-dir", data_dir.as_str()];
        args.extend_from_slice(extra);
        let output = std::process::Command::new(binary("presencectl"))
            .args(&args)
            .output()
            .expect("presencectl runs");
        assert!(output.status.success());
        String::from_utf8(output.stdout)
            .expect("text")
            .trim()
            .to_owned()
    };
    let (graph, root) = (server.url("/v1.0"), server.url(""));
    let runs = [
        (mint(&[]), &graph, "--exclude-tag"),
        (
            mint(&[
                "--user",
                "fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                "--scopes",
                "Presence.ReadWrite,Presence.Read.All",
            ]),
            &graph,
            "--exclude-tag",
        ),
        (mint(&["--admin"]), &root, "--include-tag"),
    ];
    for (token, base, admin_tag) in runs {
        let authorization = format!("Authorization: Bearer {token}");
        let spec = server.url("/openapi.json");
        let args = [
            "run",
            &spec,
            "--url",
            base,
            admin_tag,
            "admin",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--exclude-operation-id",
            "presence_events",
            "--seed",
            "1",
            "--max-examples",
            "20",
            "--request-timeout",
            "5",
            "--header",
            &authorization,
            // The authority's operations and the metrics hang off the root too.
            admin_tag,
            "authority",
            admin_tag,
            "operations",
        ];
        let args: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let output = Command::new(&schemathesis)
            .args(&args)
            .env("SCHEMATHESIS_TELEMETRY", "false")
            .env("NO_COLOR", "1")
            .output()
            .await
            .expect("schemathesis runs");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "schemathesis found failures:\n{report}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
