//! The work location actions through the generated client.

use presence_client::types::{SetLocationRequest, WorkLocationSource, WorkLocationType};

use presence_test_support::{TestServer, USER, get_presence};

async fn location(
    client: &presence_client::Client,
) -> (WorkLocationType, WorkLocationSource, Option<String>) {
    let w = get_presence(client, USER).await.work_location;
    (w.work_location_type, w.source, w.place_id)
}

fn at(kind: WorkLocationType, place: Option<&str>) -> SetLocationRequest {
    SetLocationRequest {
        work_location_type: kind,
        place_id: place.map(str::to_owned),
    }
}

#[tokio::test]
async fn manual_beats_automatic_and_clears_fall_back() {
    let server = TestServer::start().await;
    let client = server.client();
    assert_eq!(
        location(&client).await,
        (
            WorkLocationType::Unspecified,
            WorkLocationSource::None,
            None
        )
    );

    let automatic = client
        .set_automatic_location()
        .id(USER)
        .body(at(WorkLocationType::Office, Some("building-42")))
        .send()
        .await
        .expect("setAutomaticLocation");
    assert_eq!(automatic.status(), 204);
    assert_eq!(
        location(&client).await,
        (
            WorkLocationType::Office,
            WorkLocationSource::Automatic,
            Some("building-42".into())
        )
    );

    client
        .set_manual_location()
        .id(USER)
        .body(at(WorkLocationType::Remote, None))
        .send()
        .await
        .expect("setManualLocation");
    assert_eq!(
        location(&client).await,
        (WorkLocationType::Remote, WorkLocationSource::Manual, None)
    );

    // Clearing the automatic layer leaves the manual one.
    let cleared = client
        .clear_automatic_location()
        .id(USER)
        .send()
        .await
        .expect("clearAutomaticLocation");
    assert_eq!(cleared.status(), 204);
    assert_eq!(location(&client).await.1, WorkLocationSource::Manual);

    client
        .set_automatic_location()
        .id(USER)
        .body(at(WorkLocationType::Office, None))
        .send()
        .await
        .expect("automatic again");
    let cleared = client
        .clear_location()
        .id(USER)
        .send()
        .await
        .expect("clearLocation");
    assert_eq!(cleared.status(), 204);
    assert_eq!(
        location(&client).await,
        (
            WorkLocationType::Unspecified,
            WorkLocationSource::None,
            None
        )
    );
}

#[tokio::test]
async fn placeholder_location_type_is_refused_and_clear_takes_an_empty_object() {
    let server = TestServer::start().await;
    let client = server.client();
    let refused = client
        .set_manual_location()
        .id(USER)
        .body(at(WorkLocationType::UnknownFutureValue, None))
        .send()
        .await;
    assert!(
        matches!(&refused, Err(presence_client::Error::ErrorResponse(r)) if r.status() == 400),
        "{refused:?}"
    );
    let http = reqwest::Client::new();
    let url = server.url("/beta/me/presence/clearLocation");
    let me = http.post(&url).send().await.expect("answers");
    assert_eq!(me.status(), 400, "/me needs a delegated token");
    for body in ["", "{}", "  "] {
        let response = http
            .post(server.url(&format!(
                "/beta/users/{USER}/presence/microsoft.graph.clearLocation"
            )))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 204, "body {body:?}");
    }
    let not_object = http
        .post(server.url(&format!("/v1.0/users/{USER}/presence/clearLocation")))
        .body("[1]")
        .send()
        .await
        .expect("answers");
    assert_eq!(not_object.status(), 400);
}
