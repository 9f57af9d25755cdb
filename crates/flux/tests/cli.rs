//! The admin commands, run as a partner's operator would: the real binary on a data directory.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

fn flux(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("FLUX_DATABASE_URL")
        .env_remove("FLUX_FINCORE_URL")
        .output()
        .unwrap()
}

/// Every audit record of the SQLite store in `dir`.
fn audit_trail(dir: &std::path::Path) -> Vec<flux_store::AuditRecord> {
    let url = format!("sqlite://{}", dir.join("flux.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = flux_store::Store::open(&url).await.unwrap();
        store.audit_records(0, 100_000).await.unwrap()
    })
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn partners_clients_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(flux(d, &["migrate"]).status.success());
    let created = flux(d, &["partner", "create", "--name", "Acme Pagos"]);
    assert!(created.status.success());
    let partner = stdout(&created);
    assert!(uuid::Uuid::parse_str(&partner).is_ok(), "{partner}");
    assert!(!flux(d, &["partner", "create", "--name", "  "])
        .status
        .success());

    let client = "0b8a3f40-1a2b-4c3d-9e8f-123456789abc";
    let added = flux(
        d,
        &[
            "partner",
            "add-client",
            "--partner",
            &partner,
            "--client-id",
            client,
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let again = flux(
        d,
        &[
            "partner",
            "add-client",
            "--partner",
            &partner,
            "--client-id",
            client,
        ],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already belongs"));
    assert!(!flux(
        d,
        &[
            "partner",
            "add-client",
            "--partner",
            "nope",
            "--client-id",
            client
        ]
    )
    .status
    .success());

    let key_out = flux(
        d,
        &[
            "key",
            "create",
            "--partner",
            &partner,
            "--operator",
            "bo",
            "--reason",
            "onboarding",
        ],
    );
    assert!(key_out.status.success());
    let key = stdout(&key_out);
    assert!(key.starts_with("flux_test_") && key.len() > 40, "{key}");
    let prefix: String = key.chars().take(18).collect();
    let who = [
        "--operator",
        "ana",
        "--reason",
        "key leaked in a support ticket",
    ];
    let revoke = |prefix: &str, who: &[&str]| {
        let mut args = vec!["key", "revoke", "--key-prefix", prefix];
        args.extend_from_slice(who);
        flux(d, &args)
    };
    assert!(!revoke("flux_", &who).status.success());
    // Who and why are required: without them nothing is revoked.
    assert!(!revoke(&prefix, &[]).status.success());
    assert!(!revoke(&prefix, &["--operator", "ana"]).status.success());
    assert!(!revoke(&prefix, &["--operator", " ", "--reason", "x"])
        .status
        .success());
    let revoked = revoke(&prefix, &who);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert!(!revoke(&prefix, &who).status.success());
    // The revocation is in the audit trail, with who and why, once.
    let trail = audit_trail(d);
    let records: Vec<_> = trail
        .iter()
        .filter(|r| r.record.path == "flux key revoke")
        .collect();
    assert_eq!(records.len(), 1, "{trail:?}");
    assert_eq!(
        records[0].record.key_prefix.as_deref(),
        Some("operator:ana")
    );
    let body = records[0].record.request_body.as_deref().unwrap();
    assert!(
        body.contains("key leaked in a support ticket") && body.contains(&prefix),
        "{body}"
    );
    // Granting access is on the record too: by the named operator, or else the OS user; the
    // key itself is in no record.
    let granted = |path: &str| {
        trail
            .iter()
            .filter(|r| r.record.path == path)
            .map(|r| r.record.key_prefix.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(granted("flux key create"), ["operator:bo"]);
    assert_eq!(granted("flux partner add-client").len(), 1);
    assert!(granted("flux partner create")[0].starts_with("operator:os-user:"));
    assert!(trail.iter().all(|r| !format!("{r:?}").contains(&key)));

    let verify = flux(d, &["audit", "verify"]);
    assert!(verify.status.success());
    assert!(stdout(&verify).contains("intact"));
    // The key is nowhere on disk in clear.
    for entry in std::fs::read_dir(d).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()));
    }
}

/// `flux serve` as the README runs it: prints where it listens and the demo key, writes the key
/// file, honours FLUX_DEMO_API_KEY, and the key works.
#[tokio::test]
async fn serve_prints_address_and_demo_key() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let fixed = "flux_test_fixed-demo-key-for-this-test-0123456789abcdef";
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("FLUX_DEMO_API_KEY", fixed)
        .env_remove("FLUX_DATABASE_URL")
        .env_remove("FLUX_FINCORE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut key) = (None, None);
    while let Ok(Some(line)) =
        tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
            .await
            .unwrap()
    {
        if let Some(url) = line.strip_prefix("Flux listening on ") {
            base = Some(url.to_string());
        }
        if let Some(k) = line.trim().strip_prefix("demo API key: ") {
            key = Some(k.to_string());
            break;
        }
    }
    let (base, key) = (base.unwrap(), key.unwrap());
    assert_eq!(key, fixed);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("demo-api-key"))
            .unwrap()
            .trim(),
        fixed
    );
    let r = reqwest::Client::new()
        .get(format!("{base}/api/partners/banks"))
        .header("X-API-Key", fixed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // SIGTERM, as an orchestrator stops it: a clean exit, the sandbox provider's state saved.
    let pid = child.id().unwrap().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(term.success());
    let exit = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
        .await
        .expect("flux serve did not stop on SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(dir.path().join("fincore-emulator.json").exists());
}
