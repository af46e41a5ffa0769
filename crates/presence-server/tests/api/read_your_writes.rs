//! Every acknowledged write is what the next read returns, while other clients read the same
//! users as fast as they can: on SQLite reads are answered from memory
//! (`store/sqlite/state_cache.rs`), and a read that raced a write must never leave the state
//! from before it behind.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use presence_test_support::TestServer;
use serde_json::{Value, json};

const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// What a GET of `user`'s presence answers now.
async fn availability_of(http: &reqwest::Client, server: &TestServer, user: &str) -> Value {
    let read: Value = http
        .get(server.url(&format!("/v1.0/users/{user}/presence")))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    read["availability"].clone()
}

#[tokio::test]
async fn each_acknowledged_write_is_read_back_while_others_read_the_same_users() {
    let server = Arc::new(TestServer::start().await);
    let http = reqwest::Client::new();
    let stop = Arc::new(AtomicBool::new(false));
    let users: Vec<String> = (0..4).map(|i| format!("racer-{i}")).collect();
    // Readers: keep missing and filling the users' state while the writers write.
    let mut readers = Vec::new();
    for reader in 0..4 {
        let (server, http, stop, users) =
            (server.clone(), http.clone(), stop.clone(), users.clone());
        readers.push(tokio::spawn(async move {
            let mut reads = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let user = &users[(reads as usize + reader) % users.len()];
                let _ = http
                    .get(server.url(&format!("/v1.0/users/{user}/presence")))
                    .send()
                    .await;
                reads += 1;
            }
            reads
        }));
    }
    let mut writers = Vec::new();
    for user in users.clone() {
        let (server, http) = (server.clone(), http.clone());
        writers.push(tokio::spawn(async move {
            for round in 0..60 {
                let (availability, activity) = if round % 2 == 0 {
                    ("Busy", "InACall")
                } else {
                    ("Available", "Available")
                };
                let set = http
                    .post(server.url(&format!("/v1.0/users/{user}/presence/setPresence")))
                    .json(&json!({"sessionId": APP, "availability": availability, "activity": activity, "expirationDuration": "PT1H"}))
                    .send()
                    .await
                    .expect("an answer");
                assert_eq!(set.status(), 200);
                assert_eq!(
                    availability_of(&http, &server, &user).await,
                    availability,
                    "{user} round {round}"
                );
                if round % 10 == 9 {
                    let cleared = http
                        .post(server.url(&format!("/v1.0/users/{user}/presence/clearPresence")))
                        .json(&json!({"sessionId": APP}))
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(cleared.status(), 200);
                    assert_eq!(
                        availability_of(&http, &server, &user).await,
                        "Offline",
                        "{user} cleared at {round}"
                    );
                }
            }
        }));
    }
    for writer in writers {
        writer.await.expect("the writer's checks hold");
    }
    stop.store(true, Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.expect("a reader");
    }
    assert!(reads > 100, "the readers raced the writers ({reads} reads)");
    // A reset of everything (which names no user) is seen by the next read too.
    let reset = http
        .post(server.url("/admin/reset"))
        .json(&json!({}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(reset.status(), 200);
    for user in &users {
        assert_eq!(
            availability_of(&http, &server, user).await,
            "Offline",
            "{user} after a reset"
        );
    }
}
