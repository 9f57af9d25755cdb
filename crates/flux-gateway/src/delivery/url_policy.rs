//! Where Flux may send webhooks (SSRF protection). A partner-supplied URL must not turn Flux
//! into a proxy into its own network: outside sandbox, loopback, private, link-local (cloud
//! metadata at 169.254.169.254), shared, multicast and unspecified addresses are refused unless
//! the host is allow-listed. The check runs twice: on the URL when a subscription is saved (IP
//! literals and `localhost`), and on every address DNS returns at delivery time ([`Guarded`]
//! resolver), so a name that later resolves to a private address (DNS rebinding) is refused too.
//! Redirects are never followed.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct UrlPolicy {
    /// Sandbox: every address is allowed (partners test against their laptop).
    pub allow_private: bool,
    /// Hosts (names or IP literals) allowed even when they are or resolve to private addresses.
    pub allowed_hosts: Vec<String>,
}

/// Addresses that are not the public internet.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
        }
    }
}

impl UrlPolicy {
    fn host_allowed(&self, host: &str) -> bool {
        self.allow_private
            || self
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Checks a partner URL: absolute http(s), a host, and not an internal address unless
    /// allowed. Returns the reason when refused.
    pub fn check(&self, url: &str) -> Result<(), String> {
        // What the document promises (`format: uri`, RFC 3986): the URL as it will be sent, not
        // one the parser would rewrite (an international name is written in punycode, xn--…).
        if let Some(c) = url.chars().find(|c| !is_uri_char(*c)) {
            return Err(format!(
                "must be an RFC 3986 URI: {c:?} is not allowed (percent-encode it, or write an international domain name as xn--…)"
            ));
        }
        let parsed = reqwest::Url::parse(url).map_err(|_| "must be an absolute URL".to_string())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("must use http or https".into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("must not carry credentials; use the token instead".into());
        }
        let name = parsed
            .host_str()
            .ok_or_else(|| "must name a host".to_string())?
            .trim_matches(['[', ']']);
        if self.host_allowed(name) {
            return Ok(());
        }
        let internal = match name.parse::<IpAddr>() {
            Ok(ip) => is_internal(ip),
            Err(_) => {
                let d = name.trim_end_matches('.').to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost") || d.ends_with(".internal")
            }
        };
        if internal {
            return Err(
                "points at a loopback or private address, which is refused outside sandbox unless allow-listed"
                    .into(),
            );
        }
        Ok(())
    }

    /// A DNS resolver that drops internal addresses (unless the name is allow-listed).
    pub fn resolver(&self) -> Arc<Guarded> {
        Arc::new(Guarded(self.clone()))
    }
}

/// The characters RFC 3986 allows in a URI: unreserved, reserved, and `%` of an escape.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// reqwest resolver enforcing a [`UrlPolicy`] on resolved addresses.
pub struct Guarded(UrlPolicy);

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if policy.host_allowed(&host) {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> =
                addrs.into_iter().filter(|a| !is_internal(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves only to internal addresses").into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_internal_addresses_outside_sandbox() {
        let live = UrlPolicy::default();
        for bad in [
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "not a url",
        ] {
            assert!(live.check(bad).is_err(), "{bad} should be refused");
        }
        for good in [
            "https://tu-dominio.com/webhook",
            "http://93.184.216.34/hook",
        ] {
            assert_eq!(live.check(good), Ok(()), "{good}");
        }
    }

    /// The document says `format: uri`: what the URL parser would rewrite is refused.
    #[test]
    fn only_rfc_3986_uris() {
        let live = UrlPolicy::default();
        for bad in [
            "https://kê©/",
            "https://example.com/a b",
            "https://example.com/<x>",
            "https://example.com/\\x",
            "https://example.com/{id}",
        ] {
            let why = live.check(bad).unwrap_err();
            assert!(why.contains("RFC 3986"), "{bad}: {why}");
        }
        for good in [
            "https://xn--k-0ga.example/hook?a=1&b=%20#frag",
            "https://example.com/~user/hook;v=1",
        ] {
            assert_eq!(live.check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn sandbox_and_allow_list_permit_internal_hosts() {
        let sandbox = UrlPolicy {
            allow_private: true,
            ..Default::default()
        };
        assert_eq!(sandbox.check("http://127.0.0.1:9000/hook"), Ok(()));
        let listed = UrlPolicy {
            allow_private: false,
            allowed_hosts: vec!["10.0.0.5".into(), "hooks.corp".into()],
        };
        assert_eq!(listed.check("http://10.0.0.5/x"), Ok(()));
        assert!(listed.check("http://10.0.0.6/x").is_err());
    }
}
