//! Requests without a verified token get a fair share by client address: a flood of stalled
//! anonymous requests from one address leaves the others served; a stalled authority body is
//! a 408 in the authority's shape.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use presence_test_support::TestServer;

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";

/// A connection from `source` that sends a token request's head and a byte of its body, then
/// stalls.
async fn stalled_from(source: &str, server: std::net::SocketAddr) -> tokio::net::TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(format!("{source}:0").parse().expect("an address"))
        .expect("bound to the source address");
    let mut stream = socket.connect(server).await.expect("connects");
    stream
        .write_all(
            format!(
                "POST /{TENANT}/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ng"
            )
            .as_bytes(),
        )
        .await
        .expect("sent");
    stream
}

#[tokio::test]
async fn a_flood_from_one_address_leaves_other_addresses_served() {
    let server = TestServer::start_with(&[
        "--max-in-flight",
        "16",
        "--max-in-flight-per-tenant",
        "4",
        "--body-timeout",
        "3s",
    ])
    .await;
    let addr: std::net::SocketAddr = server
        .origin
        .trim_start_matches("http://")
        .parse()
        .expect("an address");
    // More stalled requests than the address's share.
    let mut flood = Vec::new();
    for _ in 0..8 {
        flood.push(stalled_from("127.0.0.2", addr).await);
    }
    let discovery = format!("/{TENANT}/v2.0/.well-known/openid-configuration");
    let from = |source: &str| {
        reqwest::Client::builder()
            .local_address(source.parse::<std::net::IpAddr>().expect("an address"))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client")
    };
    // Once the flood holds its share, its address is shed, and another is served.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = from("127.0.0.2")
            .get(server.url(&discovery))
            .send()
            .await
            .expect("answers")
            .status();
        if status == 503 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the flood was never shed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for path in [discovery.as_str(), "/openapi.json", "/metrics"] {
        let answer = from("127.0.0.3")
            .get(server.url(path))
            .send()
            .await
            .expect("answers");
        assert_eq!(answer.status(), 200, "{path} from another address");
    }

    // The stalled bodies end with 408 in the authority's shape.
    let mut stalled = flood.remove(0);
    let mut answer = String::new();
    let _ =
        tokio::time::timeout(Duration::from_secs(15), stalled.read_to_string(&mut answer)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("\"error\":\"invalid_request\"") && answer.contains("AADSTS"),
        "{answer}"
    );
}
