//! `presencectl apps …` and `presencectl users …`: register an application, get a token with
//! what `apps create` printed, and manage test users, against a `--tls` server.

use presence_test_support::TestServer;

use crate::ctl::Ctl;

const TENANT: &str = "3f2a7c1e-8d4b-4e6a-9c0f-5b1d2e3a4f60";

#[tokio::test]
async fn apps_create_prints_what_an_app_needs_and_users_can_sign_in() {
    let server = TestServer::start_with(&["--tls"]).await;
    let admin = Ctl::for_server(&server, server.admin_token().expect("an admin token"));
    let ca = server.data_dir.join("tls").join("ca.pem");
    let ca = ca.to_str().expect("utf-8");
    let created = admin.json(&[
        "--ca-cert",
        ca,
        "apps",
        "create",
        "--tenant",
        TENANT,
        "--name",
        "My app",
        "--role",
        "Presence.ReadWrite.All",
        "--scope",
        "Presence.ReadWrite",
    ]);
    assert_eq!(created["tenantId"], TENANT);
    assert_eq!(created["authorityHost"], server.origin.as_str());
    assert_eq!(created["authority"], format!("{}/{TENANT}", server.origin));
    assert_eq!(created["graphBaseUrl"], format!("{}/v1.0", server.origin));
    assert!(
        created["caCertificate"]
            .as_str()
            .is_some_and(|path| path.ends_with("tls/ca.pem")),
        "{created}"
    );
    let client_id = created["clientId"]
        .as_str()
        .expect("a client id")
        .to_owned();
    let secret = created["clientSecret"]
        .as_str()
        .expect("a secret")
        .to_owned();

    // The printed values get a token.
    let token = |secret: String| {
        let (server, client_id) = (&server, client_id.clone());
        async move {
            server
                .http()
                .post(server.url(&format!("/{TENANT}/oauth2/v2.0/token")))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id.as_str()),
                    ("client_secret", secret.as_str()),
                    ("scope", "https://graph.microsoft.com/.default"),
                ])
                .send()
                .await
                .expect("answers")
                .status()
                .as_u16()
        }
    };
    assert_eq!(token(secret.clone()).await, 200);

    let listed = admin.json(&["--ca-cert", ca, "apps", "list", "--tenant", TENANT]);
    assert_eq!(listed["value"][0]["clientId"], client_id.as_str());
    assert_eq!(listed["value"][0]["secretCount"], 1);
    assert!(
        !listed.to_string().contains(&secret),
        "secrets are never listed"
    );

    let added = admin.json(&[
        "--ca-cert",
        ca,
        "apps",
        "add-secret",
        &client_id,
        "--tenant",
        TENANT,
    ]);
    let second = added["clientSecret"].as_str().expect("a secret").to_owned();
    assert_ne!(second, secret);
    assert_eq!(token(second).await, 200);
    assert_eq!(
        token(secret.clone()).await,
        200,
        "the first secret still works"
    );

    let user = admin.json(&[
        "--ca-cert",
        ca,
        "users",
        "create",
        "--tenant",
        TENANT,
        "--upn",
        "Bob@Contoso.test",
        "--password",
        "pa55word",
        "--name",
        "Bob",
    ]);
    assert_eq!(user["userPrincipalName"], "bob@contoso.test");
    let users = admin.json(&["--ca-cert", ca, "users", "list", "--tenant", TENANT]);
    assert_eq!(users["value"].as_array().map(Vec::len), Some(1));
    let signed_in = server
        .http()
        .post(server.url(&format!("/{TENANT}/oauth2/v2.0/token")))
        .form(&[
            ("grant_type", "password"),
            ("client_id", client_id.as_str()),
            // A confidential client authenticates on every grant.
            ("client_secret", secret.as_str()),
            ("username", "bob@contoso.test"),
            ("password", "pa55word"),
            ("scope", "Presence.ReadWrite"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(signed_in.status(), 200);

    // A device-code sign-in approved from the command line.
    let started: serde_json::Value = server
        .http()
        .post(server.url(&format!("/{TENANT}/oauth2/v2.0/devicecode")))
        .form(&[
            ("client_id", client_id.as_str()),
            ("scope", "Presence.ReadWrite"),
        ])
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    let poll = || async {
        server
            .http()
            .post(server.url(&format!("/{TENANT}/oauth2/v2.0/token")))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", client_id.as_str()),
                ("client_secret", secret.as_str()),
                (
                    "device_code",
                    started["device_code"].as_str().expect("a code"),
                ),
            ])
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16()
    };
    assert_eq!(poll().await, 400, "pending until approved");
    let user_code = started["user_code"].as_str().expect("a user code");
    admin.ok(&[
        "--ca-cert",
        ca,
        "users",
        "approve",
        user_code,
        "--upn",
        "bob@contoso.test",
    ]);
    assert_eq!(poll().await, 200, "approved by presencectl");

    let id = user["id"].as_str().expect("an id");
    admin.ok(&["--ca-cert", ca, "users", "delete", id, "--tenant", TENANT]);
    admin.ok(&[
        "--ca-cert",
        ca,
        "apps",
        "delete",
        &client_id,
        "--tenant",
        TENANT,
    ]);
    assert_eq!(
        token(secret).await,
        400,
        "a deleted application gets nothing"
    );
    let output = admin.run(&[
        "--ca-cert",
        ca,
        "apps",
        "delete",
        &client_id,
        "--tenant",
        TENANT,
    ]);
    assert!(!output.status.success(), "deleting it again fails");
}
