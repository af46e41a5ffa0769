//! #25 item 2: the well-known development identities, there on every server unless
//! `--no-default-identities`, with published values that work as printed by `presencectl
//! dev-identities`.

use presence_model::dev_identities::{
    CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID, TENANT_ID, USERS,
};
use presence_test_support::{TestServer, binary};
use serde_json::{Value, json};

async fn token(server: &TestServer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .http()
        .post(server.url(&format!("/{TENANT_ID}/oauth2/v2.0/token")))
        .form(form)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn app_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("scope", "https://graph.microsoft.com/.default"),
    ]
}

#[tokio::test]
async fn the_published_identities_get_tokens_that_graph_accepts() {
    let server = TestServer::start_with(&["--tls"]).await;
    let (status, answer) = token(&server, &app_form()).await;
    assert_eq!(status, 200, "{answer}");
    let app = answer["access_token"].as_str().expect("a token").to_owned();
    let adele = USERS[0];
    let presence = format!("/v1.0/users/{}/presence", adele.id);
    let set = server
        .http()
        .post(server.url(&format!("{presence}/setPresence")))
        .bearer_auth(&app)
        .json(
            &json!({"sessionId": CLIENT_ID, "availability": "Busy", "activity": "InACall",
                      "expirationDuration": "PT1H"}),
        )
        .send()
        .await
        .expect("answers");
    assert_eq!(set.status(), 200);

    // The public client signs a test user in with the published password (no secret).
    let (status, answer) = token(
        &server,
        &[
            ("grant_type", "password"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("username", adele.user_principal_name),
            ("password", adele.password),
            (
                "scope",
                "https://graph.microsoft.com/Presence.Read openid profile",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let delegated = answer["access_token"].as_str().expect("a token");
    let mine: Value = server
        .http()
        .get(server.url("/v1.0/me/presence"))
        .bearer_auth(delegated)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(mine["id"], adele.id);
    assert_eq!(mine["availability"], "Busy");
    let (status, _) = token(
        &server,
        &[
            ("grant_type", "password"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("username", USERS[1].user_principal_name),
            ("password", adele.password),
            ("scope", "https://graph.microsoft.com/Presence.Read"),
        ],
    )
    .await;
    assert_eq!(status, 400, "another user's password is refused");

    // What presencectl prints is what works: the values, this server, its CA (absolute).
    let printed = tokio::process::Command::new(binary("presencectl"))
        .current_dir(&server.data_dir)
        .args([
            "--url",
            &server.origin,
            "--server-data-dir",
            ".",
            "dev-identities",
            "--json",
        ])
        .env_remove("PRESENCE_CA_CERT")
        .output()
        .await
        .expect("presencectl runs");
    assert!(printed.status.success());
    let printed: Value = serde_json::from_slice(&printed.stdout).expect("JSON");
    assert_eq!(printed["tenantId"], TENANT_ID);
    assert_eq!(printed["clientId"], CLIENT_ID);
    assert_eq!(printed["clientSecret"], CLIENT_SECRET);
    assert_eq!(printed["publicClientId"], PUBLIC_CLIENT_ID);
    assert_eq!(
        printed["users"][1]["userPrincipalName"],
        USERS[1].user_principal_name
    );
    assert_eq!(printed["users"][0]["password"], adele.password);
    assert_eq!(printed["authorityHost"], server.origin.as_str());
    assert_eq!(printed["graphUrl"], format!("{}/v1.0", server.origin));
    let ca = printed["caPath"].as_str().expect("a CA path");
    assert!(std::path::Path::new(ca).is_absolute(), "{ca}");
    assert_eq!(
        std::fs::read(ca).expect("the CA"),
        server.ca_pem().expect("the server's CA")
    );
}

#[tokio::test]
async fn no_default_identities_leaves_them_out() {
    let server = TestServer::start_with(&["--no-default-identities"]).await;
    let (status, answer) = token(&server, &app_form()).await;
    assert!(
        (400..500).contains(&status),
        "the development app is unknown: {status} {answer}"
    );
}

#[tokio::test]
async fn a_server_others_can_reach_warns_of_the_published_identities() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(binary("presence-server"))
        .args(["--in-memory", "--listen", "0.0.0.0:0"])
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starts");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().expect("piped")).lines();
    let mut warned = false;
    while let Some(line) = lines.next_line().await.expect("readable") {
        warned |= line.contains("--no-default-identities");
        if line.contains("listening on") {
            break;
        }
    }
    assert!(warned, "a warning before listening");
}
