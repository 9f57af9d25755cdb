//! Who is on the other end of a request, for the limits that key on it (failed
//! authentications, see [`crate::rate_limit::AuthFailures`]).
//!
//! It is the TCP peer, unless the peer is one of the configured trusted proxies
//! (`server.trusted_proxies`): then it is the right-most address of `X-Forwarded-For` that is
//! not itself a trusted proxy. Each proxy appends the address it received the request from, so
//! entries right of that one were written by proxies Flux trusts, while anything to its left
//! was written by the client and may be forged. With no trusted proxies (the default),
//! `X-Forwarded-For` is ignored: any client could otherwise pick a fresh address per request.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The proxies whose `X-Forwarded-For` Flux believes.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses networks such as `10.0.0.0/8` or `::1/128`; a bare address is that one host.
    pub fn parse(list: &[String]) -> Result<Self, String> {
        let parse_one = |s: &String| {
            let s = s.trim();
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an IP address or network such as 10.0.0.0/8"))
        };
        list.iter()
            .map(parse_one)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// The client behind a connection from `peer` that sent these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        let mut nearest = peer;
        if self.trusts(peer) {
            for hop in forwarded_for(headers).iter().rev() {
                // An entry that is not an address cannot be vouched for: keep the last one
                // that could (the proxy that passed it on).
                let Some(ip) = parse_hop(hop) else { break };
                nearest = ip;
                if !self.trusts(ip) {
                    break;
                }
            }
        }
        ClientAddr::new(nearest)
    }

    /// The client of a request; the `flux` binary serves with the TCP peer's address
    /// (`ConnectInfo`). Without it (a router embedded elsewhere) every request shares one
    /// unknown address: its limits then apply to all callers together, never to nobody.
    pub fn client_of(&self, req: &Request) -> ClientAddr {
        match req.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) => self.client(peer.ip(), req.headers()),
            None => ClientAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        }
    }
}

/// Every `X-Forwarded-For` entry, left to right across repeated headers.
fn forwarded_for(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(str::trim)
        .collect()
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .or_else(|_| hop.trim_start_matches('[').trim_end_matches(']').parse())
        .ok()
}

/// A client's address as the key of per-address limits: IPv4 (also written as IPv4-mapped
/// IPv6) as is; IPv6 by its /64, since one host is routinely given a whole /64 and could
/// otherwise use a new address for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    pub fn new(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                ClientAddr(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
            v4 => ClientAddr(v4),
        }
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
            v4 => write!(f, "{v4}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn addr(s: &str) -> ClientAddr {
        ClientAddr::new(ip(s))
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &xff(&["1.1.1.1"])),
            addr("203.0.113.9")
        );
        // A peer that is not trusted cannot choose its address either.
        let lb = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            lb.client(ip("203.0.113.9"), &xff(&["1.1.1.1"])),
            addr("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client() {
        let lb = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        let peer = ip("10.0.0.2");
        assert_eq!(
            lb.client(peer, &xff(&["198.51.100.7"])),
            addr("198.51.100.7")
        );
        // The client forged "1.1.1.1"; the proxies appended the real address and themselves.
        let forged = xff(&["1.1.1.1, 198.51.100.7, 10.0.0.5", "10.0.0.3"]);
        assert_eq!(lb.client(peer, &forged), addr("198.51.100.7"));
        // No header: the proxy itself.
        assert_eq!(lb.client(peer, &HeaderMap::new()), addr("10.0.0.2"));
        // Only proxies: the farthest one.
        assert_eq!(
            lb.client(peer, &xff(&["10.0.0.9, 10.0.0.5"])),
            addr("10.0.0.9")
        );
        // Ports and brackets as some proxies write them.
        assert_eq!(
            lb.client(peer, &xff(&["198.51.100.7:4431"])),
            addr("198.51.100.7")
        );
        assert_eq!(
            lb.client(peer, &xff(&["[2001:db8::1]:443"])),
            addr("2001:db8::1")
        );
        assert_eq!(
            lb.client(peer, &xff(&["[2001:db8::1]"])),
            addr("2001:db8::1")
        );
        // IPv4-mapped peers (a dual-stack listener) are recognised.
        assert_eq!(
            lb.client(ip("::ffff:10.0.0.2"), &xff(&["198.51.100.7"])),
            addr("198.51.100.7")
        );
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_trusted_hop() {
        let lb = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.2");
        assert_eq!(
            lb.client(peer, &xff(&["1.1.1.1, unknown, 10.0.0.5"])),
            addr("10.0.0.5")
        );
        assert_eq!(lb.client(peer, &xff(&[""])), addr("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_slash_64() {
        assert_eq!(addr("2001:db8:1:2::1"), addr("2001:db8:1:2:ffff::9"));
        assert_ne!(addr("2001:db8:1:2::1"), addr("2001:db8:1:3::1"));
        assert_eq!(addr("::ffff:192.0.2.1"), addr("192.0.2.1"));
        assert_eq!(addr("2001:db8:1:2::1").to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn proxy_lists_are_checked() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["proxy.internal".into()]).is_err());
        assert!(TrustedProxies::parse(&["::1".into(), " 127.0.0.1/32 ".into()]).is_ok());
    }
}
