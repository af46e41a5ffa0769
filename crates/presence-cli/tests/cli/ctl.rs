//! Running presencectl against a test server, always with `--output json`.

use std::process::{Output, Stdio};

use presence_test_support::TestServer;
use serde_json::Value;

/// presencectl pointed at one server with one token.
pub struct Ctl {
    pub url: String,
    pub token: String,
}

impl Ctl {
    pub fn for_server(server: &TestServer, token: String) -> Self {
        Self {
            url: server.origin.clone(),
            token,
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
            .args([
                "--url",
                &self.url,
                "--token",
                &self.token,
                "--output",
                "json",
            ])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("presencectl runs")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "presencectl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON output")
    }
}
