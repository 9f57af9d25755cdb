//! Rate limits shared by several instances through Redis: two Flux processes (the real binary)
//! on one PostgreSQL and one Redis give a key its burst once, not once each, with the same
//! `RateLimit` headers and `Retry-After` as one instance; an instance whose Redis does not
//! answer keeps serving with its own limits and says so in `/readyz` and `/metrics`; when a
//! Redis that died comes back, the instances share one limit again.
#![allow(clippy::unwrap_used)]

mod common;

use common::with_postgres;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REDIS: &str = "redis://127.0.0.1:6379";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `flux serve` on a free port with these limits and Redis; waits until `/readyz` says the
/// rate limits are `mode`.
async fn start(dir: &Path, url: &str, redis: &str, mode: &str) -> (Server, String) {
    start_with(dir, url, redis, mode, 6, Stdio::null()).await
}

/// [`start`] with this burst (and 1 request a second), its log going to `stderr`.
async fn start_with(
    dir: &Path,
    url: &str,
    redis: &str,
    mode: &str,
    burst: u32,
    stderr: Stdio,
) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--addr", &addr, "--data-dir"])
        .arg(dir)
        .env("FLUX_DATABASE_URL", url)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_REDIS_URL", redis)
        .env("FLUX_RATE_LIMIT_PER_SECOND", "1")
        .env("FLUX_RATE_LIMIT_BURST", burst.to_string())
        .env("FLUX_LOG", "warn,flux_gateway::shared_limits=info")
        .env_remove("FLUX_FINCORE_URL")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://{addr}");
    let mut last = String::new();
    // Up to a minute: a loaded machine may be slow to start a debug binary.
    for _ in 0..1200 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            last = r.text().await.unwrap_or_default();
            if last.contains(&format!("\"rate_limits\":\"{mode}\"")) {
                return (server, base);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("flux serve on {addr} never became ready with {mode} limits: {last}");
}

/// Two instances on the machine's Redis give a new key its burst of 6 once between them. A
/// run during which an instance fell back to its own limits (Redis later than 100 ms on a
/// loaded machine) proves nothing either way and is run again with another new key (see
/// [`one_shared_limit`]); a run without a fallback that allowed more fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_limit_per_key() {
    with_postgres(|url| async move {
        const BURST: u32 = 6;
        let dir = tempfile::tempdir().unwrap();
        let logs = tempfile::tempdir().unwrap();
        let (d, l) = (dir.path(), logs.path());
        let a = Instance::start(d, l, "a", &url, REDIS, BURST).await;
        let b = Instance::start(d, l, "b", &url, REDIS, BURST).await;
        let demo = std::fs::read_to_string(d.join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let partner = admin(d, &url, &["partner", "create", "--name", "Limits"]);
        let http = reqwest::Client::new();
        one_shared_limit(&http, (&a, &b), || new_key(d, &url, &partner), BURST, &demo).await;
    })
    .await;
}

/// `/readyz` tells whether Redis answers by itself, with no rate-limited request to notice:
/// it PINGs Redis, stays ready (failing open) and says `redis: unreachable, per-instance
/// limits` while Redis is down, and `reachable` again once it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_tells_redis_down_and_back_by_itself() {
    with_postgres(|url| async move {
        let mut redis = OwnRedis::start();
        let dir = tempfile::tempdir().unwrap();
        let (_server, base) = start(dir.path(), &url, &redis.url(), "shared").await;
        let http = reqwest::Client::new();
        let readyz = || async {
            let r = http.get(format!("{base}/readyz")).send().await.unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "ready", "{body}");
            body
        };
        assert_eq!(readyz().await["redis"], "reachable");
        let until = |redis_says: &'static str, limits: &'static str, within: Duration| {
            let readyz = &readyz;
            async move {
                let started = Instant::now();
                loop {
                    let body = readyz().await;
                    if body["redis"] == redis_says && body["rate_limits"] == limits {
                        return started.elapsed();
                    }
                    assert!(started.elapsed() < within, "after {within:?}: {body}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        redis.down();
        let seen = until(
            "unreachable, per-instance limits",
            "local",
            Duration::from_secs(5),
        )
        .await;
        eprintln!("Redis down: /readyz said so after {seen:?}");
        redis.up();
        let back = until("reachable", "shared", LONG).await;
        eprintln!("Redis back: /readyz said so after {back:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_leaves_limits_per_instance() {
    with_postgres(|url| async move {
        let dir = tempfile::tempdir().unwrap();
        // Nothing listens on port 1: Flux serves, limiting on its own, and says so.
        let (_a, base) = start(dir.path(), &url, "redis://127.0.0.1:1", "local").await;
        let key = std::fs::read_to_string(dir.path().join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let r = http
                .get(format!("{base}/api/partners/banks"))
                .header("X-API-Key", &key)
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        // Its own burst of 6 (a slow machine may see one refill), then 429.
        let allowed = statuses.iter().filter(|s| **s == 200).count();
        assert!((6..=7).contains(&allowed), "{statuses:?}");
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    })
    .await;
}

/// A `redis-server` of this test's own, in a temporary directory, on a port of its own and
/// never saving: stopping it stops nothing any other test uses (never the machine's Redis).
/// Killed on drop.
struct OwnRedis {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl OwnRedis {
    /// Starts it on a free port below Linux's ephemeral range (32768 and up), so that no
    /// outgoing connection is given that port while Redis is down and it can listen there
    /// again.
    fn start() -> Self {
        let seed = u64::from(std::process::id())
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos() as u64;
        let port = (0..5000u64)
            .map(|i| 20_000 + ((seed + i * 7919) % 12_000) as u16)
            .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .expect("a free port between 20000 and 32000");
        let mut redis = OwnRedis {
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        redis.up();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default()
    }

    /// Starts it (again, on the same port, empty) and waits until it answers PING.
    fn up(&mut self) {
        assert!(self.child.is_none());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.path().join("redis.log"))
                .unwrap();
            let port = self.port.to_string();
            let args = ["--port", &port, "--bind", "127.0.0.1", "--save", ""];
            let child = Command::new("redis-server")
                .args(args)
                .args(["--appendonly", "no", "--daemonize", "no", "--dir"])
                .arg(self.dir.path())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("redis-server (Debian package redis-server) on the PATH");
            let mut child = Some(child);
            while let Some(c) = child.as_mut() {
                if pong(self.port) {
                    self.child = child;
                    return;
                }
                if c.try_wait().unwrap().is_some() {
                    // It could not listen (yet): try again below.
                    child = None;
                }
                if Instant::now() > deadline {
                    if let Some(mut c) = child.take() {
                        let _ = c.kill();
                        let _ = c.wait();
                    }
                    panic!(
                        "redis-server on {} never answered: {}",
                        self.port,
                        self.log()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(
                Instant::now() < deadline,
                "redis-server could not listen on {} again: {}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Kills it (SIGKILL: a crash, not a shutdown) and waits until it is gone.
    fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.down();
    }
}

/// Whether a Redis on this port answers PING.
fn pong(port: u16) -> bool {
    use std::io::{Read, Write};
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut answer = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok()
        && s.read_exact(&mut answer).is_ok()
        && answer.starts_with(b"+PONG")
}

/// One `flux serve` whose log is kept, to see when it stopped trusting Redis.
struct Instance {
    _server: Server,
    base: String,
    log: PathBuf,
}

impl Instance {
    async fn start(
        dir: &Path,
        logs: &Path,
        name: &str,
        url: &str,
        redis: &str,
        burst: u32,
    ) -> Self {
        let log = logs.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let (server, base) = start_with(dir, url, redis, "shared", burst, file.into()).await;
        Instance {
            _server: server,
            base,
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many times it has logged that Redis stopped answering.
    fn fallbacks(&self) -> usize {
        self.log().matches("redis unreachable").count()
    }

    /// What `/readyz` says of the rate limits, and the `flux_rate_limits_shared` gauge.
    async fn mode(&self, http: &reqwest::Client) -> (String, Option<f64>) {
        let ready: serde_json::Value = match http.get(format!("{}/readyz", self.base)).send().await
        {
            Ok(r) => r.json().await.unwrap_or_default(),
            Err(_) => serde_json::Value::Null,
        };
        let metrics = http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let gauge = metrics
            .lines()
            .find_map(|l| l.strip_prefix("flux_rate_limits_shared "))
            .and_then(|v| v.trim().parse().ok());
        let mode = ready["rate_limits"].as_str().unwrap_or("?").to_string();
        (mode, gauge)
    }
}

/// One rate-limited request for `key`: 200 or 429, with the rate-limit headers, whatever
/// Redis is doing (anything else fails the test).
async fn limited(http: &reqwest::Client, base: &str, key: &str) -> u16 {
    let r = http
        .get(format!("{base}/api/partners/banks"))
        .header("X-API-Key", key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert!(
        r.headers().contains_key("ratelimit-policy"),
        "{:?}",
        r.headers()
    );
    match status {
        200 => {}
        429 => {
            let wait: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(wait >= 1, "Retry-After {wait}");
        }
        other => panic!(
            "{other} from {base}: {}",
            r.text().await.unwrap_or_default()
        ),
    }
    status
}

/// Sends `key`'s requests to each instance (a limiter learns how Redis is doing from the
/// requests it limits) until every one says the limits are `mode` in `/readyz` and `gauge` in
/// `flux_rate_limits_shared`; fails after `within`. Returns how long it took.
async fn until_mode(
    http: &reqwest::Client,
    instances: &[&Instance],
    key: &str,
    mode: &str,
    gauge: f64,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        let mut states = Vec::new();
        for i in instances {
            limited(http, &i.base, key).await;
            states.push(i.mode(http).await);
        }
        if states.iter().all(|(m, g)| m == mode && *g == Some(gauge)) {
            return started.elapsed();
        }
        if started.elapsed() > within {
            let logs: Vec<String> = instances.iter().map(|i| i.log()).collect();
            panic!("after {within:?} the instances say {states:?}, not {mode}: {logs:#?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A new API key, made by `flux key create` as an operator would: a key no limiter has seen.
fn new_key(dir: &Path, url: &str, partner: &str) -> String {
    admin(dir, url, &["key", "create", "--partner", partner])
}

fn admin(dir: &Path, url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("FLUX_DATABASE_URL", url)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_LOG", "warn")
        .env_remove("FLUX_FINCORE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "flux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Both instances give a key no limiter has seen its burst once between them, not once each:
/// 2 × burst requests alternating between them are allowed `burst` times, plus at most one
/// refill per second they took (once per instance would be 2 × burst). A run during which
/// either instance fell back to its own limits (a Redis answer later than 100 ms, which a
/// loaded machine can cause) shows nothing either way: it is run again with another new key,
/// once both share again.
async fn one_shared_limit(
    http: &reqwest::Client,
    (a, b): (&Instance, &Instance),
    mut new_key: impl FnMut() -> String,
    burst: u32,
    demo_key: &str,
) {
    for _ in 0..3 {
        let key = new_key();
        let before = a.fallbacks() + b.fallbacks();
        let started = Instant::now();
        let mut allowed = 0;
        for i in 0..2 * burst {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            if limited(http, base, &key).await == 200 {
                allowed += 1;
            }
        }
        let refills = started.elapsed().as_secs() as u32 + 1;
        if a.fallbacks() + b.fallbacks() == before {
            assert!(
                allowed >= burst && allowed <= burst + refills,
                "allowed {allowed} of {} with a shared burst of {burst} in {:?}",
                2 * burst,
                started.elapsed()
            );
            return;
        }
        eprintln!("an instance stopped trusting Redis during the run: again, with a new key");
        until_mode(http, &[a, b], demo_key, "shared", 1.0, LONG).await;
    }
    panic!("Redis was late during three runs: {}\n{}", a.log(), b.log());
}

/// How long a change of Redis's health may take to be seen, generously: a limiter asks an
/// unreachable Redis again once a second.
const LONG: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_and_back() {
    with_postgres(|url| async move {
        const BURST: u32 = 20;
        let mut redis = OwnRedis::start();
        let dir = tempfile::tempdir().unwrap();
        let logs = tempfile::tempdir().unwrap();
        let (d, l, r) = (dir.path(), logs.path(), redis.url());
        let a = Instance::start(d, l, "a", &url, &r, BURST).await;
        let b = Instance::start(d, l, "b", &url, &r, BURST).await;
        let demo = std::fs::read_to_string(d.join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let partner = admin(d, &url, &["partner", "create", "--name", "Limits"]);
        let fresh = || new_key(d, &url, &partner);
        let http = reqwest::Client::new();

        // Redis up: one limit for both.
        one_shared_limit(&http, (&a, &b), fresh, BURST, &demo).await;

        // Redis dies: both keep serving, say so, and limit on their own.
        redis.down();
        let seen = until_mode(&http, &[&a, &b], &demo, "local", 0.0, LONG).await;
        eprintln!("Redis down: seen as such after {seen:?}");
        let key = fresh();
        for i in [&a, &b] {
            // A key none of them has limited yet: each instance gives it its whole burst, the
            // second after the first refused it (a shared limit would refuse at once), then
            // refuses it too.
            let mut allowed = 0;
            let refused = loop {
                if limited(&http, &i.base, &key).await == 429 {
                    break true;
                }
                allowed += 1;
                if allowed > 10 * BURST {
                    break false;
                }
            };
            assert!(refused, "{} never refused: no limit at all", i.base);
            assert!(allowed >= BURST, "{} allowed {allowed} < {BURST}", i.base);
        }
        for i in [&a, &b] {
            assert_eq!(i.mode(&http).await, ("local".to_string(), Some(0.0)));
        }

        // Redis returns (empty, on the same port): both share one limit again.
        redis.up();
        let back = until_mode(&http, &[&a, &b], &demo, "shared", 1.0, LONG).await;
        eprintln!("Redis back: shared again after {back:?}");
        one_shared_limit(&http, (&a, &b), fresh, BURST, &demo).await;
    })
    .await;
}
