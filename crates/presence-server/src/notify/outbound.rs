//! Outgoing HTTP to receivers (validation handshakes and deliveries), with the limits that
//! keep a receiver from turning the server against itself or its network:
//!
//! - redirects are never followed (a receiver could otherwise bounce requests to any address);
//! - at most [`MAX_ANSWER_BYTES`] of an answer are read, within the request's timeout (a
//!   receiver answering 200 MB once raised the server's memory by 550 MiB);
//! - with `--notification-targets public`, loopback, private, link-local (cloud metadata
//!   included), carrier-grade NAT, multicast and other non-public addresses are refused,
//!   whether the URL names them or a host name resolves to them (checked at connection time, by
//!   the resolver, so a name cannot be re-pointed between the check and the request). The
//!   default, `any`, allows them: receivers on loopback are an emulator's main use.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub use crate::config::TargetPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The most of a receiver's answer ever read (a validation token is ~50 bytes).
pub const MAX_ANSWER_BYTES: usize = 4 * 1024;

/// How long establishing a connection to a receiver may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The client every handshake and delivery uses.
pub fn client(policy: TargetPolicy) -> anyhow::Result<reqwest::Client> {
    crate::tls::client_roots::with_system_or_built_in_roots(|| {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT);
        match policy {
            TargetPolicy::Any => builder,
            TargetPolicy::Public => builder.dns_resolver(Arc::new(PublicOnly)),
        }
    })
}

/// Whether `url` may be requested under `policy`, for URLs whose host is an address (the
/// resolver never sees those). Names are checked when they are resolved.
pub fn allowed(url: &reqwest::Url, policy: TargetPolicy) -> bool {
    if policy == TargetPolicy::Any {
        return true;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => is_public(ip),
        Err(_) => {
            let name = bare.to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
    }
}

/// Reads at most [`MAX_ANSWER_BYTES`] of `response`'s body; `Err` when it is longer.
pub async fn bounded_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_ANSWER_BYTES as u64)
    {
        return Err(format!(
            "the answer is longer than {MAX_ANSWER_BYTES} bytes"
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "the answer is longer than {MAX_ANSWER_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A resolver that keeps only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if addresses.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// Whether `ip` is a globally reachable unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let segments = ip.segments();
            let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
            if nat64 {
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                || (segments[0] & 0xfe00) == 0xfc00 // unique local (fc00::/7), AWS metadata fd00:ec2::254
                || (segments[0] & 0xffc0) == 0xfe80 // link-local
                || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || segments[0] == 0x2001 && segments[1] == 0x0db8 // documentation
                || ip == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, cloud metadata included
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240 // reserved
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b))) // benchmarking
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_globally_reachable_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private} is not public");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public} is public");
        }
    }

    #[test]
    fn literal_addresses_and_localhost_are_checked_before_any_request() {
        let url = |u: &str| reqwest::Url::parse(u).expect("a URL");
        assert!(allowed(&url("http://127.0.0.1:9/"), TargetPolicy::Any));
        assert!(!allowed(&url("http://127.0.0.1:9/"), TargetPolicy::Public));
        assert!(!allowed(&url("http://[::1]:9/"), TargetPolicy::Public));
        assert!(!allowed(&url("http://LOCALHOST:9/"), TargetPolicy::Public));
        assert!(allowed(&url("https://8.8.8.8/"), TargetPolicy::Public));
        assert!(allowed(
            &url("https://receiver.example/"),
            TargetPolicy::Public
        ));
    }
}
