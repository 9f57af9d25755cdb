//! kill -9 in the middle of a burst of money-outs, then restart: the real `flux` binary in live
//! mode against `flux sandbox fincore` (a separate process, so the provider's state outlives
//! Flux). Fincore is made to move the money and then sit on half of its answers for longer than
//! Flux waits, so Flux retries with the same key while the transfers' STATUS_UPDATEs arrive
//! (and are held), and answers some partners 504; it is killed while answers are outstanding
//! and started again on the same data and address. Nobody retries the partner requests: the
//! resolver alone must replay what was left unknown. Afterwards every money-out is final,
//! Fincore moved each exactly once (its balance and its count of executed transfers agree with
//! Flux's COMPLETED ones), and `flux reconcile`, `flux ledger verify`, `flux audit verify` and
//! `flux review list` find nothing wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, free_port, with_postgres, DEMO_CLIENT};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEMO_SECRET: &str = "sandbox-demo-secret";
const FINCORE_KEY: &str = "fincore-sandbox-api-key";
const OPENING: &str = "1000000.00";
/// Money-outs fired at once.
const BURST: usize = 20;
/// How long the whole resolution may take after the restart.
const SETTLE: Duration = Duration::from_secs(30);

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap_or_else(|e| panic!("not a decimal: {v}: {e}"))
}

/// A child process with its output in a log file; killed (SIGKILL) and reaped when dropped.
struct Proc {
    name: String,
    child: Option<Child>,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &str, mut cmd: Command, logs: &Path) -> Proc {
        let log = logs.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {name}: {e}"));
        Proc {
            name: name.into(),
            child: Some(child),
            log,
        }
    }

    /// kill -9 (std's Child::kill sends SIGKILL), and reap it.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Panics (with its log) if the process has exited.
    fn check_alive(&mut self) {
        if let Some(c) = &mut self.child {
            if let Ok(Some(status)) = c.try_wait() {
                panic!(
                    "{} exited early ({status}):\n{}",
                    self.name,
                    tail(&self.log, 60)
                );
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!(
                "----- last lines of {} ({}) -----\n{}",
                self.name,
                self.log.display(),
                tail(&self.log, 80)
            );
        }
    }
}

/// The last lines of a log, without the access-log lines of this test's polling.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text
        .lines()
        .filter(|l| !(l.contains(r#""message":"request""#) && l.contains(r#""method":"GET""#)))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One scenario's world: the emulator, Flux's data (directory, and database on PostgreSQL),
/// the fixed address Fincore's webhooks go to.
struct World {
    dir: tempfile::TempDir,
    database_url: Option<String>,
    fincore_url: String,
    flux_port: u16,
    http: reqwest::Client,
}

impl World {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.flux_port)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn logs(&self) -> &Path {
        self.dir.path()
    }

    /// `flux ARGS` with the live-mode environment every command of this scenario shares.
    fn flux(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flux"));
        cmd.args(args)
            .env("FLUX_FINCORE_URL", &self.fincore_url)
            .env("FLUX_FINCORE_API_KEY", FINCORE_KEY)
            .env("FLUX_LEDGER_BACKEND", "embedded")
            .env("FLUX_DATA_DIR", self.data_dir())
            .env("FLUX_RESOLVER_AFTER_S", "1")
            .env("FLUX_RESOLVER_INTERVAL_MS", "200")
            .env("FLUX_FINCORE_TIMEOUT_MS", "1000")
            .env("FLUX_ADDR", format!("127.0.0.1:{}", self.flux_port))
            .env("FLUX_PUBLIC_URL", self.base())
            .env("FLUX_LOG_FORMAT", "json")
            .env_remove("FLUX_CONFIG")
            .env_remove("FLUX_DEMO_API_KEY");
        match &self.database_url {
            Some(url) => cmd.env("FLUX_DATABASE_URL", url),
            None => cmd.env_remove("FLUX_DATABASE_URL"),
        };
        cmd
    }

    /// Runs a flux command to completion: (success, stdout, stdout and stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.flux(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let both = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        (out.status.success(), stdout, both)
    }

    fn run_ok(&self, args: &[&str]) -> String {
        let (ok, stdout, both) = self.run(args);
        assert!(ok, "`flux {}` failed:\n{both}", args.join(" "));
        stdout.trim().to_string()
    }

    /// `flux serve`, once /readyz answers.
    async fn serve(&self, name: &str) -> Proc {
        let mut proc = Proc::spawn(name, self.flux(&["serve"]), self.logs());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            proc.check_alive();
            if let Ok(r) = self
                .http
                .get(format!("{}/readyz", self.base()))
                .send()
                .await
            {
                if r.status() == 200 {
                    return proc;
                }
            }
            assert!(Instant::now() < deadline, "{name} never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn get(&self, key: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base()))
            .header("X-API-Key", key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The demo client's first account, as Flux shows it (Fincore's balance and Flux's books).
    async fn account(&self, key: &str) -> Value {
        let (s, body) = self
            .get(
                key,
                &format!("/api/partners/clients/{DEMO_CLIENT}/accounts"),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        body["data"][0].clone()
    }

    async fn money_outs(&self, key: &str) -> Vec<Value> {
        let (s, body) = self
            .get(
                key,
                &format!(
                    "/api/partners/clients/{DEMO_CLIENT}/transactions?kind=MONEY_OUT&per_page=200"
                ),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        body["data"].as_array().unwrap().clone()
    }

    async fn emulator(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.fincore_url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// Each request the partner had an answer to is in the audit trail, with that status.
    async fn assert_audited(&self, answers: &HashMap<String, u16>) {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir().join("flux.db").display()),
        };
        let store = flux_store::Store::open(&url).await.unwrap();
        let mut audited: HashMap<String, u16> = HashMap::new();
        let mut after = 0;
        loop {
            let page = store.audit_records(after, 1000).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            for r in &page {
                audited.insert(r.record.request_id.clone(), r.record.status);
            }
        }
        for (request_id, status) in answers {
            assert_eq!(
                audited.get(request_id),
                Some(status),
                "{request_id} was answered {status} but its audit record is not in the trail"
            );
        }
        eprintln!("{} answered writes, each in the audit trail", answers.len());
    }

    async fn stats(&self) -> Value {
        self.emulator(reqwest::Method::GET, "/_emulator/stats", None)
            .await
    }
}

fn is_final(status: &str) -> bool {
    matches!(status, "COMPLETED" | "REJECTED" | "FAILED")
}

/// The two scenarios run one after the other: each is timing-sensitive, the machine may be small.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn kill_mid_burst_then_restart(database_url: Option<String>) {
    let _turn = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();

    let fincore_port = free_port();
    let world = World {
        dir,
        database_url,
        fincore_url: format!("http://127.0.0.1:{fincore_port}"),
        flux_port: free_port(),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap(),
    };
    // The provider, in its own process: what it did survives Flux's death. (Every process is
    // declared after `world`, so it is killed, and its log shown, before the logs are deleted.)
    let mut emulator_cmd = Command::new(env!("CARGO_BIN_EXE_flux"));
    emulator_cmd.args([
        "sandbox",
        "fincore",
        "--addr",
        &format!("127.0.0.1:{fincore_port}"),
    ]);
    let mut emulator = Proc::spawn("fincore-emulator", emulator_cmd, world.logs());
    let deadline = Instant::now() + Duration::from_secs(20);
    while world
        .http
        .get(format!("{}/_emulator/stats", world.fincore_url))
        .send()
        .await
        .is_err()
    {
        emulator.check_alive();
        assert!(Instant::now() < deadline, "the emulator never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Live mode, set up as an operator does.
    let partner = world.run_ok(&["partner", "create", "--name", "Kill Restart SA"]);
    world.run_ok(&[
        "partner",
        "add-client",
        "--partner",
        &partner,
        "--client-id",
        DEMO_CLIENT,
        "--client-secret",
        DEMO_SECRET,
    ]);
    let key = world.run_ok(&["key", "create", "--partner", &partner]);
    assert!(key.starts_with("flux_live_"), "{key}");

    let mut flux = world.serve("flux-serve-1").await;
    // The books open from Fincore's balance at start (readyz can answer a moment before).
    let opening = Decimal::from_str(OPENING).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let account = loop {
        let a = world.account(&key).await;
        if a["ledger"].is_object() {
            break a;
        }
        assert!(
            Instant::now() < deadline,
            "the books never opened from Fincore: {a}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(dec(&account["available_balance"]), opening, "{account}");
    assert_eq!(dec(&account["ledger"]["posted"]), opening, "{account}");
    let source = account["instrument_id"].as_str().unwrap().to_string();

    let mut card = fixture("instrument_debit_card");
    card["debit_card"]["card_number"] = "4772130000000003".into();
    let r = world
        .http
        .post(format!(
            "{}/api/partners/clients/{DEMO_CLIENT}/instruments",
            world.base()
        ))
        .header("X-API-Key", &key)
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let destination = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Most of Fincore's answers are lost for longer than Flux waits: the money moves, Flux
    // hears nothing (its own retry with the same key may be lost too). The kill waits for a
    // request whose two attempts were both lost; at a rate of 0.5, about one run in 300 had
    // none among the 20 (seen once in CI), and the kill then came after every answer.
    world
        .emulator(
            reqwest::Method::PUT,
            "/_emulator/faults",
            Some(json!({"drop_response_rate": 0.7, "hang_ms": 3000})),
        )
        .await;
    let before = world.stats().await;
    let executed_before = before["money_out_executed"].as_u64().unwrap();

    let mut burst = Vec::new();
    // Answers the burst got so far: 201 (Fincore answered Flux) and 504 (it did not, twice).
    let created = Arc::new(AtomicU64::new(0));
    let timed_out = Arc::new(AtomicU64::new(0));
    for i in 0..BURST {
        let mut body = fixture("money_out");
        body["source_instrument_id"] = source.clone().into();
        body["destination_instrument_id"] = destination.clone().into();
        body["transaction_request"]["amount"] = format!("{}.{:02}", i + 1, i + 1).into();
        body["transaction_request"]["external_reference"] = format!("KILL-{i:02}").into();
        let idempotency_key = uuid::Uuid::new_v4().to_string();
        let req = world
            .http
            .post(format!(
                "{}/api/partners/transactions/money-out",
                world.base()
            ))
            .header("X-API-Key", &key)
            .header("Idempotency-Key", &idempotency_key)
            .header("X-Request-Id", format!("kill-burst-{i}"))
            .json(&body);
        let (created, timed_out) = (created.clone(), timed_out.clone());
        burst.push(tokio::spawn(async move {
            match req.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    match status {
                        201 => created.fetch_add(1, Ordering::SeqCst),
                        504 => timed_out.fetch_add(1, Ordering::SeqCst),
                        _ => 0,
                    };
                    let body = r.json::<Value>().await.unwrap_or(Value::Null);
                    (i, Some(status), body)
                }
                Err(e) => (i, None, json!(e.to_string())),
            }
        }));
    }
    // Kill when the burst has shown every way an answer can go: Flux's first call timed out
    // and its retry with the same key got Fincore's stored answer (201, while the transfer's
    // STATUS_UPDATEs were arriving and being held), both attempts timed out (504, the
    // movement UNKNOWN), and perhaps calls still hanging (SUBMITTING). Money Fincore moved is
    // then unknown to Flux, which dies.
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let executed =
            world.stats().await["money_out_executed"].as_u64().unwrap() - executed_before;
        let outstanding = executed > created.load(Ordering::SeqCst);
        if (outstanding && timed_out.load(Ordering::SeqCst) > 0) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    flux.kill();
    let killed_at = Instant::now();
    let executed_at_kill =
        world.stats().await["money_out_executed"].as_u64().unwrap() - executed_before;

    let mut answered: HashMap<String, Value> = HashMap::new();
    // Every answer the partner got, by request id: a write is answered only once its audit
    // record is durable, so each must be in the trail after the kill.
    let mut any_answer: HashMap<String, u16> = HashMap::new();
    let mut outcomes = Vec::new();
    for h in burst {
        let (i, status, body) = h.await.unwrap();
        if let Some(s) = status {
            any_answer.insert(format!("kill-burst-{i}"), s);
        }
        if status == Some(201) {
            answered.insert(body["id"].as_str().unwrap().to_string(), body.clone());
        }
        outcomes.push(format!("#{i}: {status:?} {body}"));
    }
    eprintln!(
        "burst: {} of {BURST} answered 201 before the kill, {executed_at_kill} executed at Fincore\n{}",
        answered.len(),
        outcomes.join("\n")
    );
    // Flux died holding answers it never got: money Fincore moved that Flux had not heard of.
    assert!(
        executed_at_kill > answered.len() as u64,
        "the kill came when no Fincore answer was outstanding ({executed_at_kill} executed, {} answered): nothing was tested",
        answered.len()
    );

    // The provider is well again; Flux comes back on the same data and address. Nobody retries.
    world
        .emulator(reqwest::Method::PUT, "/_emulator/faults", Some(json!({})))
        .await;
    let _flux = world.serve("flux-serve-2").await;
    eprintln!("restarted {:?} after the kill", killed_at.elapsed());

    let deadline = Instant::now() + SETTLE;
    let outs = loop {
        let outs = world.money_outs(&key).await;
        if outs.iter().all(|t| is_final(t["status"].as_str().unwrap())) {
            break outs;
        }
        if Instant::now() > deadline {
            let (_, _, review) = world.run(&["review", "list"]);
            panic!(
                "money-outs still open {SETTLE:?} after the restart:\n{}\nreview list:\n{review}",
                serde_json::to_string_pretty(&outs).unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!(
        "all {} money-outs final {:?} after the kill",
        outs.len(),
        killed_at.elapsed()
    );

    // Nothing doubled, nothing lost.
    let by_status = |s: &'static str| outs.iter().filter(move |t| t["status"] == s);
    let completed: Decimal = by_status("COMPLETED").map(|t| dec(&t["amount"])).sum();
    let executed_at_fincore = by_status("COMPLETED").count() + by_status("REJECTED").count();
    let summary = outs
        .iter()
        .map(|t| format!("{} {} {}", t["id"], t["status"], t["amount"]))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        outs.len() <= BURST,
        "more money-outs than requests:\n{summary}"
    );
    let ids: HashSet<&str> = outs.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.len(),
        outs.len(),
        "a money-out listed twice:\n{summary}"
    );
    for (id, first) in &answered {
        let now = outs.iter().find(|t| t["id"] == id.as_str());
        let now = now.unwrap_or_else(|| panic!("answered 201 but not listed: {first}"));
        assert!(
            now["status"] != "FAILED",
            "answered 201, then FAILED: {first} -> {now}"
        );
    }
    // What the partner never heard of was finished by the resolver alone (nobody retried).
    let unanswered_completed = by_status("COMPLETED")
        .filter(|t| !answered.contains_key(t["id"].as_str().unwrap()))
        .count();
    assert!(
        unanswered_completed > 0,
        "no unanswered money-out was completed after the restart:\n{summary}"
    );
    let stats = world.stats().await;
    let executed = stats["money_out_executed"].as_u64().unwrap() - executed_before;
    assert_eq!(
        executed, executed_at_fincore as u64,
        "Fincore executed {executed} money-outs, Flux has {executed_at_fincore} COMPLETED or REJECTED ({stats}):\n{summary}"
    );
    let account = world.account(&key).await;
    let expected = opening - completed;
    assert_eq!(
        dec(&account["available_balance"]),
        expected,
        "Fincore's balance is not the opening minus Flux's COMPLETED money-outs: {account}\n{summary}"
    );
    assert_eq!(dec(&account["ledger"]["posted"]), expected, "{account}");
    assert_eq!(
        dec(&account["ledger"]["pending"]),
        Decimal::ZERO,
        "{account}"
    );

    let (ok, _, reconcile) = world.run(&["reconcile"]);
    assert!(ok, "flux reconcile:\n{reconcile}");
    let (ok, _, verify) = world.run(&["ledger", "verify"]);
    assert!(ok, "flux ledger verify:\n{verify}");
    // The books were opened at the first start: opening them again by hand changes nothing,
    // and the operator who tried is in the audit trail, whose chain still holds.
    let (ok, _, opened) = world.run(&[
        "ledger",
        "open-balance",
        "--client-id",
        DEMO_CLIENT,
        "--operator",
        "ops",
    ]);
    assert!(
        ok && opened.contains("already opened"),
        "open-balance:\n{opened}"
    );
    let (ok, _, audit) = world.run(&["audit", "verify"]);
    assert!(ok, "flux audit verify:\n{audit}");
    world.assert_audited(&any_answer).await;
    let review = world.run_ok(&["review", "list"]);
    assert_eq!(review, "nothing to review");
    let resolved = tail(&world.logs().join("flux-serve-2.log"), 10_000)
        .lines()
        .filter(|l| l.contains(r#""message":"resolver""#))
        .count();
    eprintln!(
        "{} money-outs ({} answered before the kill, {unanswered_completed} completed by the \
         resolver's {resolved} resolutions), {executed} executed at Fincore ({} replays answered \
         from its idempotency store), {completed} spent; scenario took {:?}\n{reconcile}",
        outs.len(),
        answered.len(),
        stats["money_out_replayed"],
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_mid_burst_then_restart_sqlite() {
    kill_mid_burst_then_restart(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_mid_burst_then_restart_postgres() {
    use futures::FutureExt;
    // A failure is raised after with_postgres has dropped the database, not instead.
    let mut outcome = Ok(());
    with_postgres(|url| async {
        outcome = std::panic::AssertUnwindSafe(kill_mid_burst_then_restart(Some(url)))
            .catch_unwind()
            .await;
    })
    .await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
