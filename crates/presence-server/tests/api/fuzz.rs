//! A bounded, deterministic fuzz of the HTTP surface: mutated bodies, odd content types,
//! paths and methods. Whatever arrives, the answer is never a 5xx and every error is the
//! Graph envelope. (Coverage-guided fuzzing of the parsers lives in `fuzz/`.)

use serde_json::{Value, json};

use presence_test_support::TestServer;

/// xorshift64*: a tiny, seeded generator so every run sends the same requests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ACTIONS: [&str; 10] = [
    "setPresence",
    "clearPresence",
    "setUserPreferredPresence",
    "clearUserPreferredPresence",
    "setStatusMessage",
    "setManualLocation",
    "setAutomaticLocation",
    "clearAutomaticLocation",
    "clearLocation",
    "microsoft.graph.setPresence",
];

fn seeds() -> Vec<Value> {
    vec![
        json!({"sessionId": "app", "availability": "Available", "activity": "Available", "expirationDuration": "PT1H"}),
        json!({"availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "P7D"}),
        json!({"statusMessage": {"message": {"content": "hi", "contentType": "text"}, "expiryDateTime": {"dateTime": "2099-01-01T00:00:00", "timeZone": "Pacific Standard Time"}}}),
        json!({"workLocationType": "office", "placeId": "b1"}),
        json!({"ids": ["a", "b"]}),
        json!({}),
    ]
}

/// Replaces a random leaf or member of `value` with something strange.
fn mutate(rng: &mut Rng, value: &mut Value) {
    let strange = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!(u64::MAX),
        json!(""),
        json!("PT-5M"),
        json!("P99999999999999D"),
        json!("9999999999:00:00"),
        json!("\u{0}"),
        json!("😀".repeat(300)),
        json!([]),
        json!({}),
        json!([[[[[[]]]]]]),
        json!("2099-13-45T99:99:99"),
        json!("unknownFutureValue"),
        json!("Html"),
        json!({"dateTime": "x", "timeZone": 5}),
        Value::Array(vec![json!("a"); 700]),
    ];
    match value {
        Value::Object(map) if !map.is_empty() && rng.below(4) > 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(3) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    if let Some(child) = map.get_mut(&key) {
                        mutate(rng, child);
                    }
                }
                _ => {
                    map.insert(key, rng.pick(&strange).clone());
                }
            }
        }
        _ => *value = rng.pick(&strange).clone(),
    }
}

/// Raw byte-level damage to a serialised body.
fn damage(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    match rng.below(4) {
        0 if !bytes.is_empty() => {
            let cut = rng.below(bytes.len());
            bytes.truncate(cut);
        }
        1 if !bytes.is_empty() => {
            let at = rng.below(bytes.len());
            bytes[at] = u8::try_from(rng.below(256)).unwrap_or(0);
        }
        2 => bytes.extend_from_slice(b"\xff\xfe}}]]"),
        _ => {}
    }
    bytes
}

#[tokio::test]
async fn no_request_makes_the_server_fail() {
    let server = TestServer::start_with(&["--auth", "none"]).await;
    let http = reqwest::Client::new();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let content_types = [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/merge-patch+json",
        "",
    ];
    let users = [
        "fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "%00",
        "%E2%82%AC",
        "a%2Fb",
        &"x".repeat(300),
    ];
    for round in 0..1200 {
        let mut body = rng.pick(&seeds()).clone();
        for _ in 0..rng.below(4) {
            mutate(&mut rng, &mut body);
        }
        let bytes = serde_json::to_vec(&body).expect("serialisable");
        let bytes = if rng.below(3) == 0 {
            damage(&mut rng, bytes)
        } else {
            bytes
        };
        let user = rng.pick(&users);
        let version = rng.pick(&["v1.0", "beta"]);
        let path = match rng.below(6) {
            0 => format!("/{version}/communications/getPresencesByUserId"),
            1 => format!(
                "/{version}/communications/presences/{user}/{}",
                rng.pick(&ACTIONS)
            ),
            2 => format!("/{version}/users/{user}/presence"),
            _ => format!("/{version}/users/{user}/presence/{}", rng.pick(&ACTIONS)),
        };
        let method = if rng.below(10) == 0 {
            reqwest::Method::PUT
        } else if path.ends_with("/presence") {
            reqwest::Method::GET
        } else {
            reqwest::Method::POST
        };
        let mut request = http
            .request(method.clone(), server.url(&path))
            .body(bytes.clone());
        let content_type = rng.pick(&content_types);
        if !content_type.is_empty() {
            request = request.header("content-type", *content_type);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status < 500,
            "round {round}: {method} {path} {body} -> {status} {text}"
        );
        if status >= 400 {
            let envelope: Value = serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("round {round}: not JSON: {text}"));
            assert!(
                envelope["error"]["code"].is_string(),
                "round {round}: {text}"
            );
        }
    }
    let health = reqwest::get(server.url("/healthz")).await.expect("answers");
    assert_eq!(health.status(), 200, "still healthy after the fuzzing");
}
