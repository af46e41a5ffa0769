//! The API explorer (`/docs`) is served with a Content-Security-Policy and may not be framed,
//! as `/ui` and the authority's pages.

use presence_test_support::TestServer;

#[tokio::test]
async fn the_api_explorer_has_a_policy_and_cannot_be_framed() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    for path in ["/docs/", "/docs/index.html", "/docs/swagger-initializer.js"] {
        let answer = http.get(server.url(path)).send().await.expect("answers");
        assert_eq!(answer.status(), 200, "{path}");
        let headers = answer.headers().clone();
        let policy = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"),
            "{path}: {policy}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        if path.ends_with(".html") || path.ends_with('/') {
            // The policy allows no inline script: the page must have none.
            let html = answer.text().await.expect("text");
            for script in html.split("<script").skip(1) {
                let tag = script.split('>').next().unwrap_or_default();
                assert!(
                    tag.contains("src="),
                    "{path} has an inline script: <script{tag}>"
                );
            }
        }
    }
}
