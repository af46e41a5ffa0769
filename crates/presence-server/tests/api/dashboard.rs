//! The dashboard (`/ui`) in a real browser: compat/ui/dashboard_test.py drives Debian's
//! headless Chromium through chromedriver (Python's selenium, from PyPI) against a server
//! with the manual clock and token checks on, and saves a screenshot of each view to
//! `target/ui-screenshots/`. Here: the server, the tokens, a webhook receiver; and what the
//! page is served with.

use presence_test_support::{APP, TestServer, USER, WebhookReceiver, app_token, user_token};

use crate::python::{self, workspace_root};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[tokio::test]
async fn the_dashboard_shows_and_acts_live_in_headless_chromium() {
    for binary in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            std::path::Path::new(binary).exists(),
            "{binary} is missing: the dashboard test needs Debian's chromium and chromium-driver \
             (apt-get install chromium chromium-driver; .ci/run installs them)"
        );
    }
    let python = python::venv("compat/ui/requirements.txt", "ui-venv").await;
    let server = TestServer::start_with(&["--clock", "manual", "--journal-bodies"]).await;
    let receiver = WebhookReceiver::start().await;
    let secret = server.secret();
    // What `presencectl token --admin` prints: Graph's write role and the admin role.
    let admin = app_token(
        &secret,
        "default",
        APP,
        &["Presence.ReadWrite.All", "Presence.Admin"],
    );
    let subscriber = user_token(&secret, "default", APP, USER, &["Presence.Read.All"]);
    let screenshots = workspace_root().join("target/ui-screenshots");
    let output = tokio::process::Command::new(python)
        .arg(workspace_root().join("compat/ui/dashboard_test.py"))
        .env("PRESENCE_ORIGIN", &server.origin)
        .env("PRESENCE_ADMIN_TOKEN", admin)
        .env("PRESENCE_USER_TOKEN", subscriber)
        .env("PRESENCE_USER", USER)
        .env("PRESENCE_WEBHOOK", &receiver.url)
        .env("PRESENCE_SCREENSHOTS", &screenshots)
        .env("SE_OFFLINE", "true")
        .output()
        .await
        .expect("the browser test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the dashboard test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("dashboard: all steps passed"), "{stdout}");
    for view in [
        "users",
        "user",
        "subscriptions",
        "requests",
        "clock",
        "users-narrow",
    ] {
        let shot = screenshots.join(format!("{view}.png"));
        let bytes = std::fs::read(&shot).unwrap_or_default();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "a screenshot of {view} at {}",
            shot.display()
        );
    }
    assert!(
        !receiver.notifications().is_empty(),
        "the subscription made from the page's test was notified"
    );
}

#[tokio::test]
async fn the_page_is_served_from_the_binary_with_a_strict_policy() {
    let server = TestServer::start().await;
    let http = server.http();
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(server.url("/ui"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/ui/");
    for (path, media_type) in [
        ("/ui/", "text/html"),
        ("/ui/app.js", "text/javascript"),
        ("/ui/style.css", "text/css"),
    ] {
        let response = http.get(server.url(path)).send().await.expect("an answer");
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with(media_type)
        );
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap_or_default();
        assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"));
        assert!(policy.contains("connect-src 'self'") && policy.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let body = response.text().await.unwrap_or_default();
        assert!(
            !body.contains("https://") && !body.contains("http://"),
            "{path} names no origin"
        );
    }
    let html = http
        .get(server.url("/ui/"))
        .send()
        .await
        .expect("an answer");
    let html = html.text().await.unwrap_or_default();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style"
    );
    let missing = http
        .get(server.url("/ui/../admin/info"))
        .send()
        .await
        .expect("an answer");
    assert_ne!(missing.status(), 500);
    let unknown = http
        .get(server.url("/ui/nothing.js"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(unknown.status(), 404);
    // The page is not part of the API: it is never journaled.
    let journal = server
        .admin_request(reqwest::Method::GET, "/admin/requests")
        .send()
        .await
        .expect("an answer")
        .json::<serde_json::Value>()
        .await
        .expect("JSON");
    assert!(
        journal["value"].as_array().is_some_and(|entries| entries
            .iter()
            .all(|e| !e["path"].as_str().unwrap_or("").starts_with("/ui"))),
        "{journal}"
    );
}
