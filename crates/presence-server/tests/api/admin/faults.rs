//! Fault rules on API requests and on deliveries.

use std::time::{Duration, Instant};

use presence_client::types::{FaultMatch, FaultResponse, FaultRule};
use presence_test_support::WebhookReceiver;

use super::*;

fn rule(matches: FaultMatch) -> FaultRule {
    FaultRule {
        id: None,
        applies_to: "requests".into(),
        matches,
        respond: None,
        delay: None,
        drop: false,
        duplicate: false,
        probability: None,
        times: None,
        fired: 0,
    }
}

fn respond(status: u16) -> Option<FaultResponse> {
    Some(FaultResponse {
        status,
        code: None,
        message: None,
        retry_after: None,
    })
}

#[tokio::test]
async fn an_error_rule_answers_instead_of_the_handler_then_runs_out() {
    let server = server().await;
    let admin = server.admin_client();
    let added = admin
        .admin_add_fault()
        .body(FaultRule {
            respond: respond(503),
            times: Some(1),
            ..rule(FaultMatch {
                operation: Some("set_presence".into()),
                tenant: Some(TENANT.into()),
                ..FaultMatch::default()
            })
        })
        .send()
        .await
        .expect("added")
        .into_inner();
    let id = added.id.expect("an id");
    // Another tenant is not affected.
    set_available(&server, &writer(&server, OTHER_TENANT), ALICE).await;
    let token = writer(&server, TENANT);
    let answer = reqwest::Client::new()
        .post(server.url(&format!("/v1.0/users/{ALICE}/presence/setPresence")))
        .bearer_auth(&token)
        .json(&json!({"sessionId": APP, "availability": "Busy", "activity": "InACall"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.headers()["retry-after"], "1");
    let envelope: Value = answer.json().await.expect("JSON");
    assert_eq!(envelope["error"]["code"], "serviceNotAvailable");
    assert!(
        envelope["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&id))
    );
    assert_eq!(
        presence(&server, &token, ALICE).await.0,
        "Offline",
        "nothing was written"
    );
    // Spent: the next one goes through, and the rule is gone.
    set_available(&server, &token, ALICE).await;
    assert!(
        admin
            .admin_list_faults()
            .send()
            .await
            .expect("lists")
            .into_inner()
            .value
            .is_empty()
    );
    let faulted = admin
        .admin_list_requests()
        .status(503)
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    assert_eq!(faulted.len(), 1);
    assert_eq!(faulted[0].fault.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn delay_drop_and_custom_errors_by_path_and_method() {
    let server = server().await;
    let admin = server.admin_client();
    let token = writer(&server, TENANT);
    let delayed = FaultRule {
        delay: Some("PT0.5S".into()),
        ..rule(FaultMatch {
            method: Some("get".into()),
            path: Some(format!("/v1.0/users/{ALICE}/*")),
            ..FaultMatch::default()
        })
    };
    admin
        .admin_add_fault()
        .body(delayed)
        .send()
        .await
        .expect("added");
    let started = Instant::now();
    presence(&server, &token, ALICE).await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    presence(&server, &token, BOB).await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "other paths are not delayed"
    );

    admin.admin_clear_faults().send().await.expect("cleared");
    let dropped = FaultRule {
        drop: true,
        ..rule(FaultMatch {
            path: Some("*/presence".into()),
            ..FaultMatch::default()
        })
    };
    admin
        .admin_add_fault()
        .body(dropped)
        .send()
        .await
        .expect("added");
    let answer = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/users/{ALICE}/presence")))
        .bearer_auth(&token)
        .send()
        .await;
    let failed = match answer {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "the client sees the connection cut");

    admin.admin_clear_faults().send().await.expect("cleared");
    let teapot = FaultRule {
        respond: Some(FaultResponse {
            status: 429,
            code: Some("activityLimitReached".into()),
            message: Some("slow down".into()),
            retry_after: Some(7),
        }),
        ..rule(FaultMatch::default())
    };
    admin
        .admin_add_fault()
        .body(teapot)
        .send()
        .await
        .expect("added");
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{ALICE}/presence"),
            &token,
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("activityLimitReached"))
    );
    // The control plane is never faulted, so the rule can always be removed.
    let rules = admin
        .admin_list_faults()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    assert_eq!(rules[0].fired, 1);
    let id = rules[0].id.clone().expect("an id");
    admin
        .admin_delete_fault()
        .fault_id(&id)
        .send()
        .await
        .expect("deleted");
    let again = admin
        .admin_delete_fault()
        .fault_id(&id)
        .send()
        .await
        .expect_err("gone");
    assert_eq!(again.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn invalid_rules_are_refused() {
    let server = server().await;
    let admin = server.admin_client();
    let cases = [
        rule(FaultMatch::default()),
        FaultRule {
            respond: respond(200),
            ..rule(FaultMatch::default())
        },
        FaultRule {
            probability: Some(2.0),
            respond: respond(500),
            ..rule(FaultMatch::default())
        },
        FaultRule {
            delay: Some("soon".into()),
            ..rule(FaultMatch::default())
        },
        FaultRule {
            duplicate: true,
            ..rule(FaultMatch::default())
        },
        FaultRule {
            applies_to: "deliveries".into(),
            respond: respond(500),
            ..rule(FaultMatch {
                operation: Some("get_presence".into()),
                ..FaultMatch::default()
            })
        },
    ];
    for case in cases {
        let error = admin
            .admin_add_fault()
            .body(case.clone())
            .send()
            .await
            .expect_err("refused");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{case:?}");
    }
}

#[tokio::test]
async fn delivery_rules_fail_or_duplicate_notifications() {
    let server = server().await;
    let receiver = WebhookReceiver::start().await;
    let subscription = subscribe(
        &server,
        &subscriber(&server, TENANT),
        &receiver.url,
        &[ALICE],
    )
    .await;
    let admin = server.admin_client();
    let failing = FaultRule {
        applies_to: "deliveries".into(),
        respond: respond(500),
        times: Some(1),
        ..rule(FaultMatch {
            subscription: Some(subscription.clone()),
            ..FaultMatch::default()
        })
    };
    let failing = admin
        .admin_add_fault()
        .body(failing)
        .send()
        .await
        .expect("added")
        .into_inner();
    let duplicate = FaultRule {
        applies_to: "deliveries".into(),
        duplicate: true,
        times: Some(1),
        ..rule(FaultMatch {
            tenant: Some(TENANT.into()),
            ..FaultMatch::default()
        })
    };
    admin
        .admin_add_fault()
        .body(duplicate)
        .send()
        .await
        .expect("added");
    set_available(&server, &writer(&server, TENANT), ALICE).await;
    // First attempt: failed by the rule, without reaching the receiver; the retry a second
    // later is sent twice.
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(
        received[0]["id"], received[1]["id"],
        "the same notification twice"
    );
    let attempts = admin
        .admin_list_deliveries()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let first = attempts.last().expect("attempts");
    assert_eq!(
        (first.attempt, first.status, first.fault.as_deref()),
        (1, Some(500), failing.id.as_deref())
    );
}
