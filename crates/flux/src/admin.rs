//! Admin commands. They open the same store as `serve` (SQLite's WAL lets them run while it
//! serves; on PostgreSQL that is plain) and print what an operator needs, nothing secret except
//! a newly created key, shown once.

use crate::boot;
use crate::config::Config;
use flux_core::Secret;
use flux_gateway::keys;
use flux_store::{ApiKeyRecord, ClientRecord, Partner};
use std::str::FromStr;
use uuid::Uuid;

/// Who runs an operator command and why: both required, both kept in the audit trail with
/// what the command did. Checked before anything is opened or changed.
pub struct Operator {
    name: String,
    reason: String,
}

impl Operator {
    /// `name` from `--operator`, `reason` from `--reason` (or `--note`).
    pub fn new(name: &str, reason: &str) -> anyhow::Result<Operator> {
        let (name, reason) = (name.trim(), reason.trim());
        anyhow::ensure!(
            !name.is_empty() && name.len() <= 200,
            "--operator must name who acts (1 to 200 characters)"
        );
        anyhow::ensure!(
            !reason.is_empty() && reason.len() <= 2000,
            "--reason must say why (1 to 2000 characters)"
        );
        Ok(Operator {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// For commands that grant access (partner create, partner add-client, key create): the
    /// operator is named when given, else the OS user that ran the command, so that every
    /// provisioning script written before this keeps working and is still on the record.
    pub fn granting(name: Option<&str>, reason: Option<&str>) -> anyhow::Result<Operator> {
        let name = match name {
            Some(n) => n.to_string(),
            None => format!(
                "os-user:{}",
                std::env::var("USER").unwrap_or_else(|_| "unknown".into())
            ),
        };
        Operator::new(&name, reason.unwrap_or("access granted"))
    }
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    println!(
        "migrated {} ({})",
        redact_url(&config.database_url()),
        store.backend_name()
    );
    Ok(())
}

pub async fn partner_create(
    config: &Config,
    name: &str,
    operator: &Operator,
) -> anyhow::Result<()> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.len() <= 200,
        "--name must be 1 to 200 characters"
    );
    let store = boot::open_store(config).await?;
    let partner = Partner {
        id: Uuid::new_v4(),
        name: name.to_string(),
        created_at: flux_core::time::now(),
    };
    store.create_partner(&partner).await?;
    audit_operator(
        &store,
        operator,
        "flux partner create",
        serde_json::json!({ "name": partner.name }),
        &format!("partner {}", partner.id),
    )
    .await?;
    println!("{}", partner.id);
    Ok(())
}

pub async fn partner_add_client(
    config: &Config,
    partner: &str,
    client_id: &str,
    client_secret: Option<String>,
    operator: &Operator,
) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let partner =
        Uuid::from_str(partner).map_err(|_| anyhow::anyhow!("--partner must be a UUID"))?;
    let client_id =
        Uuid::from_str(client_id).map_err(|_| anyhow::anyhow!("--client-id must be a UUID"))?;
    anyhow::ensure!(
        store.get_partner(partner).await?.is_some(),
        "no partner {partner}"
    );
    // In sandbox the emulator needs a secret for the client; one is generated when none is given.
    let secret = client_secret.or_else(|| {
        config
            .sandbox()
            .then(|| Uuid::new_v4().simple().to_string())
    });
    let record = ClientRecord::linked(client_id, partner, "fincore", secret.map(Secret::new));
    match store.add_client(&record).await {
        Ok(()) => {}
        Err(flux_store::StoreError::Conflict(_)) => {
            anyhow::bail!("client {client_id} already belongs to a partner")
        }
        Err(e) => return Err(e.into()),
    }
    // The client secret stays out of the record.
    audit_operator(
        &store,
        operator,
        "flux partner add-client",
        serde_json::json!({ "partner": partner, "client_id": client_id }),
        "linked",
    )
    .await?;
    println!("client {client_id} now belongs to partner {partner}");
    if config.sandbox() {
        println!("(sandbox: the emulator creates this client, with a funded account, the next time `flux serve` starts)");
    }
    Ok(())
}

pub async fn key_create(config: &Config, partner: &str, operator: &Operator) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let partner =
        Uuid::from_str(partner).map_err(|_| anyhow::anyhow!("--partner must be a UUID"))?;
    anyhow::ensure!(
        store.get_partner(partner).await?.is_some(),
        "no partner {partner}"
    );
    let pepper = boot::pepper(&store, config).await?;
    let minted = keys::mint(config.environment(), &pepper);
    store
        .insert_api_key(&ApiKeyRecord {
            id: Uuid::new_v4(),
            partner_id: partner,
            prefix: minted.prefix.clone(),
            hash: minted.hash,
            created_at: flux_core::time::now(),
            revoked_at: None,
        })
        .await?;
    // The prefix names the key; the key itself is shown once, below, and kept nowhere.
    audit_operator(
        &store,
        operator,
        "flux key create",
        serde_json::json!({ "partner": partner, "key_prefix": minted.prefix }),
        "created",
    )
    .await?;
    eprintln!(
        "API key for partner {partner} (shown once; Flux keeps only a hash). Prefix: {}",
        minted.prefix
    );
    println!("{}", minted.key);
    Ok(())
}

pub async fn key_revoke(config: &Config, prefix: &str, operator: &Operator) -> anyhow::Result<()> {
    anyhow::ensure!(
        prefix.len() >= 12,
        "--key-prefix must be the displayed prefix, e.g. flux_test_AbCdEfGh"
    );
    let store = boot::open_store(config).await?;
    let n = store
        .revoke_api_keys(prefix, flux_core::time::now())
        .await?;
    anyhow::ensure!(n > 0, "no live key has the prefix {prefix}");
    // The prefix is what the key's owner and the audit trail already show; never the key.
    audit_operator(
        &store,
        operator,
        "flux key revoke",
        serde_json::json!({ "key_prefix": prefix }),
        &format!("revoked {n} key(s)"),
    )
    .await?;
    println!("revoked {n} key(s) with prefix {prefix}");
    Ok(())
}

/// Exit status 1 when the chain is broken, naming the first bad record.
pub async fn audit_verify(config: &Config) -> anyhow::Result<bool> {
    let store = boot::open_store(config).await?;
    let v = store.verify_audit().await?;
    match v.first_bad {
        None => {
            println!("audit trail intact: {} records verified", v.records);
            Ok(true)
        }
        Some((seq, reason)) => {
            println!(
                "audit trail BROKEN at record {seq}: {reason} ({} records read)",
                v.records
            );
            Ok(false)
        }
    }
}

/// Exit status 1 when the ledger's invariants do not hold, listing every problem. Checks Flux's
/// own database and, in sandbox, the Fidi X emulator's books beside it (the partner ledgers of
/// `ledger.backend = "fidix"` live there), so one command vouches for every ledger on the
/// machine.
pub async fn ledger_verify(config: &Config) -> anyhow::Result<bool> {
    let store = boot::open_store(config).await?;
    let mut ok = verify_one("ledger", &store).await?;
    let emulator = config.server.data_dir.join("fidix-emulator.db");
    if config.sandbox() && emulator.exists() {
        let emu_store = flux_store::Store::open(&emulator.display().to_string()).await?;
        ok &= verify_one("Fidi X emulator ledger", &emu_store).await?;
    }
    Ok(ok)
}

async fn verify_one(name: &str, store: &flux_store::Store) -> anyhow::Result<bool> {
    let v = flux_ledger::verify::verify(store).await?;
    println!(
        "{name}: {} accounts, {} transactions, {} entries",
        v.accounts, v.transactions, v.entries
    );
    if v.ok() {
        println!("{name} intact: debits equal credits, balances equal their entries, no account past its limit");
        return Ok(true);
    }
    for p in &v.problems {
        println!("PROBLEM ({name}): {p}");
    }
    println!("{name} BROKEN: {} problem(s)", v.problems.len());
    Ok(false)
}

/// What opening one provider's side of a client's books did, in words.
fn opened(client_id: Uuid, provider: &str, outcome: flux_gateway::provider::Opened) -> String {
    use flux_gateway::provider::Opened;
    match outcome {
        Opened::Booked { amount } => {
            format!("books of client {client_id} opened with {amount} from {provider}'s balance")
        }
        Opened::AlreadyOpen => {
            format!("books of client {client_id} were already opened; nothing changed")
        }
        Opened::Balanced => format!(
            "books of client {client_id} already hold what {provider} holds; nothing to open"
        ),
    }
}

/// Exit status 1 when any client's balance at Fincore differs from Flux's books, a hold
/// belongs to a finished movement, a movement stayed open past the resolver's window, an event
/// waits for a transaction Flux never learned of, or anything waits in the review list.
pub async fn reconcile(
    config: &Config,
    fincore_url: Option<String>,
    json: bool,
) -> anyhow::Result<bool> {
    let store = boot::open_store(config).await?;
    let providers = crate::providers::for_admin(config, &store, fincore_url).await?;
    let report =
        flux_gateway::reconcile::report(&store, &providers, &config.resolver.config()).await?;
    if json {
        for l in &report.lines {
            println!("{}", serde_json::to_string(l)?);
        }
        for p in &report.problems {
            println!("{}", serde_json::to_string(p)?);
        }
        return Ok(report.clean());
    }
    println!("client_id                             provider  account   currency  provider_available  flux_available  flux_pending  difference");
    for l in &report.lines {
        println!(
            "{}  {:<8}  {:<8}  {:<8}  {:>18}  {:>14}  {:>12}  {:>10}{}",
            l.client_id,
            l.provider,
            l.account,
            l.currency,
            l.provider_available,
            l.flux_available,
            l.flux_pending,
            l.difference,
            l.error
                .as_deref()
                .map(|e| format!("  ERROR: {e}"))
                .unwrap_or_default()
        );
    }
    for p in &report.problems {
        println!("PROBLEM ({}) {}: {}", p.kind, p.subject, p.detail);
    }
    let differences = report.lines.iter().filter(|l| !l.matches()).count();
    println!(
        "{} client balance(s) compared, {differences} difference(s), {} other problem(s)",
        report.lines.len(),
        report.problems.len()
    );
    Ok(report.clean())
}

/// Records an operator's action in the audit trail, chained like every API call: who, what,
/// why and what came of it. Operators move and judge money too, and must answer for it.
async fn audit_operator(
    store: &flux_store::Store,
    operator: &Operator,
    command: &str,
    request: serde_json::Value,
    outcome: &str,
) -> anyhow::Result<()> {
    store
        .append_audit(vec![operator_record(operator, command, request, outcome)])
        .await?;
    Ok(())
}

/// The audit record of an operator's command: `key_prefix` is `operator:<name>`, the request
/// body holds the command's arguments and the reason.
fn operator_record(
    operator: &Operator,
    command: &str,
    request: serde_json::Value,
    outcome: &str,
) -> flux_store::NewAudit {
    let mut request = request;
    if let Some(fields) = request.as_object_mut() {
        fields.insert("reason".into(), operator.reason.clone().into());
    }
    flux_store::NewAudit {
        at: flux_core::time::now(),
        partner_id: None,
        key_prefix: Some(format!("operator:{}", operator.name)),
        method: "CLI".into(),
        path: command.into(),
        status: 0,
        latency_us: 0,
        request_id: Uuid::new_v4().to_string(),
        correlation_id: None,
        request_body: Some(request.to_string()),
        response_body: Some(serde_json::json!({ "outcome": outcome }).to_string()),
    }
}

/// Runs the resolver once and lists what it did. It settles money movements against the
/// provider, so the operator who ran it, and every movement it changed, are audited.
pub async fn resolve(config: &Config, json: bool, operator: &Operator) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let providers = crate::providers::for_admin(config, &store, None).await?;
    let done =
        flux_gateway::resolver::resolve(&store, &providers, &config.resolver.config()).await?;
    let changed: Vec<serde_json::Value> = done
        .iter()
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    audit_operator(
        &store,
        operator,
        "flux resolve",
        serde_json::json!({}),
        &serde_json::json!({ "resolved": changed }).to_string(),
    )
    .await?;
    if done.is_empty() && !json {
        println!("nothing to resolve");
    }
    for r in &done {
        if json {
            println!("{}", serde_json::to_string(r)?);
        } else {
            let now = r.now.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
            println!(
                "{}  {}  {} -> {}  {}",
                r.transaction_id, r.kind, r.was, now, r.action
            );
        }
    }
    Ok(())
}

/// Lists what waits for an operator.
pub async fn review_list(config: &Config) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let items = store.open_reviews(1000).await?;
    if items.is_empty() {
        println!("nothing to review");
    }
    for r in items {
        println!(
            "{}  {}  {}  {}  transaction={}  event={}  {}",
            r.id,
            flux_core::time::to_rfc3339(r.created_at),
            r.item.kind.as_str(),
            r.item.provider,
            r.item
                .transaction_id
                .map(|t| t.to_string())
                .unwrap_or("-".into()),
            r.item.id_msg.as_deref().unwrap_or("-"),
            r.item.reason
        );
    }
    Ok(())
}

/// What an operator checked at the provider for a review item's transaction.
#[derive(Default, Clone, Copy)]
pub struct Decision<'a> {
    /// Its final status there.
    pub status: Option<&'a str>,
    /// Its id there, for a movement whose answer never came.
    pub provider_reference: Option<&'a str>,
}

/// Records an operator's decision on a review item. With a provider reference, first records
/// it on the item's transaction, so the provider's events held for it apply (a refund whose
/// answer was lost is otherwise never matched with Fincore's status updates for it); with
/// `status`, then moves the transaction to that status (as checked at the provider) through
/// the state machine.
pub async fn review_resolve(
    config: &Config,
    id: &str,
    operator: &Operator,
    decision: Decision<'_>,
) -> anyhow::Result<()> {
    let note = operator.reason.as_str();
    let store = boot::open_store(config).await?;
    let id = Uuid::from_str(id).map_err(|_| anyhow::anyhow!("--id must be a UUID"))?;
    let item = store
        .get_review(id)
        .await?
        .filter(|r| r.resolved_at.is_none())
        .ok_or_else(|| anyhow::anyhow!("no open review item {id}"))?;
    if let Some(reference) = decision.provider_reference {
        let txn = item
            .item
            .transaction_id
            .ok_or_else(|| anyhow::anyhow!("item {id} concerns no transaction"))?;
        record_reference(&store, txn, reference, operator).await?;
    }
    if let Some(text) = decision.status {
        let status: flux_core::TxStatus = text
            .parse()
            .map_err(|_| anyhow::anyhow!("--status must be COMPLETED, REJECTED or FAILED"))?;
        anyhow::ensure!(status.is_final(), "--status must be a final status");
        let txn = item
            .item
            .transaction_id
            .ok_or_else(|| anyhow::anyhow!("item {id} concerns no transaction"))?;
        let report = flux_store::StatusReport {
            status,
            failure_code: None,
            failure_description: Some(note.to_string()),
            updated_at: flux_core::time::now(),
        };
        let source = flux_store::Source {
            provider: item.item.provider.clone(),
            id_msg: None,
            what: format!("operator {}", operator.name),
        };
        let applied = store
            .report_status(
                txn,
                report,
                source,
                Some(flux_gateway::delivery::events::STATUS_UPDATE),
            )
            .await?;
        anyhow::ensure!(
            matches!(applied, flux_store::Applied::Changed(_) | flux_store::Applied::Same),
            "transaction {txn} cannot become {status} from where it is ({applied:?}); nothing changed"
        );
        println!("transaction {txn} is now {status}");
    }
    // The item may have been closed by the status change itself (an unknown outcome settled).
    match store
        .resolve_review(id, &format!("operator {}", operator.name), note)
        .await
    {
        Ok(()) | Err(flux_store::StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    audit_operator(
        &store,
        operator,
        "flux review resolve",
        serde_json::json!({"id": id, "note": note, "status": decision.status, "provider_reference": decision.provider_reference}),
        "resolved",
    )
    .await?;
    println!("review item {id} resolved by {}: {note}", operator.name);
    Ok(())
}

/// Records the provider's id of a transaction that had none, and applies the events the
/// provider sent for it meanwhile (held until then), as an answer would have.
async fn record_reference(
    store: &flux_store::Store,
    txn: Uuid,
    reference: &str,
    operator: &Operator,
) -> anyhow::Result<()> {
    let reference = reference.trim();
    anyhow::ensure!(
        !reference.is_empty() && reference.len() <= 200,
        "--provider-reference must be the provider's id (1 to 200 characters)"
    );
    let t = store
        .get_transaction(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("transaction {txn} not found"))?;
    match t.provider_reference.as_deref() {
        Some(known) if known == reference => return Ok(()),
        Some(known) => anyhow::bail!("transaction {txn} already has provider reference {known}"),
        None => {}
    }
    if let Some(other) = store
        .find_transaction_by_provider_ref(&t.provider, reference)
        .await?
    {
        anyhow::bail!(
            "provider reference {reference} belongs to transaction {}",
            other.id
        );
    }
    let mut record = t.clone();
    record.provider_reference = Some(reference.to_string());
    let saved = store
        .save_outcome(flux_store::SaveOutcome {
            txn: Some(record),
            notify: Some(flux_gateway::delivery::events::STATUS_UPDATE),
            announce: true,
            source: format!("operator {}", operator.name),
            ..Default::default()
        })
        .await?;
    let status = saved.map(|t| t.status.to_string()).unwrap_or_default();
    println!("transaction {txn} has provider reference {reference} (now {status})");
    Ok(())
}

/// Opens a live client's books from its balance at Fincore, once.
pub async fn ledger_open_balance(
    config: &Config,
    client_id: &str,
    operator: &Operator,
) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let client_id =
        Uuid::from_str(client_id).map_err(|_| anyhow::anyhow!("--client-id must be a UUID"))?;
    let client = store
        .get_client(client_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no client {client_id}"))?;
    let providers = crate::providers::for_admin(config, &store, None).await?;
    let mut outcomes = Vec::new();
    for link in &client.links {
        let provider = providers.by_name(&link.provider).ok_or_else(|| {
            anyhow::anyhow!(
                "client {client_id}'s provider {:?} is not registered",
                link.provider
            )
        })?;
        outcomes.push(opened(
            client_id,
            &link.provider,
            provider.open_books(&store, &client).await?,
        ));
    }
    anyhow::ensure!(!outcomes.is_empty(), "client {client_id} has no provider");
    let outcome = outcomes.join("; ");
    let request = serde_json::json!({ "client_id": client_id });
    audit_operator(
        &store,
        operator,
        "flux ledger open-balance",
        request,
        &outcome,
    )
    .await?;
    println!("{outcome}");
    Ok(())
}

/// Lists MONEY_IN events whose beneficiary account no client owned when they arrived.
pub async fn inbound_unmatched(config: &Config) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let events = store.unmatched_inbound(1000).await?;
    if events.is_empty() {
        println!("no unmatched inbound events");
    }
    for e in events {
        let body =
            serde_json::from_str::<serde_json::Value>(&e.raw).unwrap_or_default()["body"].clone();
        let field = |k: &str| body[k].as_str().unwrap_or("-").to_string();
        println!(
            "{}  {}  {}  amount={}  beneficiary_account={}  payer={}",
            e.id_msg,
            flux_core::time::to_rfc3339(e.received_at),
            e.provider,
            field("amount"),
            field("beneficiary_account"),
            field("payer_name")
        );
    }
    Ok(())
}

/// Assigns an unmatched MONEY_IN to a client: records it as that client's money-in.
pub async fn inbound_resolve(
    config: &Config,
    id_msg: &str,
    client_id: &str,
    operator: &Operator,
) -> anyhow::Result<()> {
    let store = boot::open_store(config).await?;
    let client_id =
        Uuid::from_str(client_id).map_err(|_| anyhow::anyhow!("--client-id must be a UUID"))?;
    let client = store
        .get_client(client_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no client {client_id}"))?;
    let event = store
        .unmatched_inbound(100_000)
        .await?
        .into_iter()
        .find(|e| e.id_msg == id_msg)
        .ok_or_else(|| anyhow::anyhow!("no unmatched event {id_msg}"))?;
    let envelope: fincore::wire::WebhookEnvelope = serde_json::from_str(&event.raw)?;
    let txn = fincore::gateway::routes::inbound::money_in_record(
        &envelope,
        event.raw.as_bytes(),
        &client,
    )
    .map_err(|reason| anyhow::anyhow!("event {id_msg} cannot be recorded: {reason}"))?;
    let id = txn.id;
    store
        .resolve_unmatched(
            &event.provider,
            id_msg,
            txn,
            Some(flux_gateway::delivery::events::MONEY_IN),
        )
        .await?;
    audit_operator(
        &store,
        operator,
        "flux inbound resolve",
        serde_json::json!({ "id_msg": id_msg, "client_id": client_id }),
        &format!("money-in {id}"),
    )
    .await?;
    println!("event {id_msg} is now money-in {id} of client {client_id}");
    Ok(())
}

fn redact_url(url: &str) -> String {
    match url.split_once('@') {
        Some((scheme_user, rest))
            if scheme_user.contains(':') && scheme_user.matches(':').count() > 1 =>
        {
            let scheme = scheme_user.split("://").next().unwrap_or("");
            format!("{scheme}://***@{rest}")
        }
        _ => url.to_string(),
    }
}

/// Where the new key of a rotation comes from when FLUX_SECRETS_KEY holds the current one:
/// the operator's secret manager hands it over in this variable, never on the command line.
pub const NEW_SECRETS_KEY_VAR: &str = "FLUX_NEW_SECRETS_KEY";

/// Re-seals every secret at rest under a new key, in one transaction with its audit record.
///
/// With the key in `<data-dir>/secrets.key`: a new key is generated and written to
/// `secrets.key.next` first, then the database is re-sealed, then the file is renamed over
/// `secrets.key`. A process starting in between opens with both keys (see
/// `boot::pending_key_path`); a rotation stopped in between is finished by running it again,
/// which reuses `secrets.key.next`. With FLUX_SECRETS_KEY: the new key is read from
/// FLUX_NEW_SECRETS_KEY, and the operator sets it as FLUX_SECRETS_KEY on every instance.
///
/// Every instance must be restarted afterwards: one still running holds the old key in memory
/// and would seal what it writes under it.
pub async fn secrets_rotate(config: &Config, operator: &Operator) -> anyhow::Result<()> {
    let from_env = !config.security.secrets_key.is_empty();
    let pending = boot::pending_key_path(config);
    let new_key = if from_env {
        let text = std::env::var(NEW_SECRETS_KEY_VAR).map_err(|_| {
            anyhow::anyhow!(
                "FLUX_SECRETS_KEY is set, so the new key must come from {NEW_SECRETS_KEY_VAR} (64 hex characters)"
            )
        })?;
        boot::parse_key(&text, NEW_SECRETS_KEY_VAR)?
    } else {
        // Reading the current key (generating it on a first run) before anything else.
        boot::secrets_key(config)?;
        match std::fs::read_to_string(&pending) {
            Ok(text) => {
                eprintln!(
                    "finishing the rotation that {} was left by",
                    pending.display()
                );
                boot::parse_key(&text, &pending.display().to_string())?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
                write_private(&pending, &format!("{}\n", hex::encode(key)))?;
                key
            }
            Err(e) => return Err(e.into()),
        }
    };
    let current = boot::secrets_key(config)?;
    anyhow::ensure!(
        new_key != current,
        "the new key is the current key; nothing would change"
    );
    let store = boot::open_store(config).await?;
    let record = operator_record(operator, "flux secrets rotate", serde_json::json!({}), "");
    let done = store.reseal_secrets(&new_key, record).await?;
    if !from_env {
        let path = boot::secrets_key_path(config);
        std::fs::rename(&pending, &path)?;
        sync_dir(&config.server.data_dir)?;
    }
    println!(
        "re-sealed {} secret(s): {} provider client secret(s), {} webhook token(s), {} webhook signing secret(s), {} secret setting(s)",
        done.total(),
        done.client_secrets,
        done.webhook_tokens,
        done.webhook_secrets,
        done.settings
    );
    if from_env {
        println!("now set FLUX_SECRETS_KEY to the new key on every instance and restart them");
    } else {
        println!(
            "the new key is in {}; restart every flux serve on this data directory",
            boot::secrets_key_path(config).display()
        );
    }
    Ok(())
}

/// Writes a new file readable by Flux's user only, durably.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Copies a SQLite store to `to` while Flux may be serving from it (see
/// `flux_store::sqlite::backup`). PostgreSQL has its own tools, which a copy by Flux could not
/// beat: the command says which.
pub async fn backup(config: &Config, to: &std::path::Path) -> anyhow::Result<()> {
    let url = config.database_url();
    anyhow::ensure!(
        !(url.starts_with("postgres://") || url.starts_with("postgresql://")),
        "on PostgreSQL, back up with pg_dump (see README, \"Backup and restore\")"
    );
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(&url)
        .to_string();
    let to_owned = to.to_path_buf();
    tokio::task::spawn_blocking(move || {
        flux_store::sqlite::backup(std::path::Path::new(&path), &to_owned)
    })
    .await??;
    println!(
        "backed up {} to {} (the secrets key is not in it: keep {} or FLUX_SECRETS_KEY apart)",
        redact_url(&url),
        to.display(),
        boot::secrets_key_path(config).display()
    );
    Ok(())
}
