//! #25 item 1 in a real browser: a single-page app served from another origin signs a
//! development test user in with `@azure/msal-browser` (PKCE, by redirect, against the
//! server's authority) and sets and reads presence with `@microsoft/microsoft-graph-client`'s
//! browser build, in Debian's headless Chromium with CORS enforced
//! (`compat/browser/browser_app_test.py` drives it through chromedriver).

use presence_model::dev_identities::{PUBLIC_CLIENT_ID, TENANT_ID, USERS};
use presence_test_support::TestServer;

use crate::python::{self, workspace_root};

#[tokio::test]
async fn a_single_page_app_on_another_origin_signs_in_and_shows_presence() {
    for binary in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(
            std::path::Path::new(binary).exists(),
            "{binary} is missing: the browser test needs Debian's chromium and chromium-driver \
             (apt-get install chromium chromium-driver; .ci/run installs them)"
        );
    }
    let python = python::venv("compat/ui/requirements.txt", "ui-venv").await;
    let js = workspace_root().join("compat/js");
    crate::node::install(&js).await;
    let server = TestServer::start_with(&["--tls"]).await;
    let user = USERS[0];
    let output = tokio::process::Command::new(python)
        .arg(workspace_root().join("compat/browser/browser_app_test.py"))
        .env("PRESENCE_ORIGIN", &server.origin)
        .env("PRESENCE_TENANT", TENANT_ID)
        .env("PRESENCE_CLIENT_ID", PUBLIC_CLIENT_ID)
        .env("PRESENCE_USERNAME", user.user_principal_name)
        .env("PRESENCE_PASSWORD", user.password)
        .env("PRESENCE_JS_MODULES", js.join("node_modules"))
        .env("SE_OFFLINE", "true")
        .output()
        .await
        .expect("the browser test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser app failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser app: all steps passed"), "{stdout}");
    // What the page set is what the server holds.
    let token = server
        .http()
        .post(server.url(&format!("/{TENANT_ID}/oauth2/v2.0/token")))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", presence_model::dev_identities::CLIENT_ID),
            (
                "client_secret",
                presence_model::dev_identities::CLIENT_SECRET,
            ),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("answers")
        .json::<serde_json::Value>()
        .await
        .expect("JSON");
    let presence: serde_json::Value = server
        .http()
        .get(server.url(&format!("/v1.0/users/{}/presence", user.id)))
        .bearer_auth(token["access_token"].as_str().expect("a token"))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(presence["availability"], "Busy");
}
