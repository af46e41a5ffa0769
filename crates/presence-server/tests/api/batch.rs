//! getPresencesByUserId through the generated client.

use presence_client::types::{Activity, Availability, GetPresencesByUserIdRequest};

use presence_test_support::{APP, TestServer, USER, set_presence};

const OTHER_USER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";

#[tokio::test]
async fn answers_in_the_order_asked_each_id_once_unknown_users_offline() {
    let server = TestServer::start().await;
    let client = server.client();
    set_presence(
        &client,
        USER,
        APP,
        Availability::Busy,
        Activity::InACall,
        None,
    )
    .await;
    let ids = vec![
        OTHER_USER.to_owned(),
        USER.to_uppercase(),
        OTHER_USER.to_owned(),
    ];
    let answer = client
        .get_presences_by_user_id()
        .body(GetPresencesByUserIdRequest { ids })
        .send()
        .await
        .expect("getPresencesByUserId")
        .into_inner();
    let got: Vec<(&str, Availability)> = answer
        .value
        .iter()
        .map(|p| (p.id.as_str(), p.availability))
        .collect();
    assert_eq!(
        got,
        vec![
            (OTHER_USER, Availability::Offline),
            (USER, Availability::Busy)
        ]
    );
    assert!(
        answer
            .odata_context
            .is_some_and(|c| c.ends_with("#Collection(microsoft.graph.presence)"))
    );
}

#[tokio::test]
async fn six_hundred_fifty_ids_pass_and_six_hundred_fifty_one_do_not() {
    let server = TestServer::start().await;
    let client = server.client();
    let ids = |n: usize| {
        (0..n)
            .map(|i| format!("00000000-0000-0000-0000-{i:012}"))
            .collect::<Vec<_>>()
    };
    let most = client
        .get_presences_by_user_id()
        .body(GetPresencesByUserIdRequest { ids: ids(650) })
        .send()
        .await
        .expect("650 ids are allowed")
        .into_inner();
    assert_eq!(most.value.len(), 650);
    for (n, what) in [(651, "too many"), (0, "none")] {
        match client
            .get_presences_by_user_id()
            .body(GetPresencesByUserIdRequest { ids: ids(n) })
            .send()
            .await
        {
            Err(presence_client::Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), 400, "{what}");
                assert_eq!(response.error.target.as_deref(), Some("ids"), "{what}");
            }
            other => panic!("{what}: expected 400, got {other:?}"),
        }
    }
}
