//! `flux`: serve the gateway, run the sandbox emulator alone, administer partners, keys and the
//! audit trail.

use clap::{Parser, Subcommand};
use flux::signals::StopSignals;
use flux::{admin, Config};
use std::path::PathBuf;

/// mimalloc rather than the system allocator: a request allocates many small, short-lived
/// buffers (headers, JSON, log lines), and under the GET benchmark glibc's malloc and free were
/// about an eighth of Flux's CPU (see BENCHMARKS.md, issue 15's profile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "flux",
    version,
    about = "Flux: one API for Mexican and Latin American financial rails"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every command that touches the store takes.
#[derive(clap::Args, Clone)]
struct StoreArgs {
    /// Configuration file (see config/flux.default.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (SQLite database, demo key, generated secrets).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://… (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
}

impl StoreArgs {
    fn load(&self) -> anyhow::Result<Config> {
        let mut c = Config::load(self.config.as_deref())?;
        if let Some(d) = &self.data_dir {
            c.server.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            c.server.database_url = u.clone();
        }
        Ok(c)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway (in sandbox mode, with the Fincore emulator, when no Fincore URL is set).
    Serve {
        #[arg(long)]
        addr: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Partners and the provider clients they own.
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Provider webhooks Flux received.
    Inbound {
        #[command(subcommand)]
        command: InboundCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Flux's double-entry ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Resolve money movements left non-final too long (as `flux serve` does every
    /// resolver.interval_ms), and list what changed (kept in the audit trail with who ran it).
    Resolve {
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
        /// Who runs it (kept in the audit trail).
        #[arg(long)]
        operator: String,
        /// Why (kept in the audit trail).
        #[arg(long, default_value = "resolver run by hand")]
        reason: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What waits for an operator: unmatched credits, invalid events, illegal status changes,
    /// movements whose outcome is unknown.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Compare Flux's books with Fincore's balances, client by client, and check holds, open
    /// movements, held events and the review list; exit 1 on any difference or problem.
    Reconcile {
        /// Fincore's base URL (default: the configured one, or in sandbox the emulator of the
        /// running `flux serve`).
        #[arg(long)]
        fincore_url: Option<String>,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The key that seals secrets at rest.
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Copy a SQLite store to a new file, consistent, while Flux serves (on PostgreSQL use
    /// pg_dump). The secrets key is not in the copy: keep it apart.
    Backup {
        /// The new file (must not exist).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Provider emulators, alone.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Create a partner; prints its id.
    Create {
        #[arg(long)]
        name: String,
        /// Who grants it (kept in the audit trail; default: the OS user running the command).
        #[arg(long)]
        operator: Option<String>,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Give a partner a Fincore client.
    AddClient {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        client_id: String,
        /// The client's Fincore client_secret (or FLUX_CLIENT_SECRET, which stays out of shell history).
        #[arg(long, env = "FLUX_CLIENT_SECRET", hide_env_values = true)]
        client_secret: Option<String>,
        /// Who grants it (kept in the audit trail; default: the OS user running the command).
        #[arg(long)]
        operator: Option<String>,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create an API key for a partner; prints it once.
    Create {
        #[arg(long)]
        partner: String,
        /// Who grants it (kept in the audit trail; default: the OS user running the command).
        #[arg(long)]
        operator: Option<String>,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Revoke every key with this display prefix, immediately (who and why are required and
    /// kept in the audit trail).
    Revoke {
        #[arg(long)]
        key_prefix: String,
        /// Who revokes.
        #[arg(long)]
        operator: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Re-seal every secret at rest under a new key, in one transaction. With the key in
    /// <data-dir>/secrets.key a new one is generated there; with FLUX_SECRETS_KEY the new one
    /// is read from FLUX_NEW_SECRETS_KEY. Restart every instance afterwards.
    Rotate {
        /// Who rotates (kept in the audit trail).
        #[arg(long)]
        operator: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first altered or missing record.
    Verify,
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Recompute every balance from its entries and check that debits equal credits per
    /// currency and no account is past its limit; exit 1 listing every problem.
    Verify,
    /// Open a client's books from its balance at Fincore (once; again changes nothing).
    OpenBalance {
        #[arg(long)]
        client_id: String,
        /// Who opens them (kept in the audit trail).
        #[arg(long)]
        operator: String,
        /// Why (kept in the audit trail).
        #[arg(long, default_value = "opening balance")]
        reason: String,
    },
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// List the open items, oldest first.
    List,
    /// Record a decision on an item (who and why are required and kept).
    Resolve {
        #[arg(long)]
        id: String,
        /// Who decides (kept with the decision).
        #[arg(long)]
        operator: String,
        /// Why (kept with the decision).
        #[arg(long, alias = "reason")]
        note: String,
        /// For a movement whose outcome was unknown: the final status checked at the provider
        /// (COMPLETED, REJECTED or FAILED); its books and the partner's webhook follow.
        #[arg(long)]
        status: Option<String>,
        /// For a movement the provider never answered: its id at the provider, as checked
        /// there. Recorded first, so that the provider's events held for that id apply.
        #[arg(long)]
        provider_reference: Option<String>,
    },
}

#[derive(Subcommand)]
enum InboundCommand {
    /// List MONEY_IN events for accounts no client owned.
    Unmatched,
    /// Record an unmatched MONEY_IN as a money-in of this client (who and why are required
    /// and kept in the audit trail).
    Resolve {
        #[arg(long)]
        id_msg: String,
        #[arg(long)]
        client_id: String,
        /// Who assigns it.
        #[arg(long)]
        operator: String,
        /// Why (what shows the money is this client's).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum SandboxCommand {
    /// Run the Fincore emulator alone, with one funded demo client.
    Fincore {
        #[arg(long, default_value = "127.0.0.1:8100")]
        addr: String,
    },
    /// Run the Félix emulator alone, in memory, with one provider account. Remittances move
    /// only when asked (`POST /_emulator/transactions/{id}/advance`), as in `flux serve`.
    Felix {
        #[arg(long, default_value = "127.0.0.1:8300")]
        addr: String,
    },
    /// Run the NeCIPCo emulator alone, in memory, with one funded program (what several
    /// `flux serve` instances share instead of each running its own).
    Necipco {
        #[arg(long, default_value = "127.0.0.1:8400")]
        addr: String,
    },
    /// Run the Fidi X ledger emulator alone (what live mode's `FLUX_FIDIX_URL` points at when
    /// no real Fidi X is at hand), its books in a SQLite file; API client `flux-sandbox`,
    /// secret `flux-sandbox-secret`.
    Fidix {
        #[arg(long, default_value = "127.0.0.1:8500")]
        addr: String,
        /// The emulator's books (created if missing).
        #[arg(long, default_value = "fidix-emulator.db")]
        books: String,
    },
}

fn init_logs(format: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("FLUX_LOG").unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "pretty" {
        builder.init();
    } else {
        builder.json().flatten_event(true).init();
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Serve { addr, store } => {
            // Before start-up: a stop asked for meanwhile drains once it is done (see signals).
            let mut stop = StopSignals::install();
            let mut config = store.load()?;
            if let Some(a) = addr {
                config.server.addr = a;
            }
            init_logs(&config.server.log_format);
            let Some(running) = stop.hold_during(flux::start(config.clone())).await else {
                eprintln!("second stop signal: start-up abandoned");
                return Ok(false);
            };
            let running = running?;
            println!("Flux listening on {}", running.base_url());
            println!(
                "  docs:     {}/docs   (OpenAPI: {}/openapi.json)",
                running.base_url(),
                running.base_url()
            );
            println!("  store:    {}", running.store.backend_name());
            let fidix = running
                .state
                .providers
                .get::<fidix::gateway::FidixProvider>();
            if let Some(emu) = fidix.and_then(|f| f.emulator.as_ref()) {
                println!("  sandbox:  Fidi X emulator at {}", emu.base_url());
            }
            if let Some(emu) = &running.emulator {
                println!("  sandbox:  Fincore emulator at {}", emu.base_url());
            }
            let felix = running
                .state
                .providers
                .get::<felix::gateway::FelixProvider>();
            if let Some(emu) = felix.and_then(|f| f.emulator.as_ref()) {
                println!("  sandbox:  Félix emulator at {}", emu.base_url());
            }
            let necipco = running
                .state
                .providers
                .get::<necipco::gateway::NecipcoProvider>();
            if let Some(emu) = necipco.and_then(|n| n.emulator.as_ref()) {
                println!("  sandbox:  NeCIPCo emulator at {}", emu.base_url());
            }
            if let Some(key) = &running.demo_api_key {
                println!("  demo API key: {key}");
                println!(
                    "  (also in {})",
                    config.server.data_dir.join("demo-api-key").display()
                );
                println!("  demo client:  {}", flux::DEMO_CLIENT_ID);
            }
            // Ctrl-C or SIGTERM (what an orchestrator sends): say draining, stop accepting, let
            // the work in flight finish, save the sandbox provider's state, exit 0. A second
            // signal means "now": exit 1 at once, leaving the rest to the leases.
            stop.recv().await;
            tokio::select! {
                drained = running.drain() => Ok(drained),
                _ = stop.recv() => {
                    eprintln!("second stop signal: exiting without finishing the work in flight");
                    Ok(false)
                }
            }
        }
        Command::Migrate { store } => admin::migrate(&store.load()?).await.map(|_| true),
        Command::Partner { command, store } => {
            let config = store.load()?;
            match command {
                PartnerCommand::Create {
                    name,
                    operator,
                    reason,
                } => {
                    let operator =
                        admin::Operator::granting(operator.as_deref(), reason.as_deref())?;
                    admin::partner_create(&config, &name, &operator).await?
                }
                PartnerCommand::AddClient {
                    partner,
                    client_id,
                    client_secret,
                    operator,
                    reason,
                } => {
                    let operator =
                        admin::Operator::granting(operator.as_deref(), reason.as_deref())?;
                    admin::partner_add_client(
                        &config,
                        &partner,
                        &client_id,
                        client_secret,
                        &operator,
                    )
                    .await?
                }
            }
            Ok(true)
        }
        Command::Key { command, store } => {
            let config = store.load()?;
            match command {
                KeyCommand::Create {
                    partner,
                    operator,
                    reason,
                } => {
                    let operator =
                        admin::Operator::granting(operator.as_deref(), reason.as_deref())?;
                    admin::key_create(&config, &partner, &operator).await?
                }
                KeyCommand::Revoke {
                    key_prefix,
                    operator,
                    reason,
                } => {
                    let operator = admin::Operator::new(&operator, &reason)?;
                    admin::key_revoke(&config, &key_prefix, &operator).await?
                }
            }
            Ok(true)
        }
        Command::Audit {
            command: AuditCommand::Verify,
            store,
        } => admin::audit_verify(&store.load()?).await,
        Command::Ledger { command, store } => match command {
            LedgerCommand::Verify => admin::ledger_verify(&store.load()?).await,
            LedgerCommand::OpenBalance {
                client_id,
                operator,
                reason,
            } => {
                let operator = admin::Operator::new(&operator, &reason)?;
                admin::ledger_open_balance(&store.load()?, &client_id, &operator)
                    .await
                    .map(|_| true)
            }
        },
        Command::Resolve {
            json,
            operator,
            reason,
            store,
        } => {
            let operator = admin::Operator::new(&operator, &reason)?;
            admin::resolve(&store.load()?, json, &operator)
                .await
                .map(|_| true)
        }
        Command::Secrets {
            command: SecretsCommand::Rotate { operator, reason },
            store,
        } => {
            let operator = admin::Operator::new(&operator, &reason)?;
            admin::secrets_rotate(&store.load()?, &operator)
                .await
                .map(|_| true)
        }
        Command::Backup { to, store } => admin::backup(&store.load()?, &to).await.map(|_| true),
        Command::Review { command, store } => {
            let config = store.load()?;
            match command {
                ReviewCommand::List => admin::review_list(&config).await?,
                ReviewCommand::Resolve {
                    id,
                    operator,
                    note,
                    status,
                    provider_reference,
                } => {
                    let operator = admin::Operator::new(&operator, &note)?;
                    let decision = admin::Decision {
                        status: status.as_deref(),
                        provider_reference: provider_reference.as_deref(),
                    };
                    admin::review_resolve(&config, &id, &operator, decision).await?
                }
            }
            Ok(true)
        }
        Command::Reconcile {
            fincore_url,
            json,
            store,
        } => admin::reconcile(&store.load()?, fincore_url, json).await,
        Command::Inbound { command, store } => {
            let config = store.load()?;
            match command {
                InboundCommand::Unmatched => admin::inbound_unmatched(&config).await?,
                InboundCommand::Resolve {
                    id_msg,
                    client_id,
                    operator,
                    reason,
                } => {
                    let operator = admin::Operator::new(&operator, &reason)?;
                    admin::inbound_resolve(&config, &id_msg, &client_id, &operator).await?
                }
            }
            Ok(true)
        }
        Command::Sandbox {
            command: SandboxCommand::Fincore { addr },
        } => {
            let mut stop = StopSignals::install();
            init_logs("pretty");
            let seed = fincore::emulator::SeedClient {
                client_id: flux::DEMO_CLIENT_ID.parse()?,
                client_secret: "sandbox-demo-secret".into(),
                bank_adapter_id: flux::boot::DEMO_ADAPTER_ID.parse()?,
                funded_account: Some(rust_decimal::Decimal::from(1_000_000)),
            };
            let config = fincore::emulator::EmulatorConfig {
                api_key: "fincore-sandbox-api-key".into(),
                ..Default::default()
            };
            let emu = fincore::emulator::start(addr.parse()?, config, &[seed]).await?;
            println!("Fincore emulator listening on {}", emu.base_url());
            println!("  x-api-key:     fincore-sandbox-api-key");
            println!("  client_id:     {}", flux::DEMO_CLIENT_ID);
            println!("  client_secret: sandbox-demo-secret");
            stop.recv().await;
            emu.flush();
            Ok(true)
        }
        Command::Sandbox {
            command: SandboxCommand::Felix { addr },
        } => {
            let mut stop = StopSignals::install();
            init_logs("pretty");
            let seed = felix::emulator::SeedProvider {
                email: "sandbox@felix.test".into(),
                password: flux_core::Secret::new("sandbox-demo-password".into()),
                name: "Flux sandbox".into(),
            };
            let config = felix::emulator::EmulatorConfig {
                status_step: None,
                ..Default::default()
            };
            let emu = felix::emulator::start(addr.parse()?, config, &[seed]).await?;
            println!("Félix emulator listening on {}", emu.base_url());
            println!("  email:    sandbox@felix.test");
            println!("  password: sandbox-demo-password");
            stop.recv().await;
            Ok(true)
        }
        Command::Sandbox {
            command: SandboxCommand::Necipco { addr },
        } => {
            let mut stop = StopSignals::install();
            init_logs("pretty");
            let emu = flux::sandbox::necipco(addr.parse()?).await?;
            println!("NeCIPCo emulator listening on {}", emu.base_url());
            println!("  api key:  {}", flux::sandbox::NECIPCO_API_KEY);
            println!("  password: {}", flux::sandbox::NECIPCO_PASSWORD);
            stop.recv().await;
            Ok(true)
        }
        Command::Sandbox {
            command: SandboxCommand::Fidix { addr, books },
        } => {
            let mut stop = StopSignals::install();
            init_logs("pretty");
            let store = flux_store::Store::open(&books).await?;
            store.migrate().await?;
            let config = fidix::emulator::EmulatorConfig::default();
            let (id, secret) = (config.client_id.clone(), config.client_secret.clone());
            let emu = fidix::emulator::start(addr.parse()?, config, store).await?;
            println!("Fidi X emulator listening on {}", emu.base_url());
            println!("  client_id:     {id}");
            println!("  client_secret: {secret}");
            stop.recv().await;
            Ok(true)
        }
    }
}
