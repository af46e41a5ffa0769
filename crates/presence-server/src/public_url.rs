//! The addresses this server answers as, and who may say otherwise.
//!
//! Issuers, endpoints in the discovery document, the device flow's `verification_uri` and
//! `@odata.context` all name the server. They are taken from the request (a container reached
//! through a mapped port must name the port its client used), but only when the request was
//! addressed to one of the server's own names: otherwise `Host: evil.example` would make the
//! server issue, and then accept, tokens from `evil.example`.
//!
//! Own addresses: every `--public-url`; `localhost`, the loopback addresses and the listen
//! address on any port; every `--tls-name` on any port. A request addressed (by `Host`) to
//! one of them is answered as that address (a public URL as itself, scheme included); any
//! other is answered as the canonical one: the first public URL, else the listen address.
//! `Forwarded` and `X-Forwarded-*` are read only from `--trusted-proxy` peers, and what they
//! name is checked the same way; from anyone else they are ignored.
//!
//! Invariant: nothing a client sends makes the server name an address outside that list.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header;
use ipnet::IpNet;

/// A `--public-url`: `scheme://host[:port]`, kept as written (lowercased) and by its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PublicUrl {
    origin: String,
    host: String,
    port: u16,
}

/// The server's own addresses and its trusted proxies (see the module docs).
#[derive(Debug, Clone)]
pub struct PublicAddresses {
    urls: Vec<PublicUrl>,
    tls_names: Vec<String>,
    /// The IP address given to `--listen` (the port is the accepting socket's).
    listen: IpAddr,
    secure: bool,
    trusted_proxies: Vec<IpNet>,
}

impl Default for PublicAddresses {
    /// Plain HTTP on loopback, nothing else: what a bare test request sees.
    fn default() -> Self {
        Self {
            urls: Vec::new(),
            tls_names: Vec::new(),
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            secure: false,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `--public-url`: an absolute `http` or `https` URL with a host and no path, query or
/// fragment (a trailing `/` is allowed).
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the scheme must be http or https".into());
    }
    let Some(host) = url.host_str() else {
        return Err("a host is needed".into());
    };
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err("the server answers at the root: give scheme://host[:port] only".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("no user or password, please".into());
    }
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// `--trusted-proxy`: an address (`10.0.0.5`) or a network (`10.0.0.0/8`).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a network"))
}

impl PublicAddresses {
    /// `public_urls` as [`parse_public_url`] gives them; `listen` the `--listen` address.
    pub fn new(
        public_urls: &[String],
        tls_names: &[String],
        listen: IpAddr,
        secure: bool,
        trusted_proxies: Vec<IpNet>,
    ) -> Self {
        let urls = public_urls
            .iter()
            .filter_map(|origin| {
                let url = url::Url::parse(origin).ok()?;
                Some(PublicUrl {
                    origin: origin.to_ascii_lowercase(),
                    host: url.host_str()?.to_ascii_lowercase(),
                    port: url.port_or_known_default()?,
                })
            })
            .collect();
        Self {
            urls,
            tls_names: tls_names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            listen,
            secure,
            trusted_proxies,
        }
    }

    /// The addresses of the request's app, or the defaults when none were registered.
    pub fn of(req: &HttpRequest) -> std::borrow::Cow<'_, Self> {
        match req.app_data::<actix_web::web::Data<Self>>() {
            Some(addresses) => std::borrow::Cow::Borrowed(addresses.get_ref()),
            None => std::borrow::Cow::Owned(Self::default()),
        }
    }

    /// `scheme://host[:port]` the request is answered as.
    pub fn origin(&self, req: &HttpRequest) -> String {
        let (scheme, authority) = self.addressed_to(req);
        self.own(&scheme, &authority)
            .unwrap_or_else(|| self.canonical(req.app_config().local_addr()))
    }

    /// Whether `issuer` (a token's `iss`) names this server: `scheme://host[:port]/…` with
    /// one of its own addresses.
    pub fn is_own_issuer(&self, issuer: &str) -> bool {
        let Some((scheme, rest)) = issuer.split_once("://") else {
            return false;
        };
        let authority = rest.split('/').next().unwrap_or_default();
        !authority.is_empty() && self.own(scheme, authority).is_some()
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
    /// address before it that the proxies recorded (`X-Forwarded-For`, `Forwarded: for=`).
    pub fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = forwarded_for(req);
        // From the nearest hop outwards: the first address that is not a trusted proxy.
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|address| !self.trusts(*address))
                .unwrap_or(peer),
        )
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical_ip(address);
        self.trusted_proxies
            .iter()
            .any(|net| net.contains(&address))
    }

    fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// The scheme and authority the request was addressed to: `Host` (or the request line's
    /// authority) and the server's own scheme; a trusted proxy's `Forwarded` or
    /// `X-Forwarded-Proto`/`-Host` instead, when the peer is one.
    fn addressed_to(&self, req: &HttpRequest) -> (String, String) {
        let headers = req.headers();
        let proxied = headers.contains_key(header::FORWARDED)
            || headers.contains_key(header::X_FORWARDED_PROTO)
            || headers.contains_key(header::X_FORWARDED_HOST);
        if proxied && req.peer_addr().is_some_and(|peer| self.trusts(peer.ip())) {
            let info = req.connection_info();
            return (info.scheme().to_owned(), info.host().to_owned());
        }
        let authority = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .or_else(|| req.uri().authority().map(|authority| authority.as_str()))
            .unwrap_or_default();
        (self.scheme().to_owned(), authority.to_owned())
    }

    /// `scheme://authority` when `authority` is one of the server's own addresses (a public
    /// URL's own origin when it is one of those).
    fn own(&self, scheme: &str, authority: &str) -> Option<String> {
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (host, port) = split_authority(authority)?;
        let host = host.to_ascii_lowercase();
        let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
        if let Some(url) = self
            .urls
            .iter()
            .find(|url| url.host == host && url.port == port)
        {
            return Some(url.origin.clone());
        }
        let own_host = host == "localhost"
            || self.tls_names.contains(&host)
            || bare_ip(&host).is_some_and(|ip| {
                let ip = canonical_ip(ip);
                ip.is_loopback()
                    || (!self.listen.is_unspecified() && ip == canonical_ip(self.listen))
            });
        own_host.then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
    }

    /// The first public URL, else the address the request was accepted on (`localhost` when
    /// the server listens on every address: a wildcard address names no host).
    fn canonical(&self, accepted_on: SocketAddr) -> String {
        if let Some(url) = self.urls.first() {
            return url.origin.clone();
        }
        let port = accepted_on.port();
        match accepted_on.ip() {
            ip if ip.is_unspecified() => format!("{}://localhost:{port}", self.scheme()),
            IpAddr::V4(ip) => format!("{}://{ip}:{port}", self.scheme()),
            IpAddr::V6(ip) => format!("{}://[{ip}]:{port}", self.scheme()),
        }
    }
}

/// `host` and the port of `host[:port]` or `[v6][:port]`; `None` when malformed.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.contains(['@', '/', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            after => Some(after.strip_prefix(':')?),
        };
        (v6, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(port) => Some(port.parse().ok()?),
        None => None,
    };
    (!host.is_empty()).then_some((host, port))
}

fn bare_ip(host: &str) -> Option<IpAddr> {
    host.parse().ok()
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they are.
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The addresses the proxies recorded, the client's first: `X-Forwarded-For`, else
/// `Forwarded`'s `for=` values. Unparseable entries (`unknown`, obfuscated names) end the
/// list there, so nothing before them is believed.
fn forwarded_for(req: &HttpRequest) -> Vec<IpAddr> {
    let headers = req.headers();
    let entries: Vec<String> = if let Some(xff) = headers.get("x-forwarded-for") {
        xff.to_str()
            .unwrap_or_default()
            .split(',')
            .map(|entry| entry.trim().to_owned())
            .collect()
    } else {
        headers
            .get_all(header::FORWARDED)
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for")
                        .then(|| value.trim_matches('"').to_owned())
                })
            })
            .collect()
    };
    let parsed: Vec<Option<IpAddr>> = entries.iter().map(|entry| parse_for(entry)).collect();
    // Only the unbroken run of addresses nearest the server is believed.
    let nearest: Vec<IpAddr> = parsed.iter().rev().map_while(|address| *address).collect();
    nearest.into_iter().rev().collect()
}

/// `203.0.113.1`, `203.0.113.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_for(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = entry.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|v6| v6.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn addresses(urls: &[&str], proxies: &[&str]) -> PublicAddresses {
        let urls: Vec<String> = urls
            .iter()
            .map(|u| parse_public_url(u).expect("a public URL"))
            .collect();
        PublicAddresses::new(
            &urls,
            &["presence.test".to_owned()],
            "0.0.0.0".parse().expect("an address"),
            false,
            proxies
                .iter()
                .map(|p| parse_trusted_proxy(p).expect("a proxy"))
                .collect(),
        )
    }

    fn from(peer: &str) -> TestRequest {
        TestRequest::default().peer_addr(peer.parse().expect("a socket address"))
    }

    #[test]
    fn own_names_are_answered_as_addressed_and_others_as_the_canonical_one() {
        let own = addresses(&["https://presence.example.com"], &[]);
        for (host, wanted) in [
            ("localhost:49152", "http://localhost:49152"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("[::1]:9", "http://[::1]:9"),
            ("PRESENCE.test:1234", "http://presence.test:1234"),
            ("presence.example.com:443", "https://presence.example.com"),
            ("evil.example", "https://presence.example.com"),
            (
                "presence.example.com.evil.example",
                "https://presence.example.com",
            ),
            ("127.0.0.1@evil.example", "https://presence.example.com"),
            ("", "https://presence.example.com"),
        ] {
            let req = from("192.0.2.1:5000")
                .insert_header((header::HOST, host))
                .to_http_request();
            assert_eq!(own.origin(&req), wanted, "Host: {host}");
        }
        let bare = addresses(&[], &[]);
        let req = from("192.0.2.1:5000")
            .insert_header((header::HOST, "evil.example"))
            .to_http_request();
        // The accepting socket's address (a bare test request's: 127.0.0.1:8080).
        assert_eq!(bare.origin(&req), "http://127.0.0.1:8080");
    }

    #[test]
    fn proxy_headers_count_only_from_trusted_proxies() {
        let own = addresses(&["https://presence.example.com"], &["10.0.0.0/8"]);
        let proxied = |peer: &str, host: &str| {
            from(peer)
                .insert_header((header::HOST, "127.0.0.1:8080"))
                .insert_header(("X-Forwarded-Proto", "https"))
                .insert_header(("X-Forwarded-Host", host))
                .to_http_request()
        };
        // An untrusted peer's headers are ignored: the Host it sent decides.
        assert_eq!(
            own.origin(&proxied("192.0.2.1:1", "evil.example")),
            "http://127.0.0.1:8080"
        );
        // A trusted proxy's are used, and checked like Host.
        assert_eq!(
            own.origin(&proxied("10.1.2.3:1", "presence.example.com")),
            "https://presence.example.com"
        );
        assert_eq!(
            own.origin(&proxied("10.1.2.3:1", "evil.example")),
            "https://presence.example.com"
        );
    }

    #[test]
    fn the_client_address_comes_from_trusted_proxies_only() {
        let own = addresses(&[], &["10.0.0.0/8"]);
        let with = |peer: &str, xff: &str| {
            from(peer)
                .insert_header(("X-Forwarded-For", xff))
                .to_http_request()
        };
        assert_eq!(
            own.client_address(&with("192.0.2.1:1", "203.0.113.9")),
            Some("192.0.2.1".parse().expect("an ip"))
        );
        assert_eq!(
            own.client_address(&with("10.0.0.1:1", "203.0.113.9, 198.51.100.7, 10.0.0.2")),
            Some("198.51.100.7".parse().expect("an ip"))
        );
        assert_eq!(
            own.client_address(&with("10.0.0.1:1", "unknown, 10.0.0.2")),
            Some("10.0.0.1".parse().expect("an ip")),
            "nothing past an entry that is not an address"
        );
        let forwarded = from("10.0.0.1:1")
            .insert_header((header::FORWARDED, "for=\"[2001:db8::1]:4711\";proto=https"))
            .to_http_request();
        assert_eq!(
            own.client_address(&forwarded),
            Some("2001:db8::1".parse().expect("an ip"))
        );
    }

    #[test]
    fn issuers_must_name_an_own_address() {
        let own = addresses(&["https://presence.example.com"], &[]);
        for issuer in [
            "http://127.0.0.1:49152/tenant/v2.0",
            "http://localhost:8080/tenant/v2.0",
            "https://presence.example.com/tenant/v2.0",
            "https://presence.example.com:443/tenant/v2.0",
        ] {
            assert!(own.is_own_issuer(issuer), "{issuer}");
        }
        for issuer in [
            "http://evil.example/tenant/v2.0",
            "https://presence.example.com:8443/tenant/v2.0",
            "https://sts.windows.net/tenant/",
            "presence.example.com",
            "ftp://localhost/",
        ] {
            assert!(!own.is_own_issuer(issuer), "{issuer}");
        }
    }

    #[test]
    fn public_urls_are_origins() {
        assert_eq!(
            parse_public_url("https://Presence.example.com/").as_deref(),
            Ok("https://presence.example.com")
        );
        assert_eq!(
            parse_public_url("http://presence:8080").as_deref(),
            Ok("http://presence:8080")
        );
        for bad in [
            "presence:8080",
            "ftp://x",
            "https://x/prefix",
            "https://u:p@x",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }
}
