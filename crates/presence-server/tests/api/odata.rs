//! OData details apps and SDKs send with presence reads: `$select`, and directory headers
//! that Graph accepts and ignores on these endpoints.

use presence_test_support::TestServer;
use serde_json::{Value, json};

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

async fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn select_returns_the_selection_and_id_with_a_context_naming_it() {
    let server = TestServer::start().await;
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{USER}/presence/setPresence"),
            "",
            Some(json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200);

    for base in [
        format!("/v1.0/users/{USER}/presence"),
        format!("/beta/communications/presences/{USER}"),
    ] {
        // As the SDKs send it: `%24select`, comma-separated.
        let (status, body) = get(
            &server,
            &format!("{base}?%24select=availability,Activity"),
            &[],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            keys(&body),
            ["@odata.context", "activity", "availability", "id"],
            "{body}"
        );
        assert_eq!(
            (&body["availability"], &body["activity"], &body["id"]),
            (&json!("Busy"), &json!("InACall"), &json!(USER))
        );
        let context = body["@odata.context"].as_str().expect("context");
        assert!(
            context.ends_with(&format!(
                "$metadata#users('{USER}')/presence(availability,activity)/$entity"
            )),
            "{context}"
        );

        let (status, body) = get(&server, &format!("{base}?$select=statusMessage"), &[]).await;
        assert_eq!(status, 200);
        assert_eq!(keys(&body), ["@odata.context", "id", "statusMessage"]);
        assert_eq!(body["statusMessage"], Value::Null);

        let (status, body) = get(&server, &format!("{base}?$select=*"), &[]).await;
        assert_eq!(status, 200);
        assert!(
            body.get("sequenceNumber").is_some(),
            "* selects all: {body}"
        );

        let (status, body) = get(&server, &format!("{base}?$select=availability,mood"), &[]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "BadRequest");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("'mood'") && m.contains("microsoft.graph.presence")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn directory_headers_are_accepted_and_ignored() {
    let server = TestServer::start().await;
    let path = format!("/v1.0/users/{USER}/presence");
    let (status, plain) = get(&server, &path, &[]).await;
    assert_eq!(status, 200);
    let (status, with_headers) = get(
        &server,
        &path,
        &[
            ("ConsistencyLevel", "eventual"),
            ("Prefer", "odata.maxpagesize=1"),
            ("Prefer", "return=minimal"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(plain, with_headers, "the answer is the same");
}
