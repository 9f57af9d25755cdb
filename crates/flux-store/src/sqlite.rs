//! SQLite backend: one file in WAL mode, `synchronous=FULL` (a commit is on disk before it is
//! acknowledged). SQLite allows one writer at a time, so instead of letting connections fight
//! over the write lock, a single writer thread takes every pending write, runs each after the
//! first in its own SAVEPOINT (one failing body does not undo the others; the first needs none,
//! since rolling back the transaction undoes only it) and commits the whole batch with one
//! fsync: group commit. Reads run on the calling thread, each thread with its own connection
//! to the file: a read of a page-cached WAL database takes microseconds, less than the two
//! thread hand-offs a reader pool would cost, and WAL readers never wait for the writer.

use crate::sql::{AnyResult, Backend, Row, Tx, TxFn, Value};
use crate::StoreError;
use rusqlite::{types::ValueRef, Connection, OpenFlags};
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;

/// The most writes folded into one commit: bounds the latency one batch can add.
const MAX_BATCH: usize = 1024;

type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
/// Runs its body in the open transaction (`Some`), or, when there is none to run it in (`None`),
/// only hands back its finisher so that the caller can be told why.
type WriteJob = Box<dyn FnOnce(Option<&mut SqliteTx>) -> (bool, Finish) + Send>;

pub struct SqliteBackend {
    writer: flume::Sender<WriteJob>,
    path: PathBuf,
}

thread_local! {
    /// This thread's read connection to each database file it has read.
    static READERS: std::cell::RefCell<std::collections::HashMap<PathBuf, SqliteTx>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// A connection in the middle of a transaction (or a read).
pub struct SqliteTx {
    conn: Connection,
    /// For each statement text, the SQLite index of `$1`, `$2`…: looking a name up scans the
    /// statement's parameter list, which for a multi-row insert of hundreds of parameters
    /// would cost more than the insert itself if done on every execution.
    param_maps: ParamMaps,
}

impl SqliteTx {
    fn new(conn: Connection) -> Self {
        SqliteTx {
            conn,
            param_maps: std::collections::HashMap::new(),
        }
    }
}

type ParamMaps = std::collections::HashMap<String, std::sync::Arc<Vec<Option<usize>>>>;

fn param_map(
    maps: &mut ParamMaps,
    sql: &str,
    stmt: &rusqlite::CachedStatement<'_>,
    count: usize,
) -> Result<std::sync::Arc<Vec<Option<usize>>>, StoreError> {
    if let Some(map) = maps.get(sql) {
        if map.len() == count {
            return Ok(map.clone());
        }
    }
    let mut map = Vec::with_capacity(count);
    for i in 0..count {
        map.push(
            stmt.parameter_index(&format!("${}", i + 1))
                .map_err(StoreError::backend)?,
        );
    }
    let map = std::sync::Arc::new(map);
    if maps.len() > 1024 {
        maps.clear();
    }
    maps.insert(sql.to_string(), map.clone());
    Ok(map)
}

/// Opens a connection with Flux's settings. `secure_delete` makes SQLite overwrite what it
/// frees with zeros: a secret replaced (sealed on upgrade, re-sealed by a key rotation) or a
/// row deleted must not live on in a free page of the file or of a copy of it.
fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::backend)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         PRAGMA synchronous=FULL;
         PRAGMA foreign_keys=ON;
         PRAGMA busy_timeout=10000;
         PRAGMA temp_store=MEMORY;
         PRAGMA wal_autocheckpoint=10000;
         PRAGMA secure_delete=ON;",
    )
    .map_err(StoreError::backend)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

impl SqliteBackend {
    /// Opens (creating if needed) the database file and starts the writer and reader threads.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(StoreError::backend)?;
        }
        let (writer, write_rx) = flume::unbounded::<WriteJob>();
        private_file(path)?;
        let conn = open(path)?;
        // SQLite gives the -wal and -shm files the database file's mode; files left by an older
        // Flux, created under the umask, are tightened here.
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            if Path::new(&side).exists() {
                private_file(Path::new(&side))?;
            }
        }
        std::thread::Builder::new()
            .name("flux-sqlite-writer".into())
            .spawn(move || writer_loop(SqliteTx::new(conn), write_rx))
            .map_err(StoreError::backend)?;
        Ok(SqliteBackend {
            writer,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Copies the database at `db` to the new file `to`, consistent as of one moment, while other
/// connections (a serving Flux) go on reading and writing: `VACUUM INTO` reads in one WAL read
/// transaction, so it neither blocks the writer nor sees half a commit. The copy is compact
/// (no free pages, so nothing freed survives into it) and private (0600), and holds sealed
/// secrets only: the key stays outside it.
pub fn backup(db: &Path, to: &Path) -> Result<(), StoreError> {
    if !db.is_file() {
        return Err(StoreError::Unavailable(format!(
            "no database at {}",
            db.display()
        )));
    }
    if to.exists() {
        return Err(StoreError::Conflict(format!(
            "{} already exists; a backup never overwrites",
            to.display()
        )));
    }
    let conn = open(db)?;
    // VACUUM INTO accepts an empty file: created 0600 first, so that the copy is never
    // readable by others, whatever the umask.
    private_file(to)?;
    let done = conn.execute("VACUUM INTO ?1", [to.display().to_string()]);
    if let Err(e) = done {
        let _ = std::fs::remove_file(to);
        return Err(StoreError::backend(e));
    }
    std::fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(StoreError::backend)
}

/// Makes `path` a file readable and writable by Flux's user only (0600), creating it empty if
/// needed (SQLite takes an empty file as a new database). SQLite would create it 0644 less the
/// umask: the database holds the audit trail and sealed credentials, and its mode must not
/// depend on how the process was started. Changing the umask instead would change it for the
/// whole process, which a library has no business doing.
///
/// A file that exists is only chmod-ed, never opened: POSIX drops every lock a process holds
/// on a file when it closes any descriptor of it, so opening and closing the database or its
/// -shm while this process already has it open (a restart in the same process, the Fidi X
/// emulator) would silently release SQLite's locks; another process (`flux reconcile`) would
/// then think it alone and truncate the -shm this process has mapped: SIGBUS.
fn private_file(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    if path.exists() {
        use std::os::unix::fs::PermissionsExt;
        return std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(StoreError::backend);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path).map_err(StoreError::backend)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(StoreError::backend)?;
    }
    #[cfg(not(unix))]
    options.open(path).map_err(StoreError::backend)?;
    Ok(())
}

fn writer_loop(mut tx: SqliteTx, rx: flume::Receiver<WriteJob>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = tx.conn.execute_batch("BEGIN IMMEDIATE") {
            refuse(jobs, StoreError::backend(e));
            continue;
        }
        let mut finishers = Vec::with_capacity(jobs.len());
        let mut jobs = jobs.into_iter();
        // The first body needs no SAVEPOINT: if it fails, nothing else has run yet and rolling
        // back the whole transaction undoes exactly it. A savepoint costs a copy of every page
        // the body touches.
        if let Some(job) = jobs.next() {
            let (ok, finish) = job(Some(&mut tx));
            finishers.push((finish, Ok(())));
            if !ok {
                if let Err(e) = tx.conn.execute_batch("ROLLBACK; BEGIN IMMEDIATE") {
                    let _ = tx.conn.execute_batch("ROLLBACK");
                    let err = StoreError::backend(e);
                    for (finish, _) in finishers {
                        finish(Err(err.clone()));
                    }
                    refuse(jobs, err);
                    continue;
                }
            }
        }
        for job in jobs {
            let savepoint = tx.conn.execute_batch("SAVEPOINT job");
            let (ok, finish) = job(Some(&mut tx));
            let end = if ok {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            let ended = savepoint.and_then(|_| tx.conn.execute_batch(end));
            finishers.push((finish, ended.map_err(StoreError::backend)));
        }
        let committed = tx.conn.execute_batch("COMMIT").map_err(StoreError::backend);
        if committed.is_err() {
            let _ = tx.conn.execute_batch("ROLLBACK");
        }
        for (finish, ended) in finishers {
            finish(ended.and(committed.clone()));
        }
    }
}

/// Answers jobs that cannot run, without running them: a body run outside a transaction would
/// autocommit each statement while its caller is told it failed.
fn refuse(jobs: impl IntoIterator<Item = WriteJob>, err: StoreError) {
    for job in jobs {
        let (_, finish) = job(None);
        finish(Err(err.clone()));
    }
}

/// Runs an async body to completion on the current (blocking) thread. SQLite calls never
/// suspend, so the future is ready on the first poll; `block_on` is only the adapter.
fn run_now<T>(tx: &mut SqliteTx, body: TxFn<T>) -> Result<T, StoreError> {
    futures::executor::block_on(body(tx))
}

#[async_trait::async_trait]
impl Backend for SqliteBackend {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    async fn write(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError> {
        let (done, answer) = oneshot::channel();
        let job: WriteJob = Box::new(move |tx| {
            let result = match tx {
                Some(tx) => run_now(tx, body),
                None => Err(StoreError::Unavailable(
                    "sqlite: no write transaction".into(),
                )),
            };
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |committed| {
                let _ = done.send(committed.and(result));
            });
            (ok, finish)
        });
        self.writer
            .send(job)
            .map_err(|_| StoreError::Unavailable("sqlite writer stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("sqlite writer stopped".into()))?
    }

    async fn read(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError> {
        READERS.with(|readers| {
            let mut readers = readers.borrow_mut();
            if !readers.contains_key(&self.path) {
                readers.insert(self.path.clone(), SqliteTx::new(open(&self.path)?));
            }
            match readers.get_mut(&self.path) {
                Some(tx) => run_now(tx, body),
                None => Err(StoreError::Unavailable("no read connection".into())),
            }
        })
    }

    async fn exec_script(&self, sql: &str) -> Result<(), StoreError> {
        let conn = open(&self.path)?;
        let sql = sql.to_string();
        tokio::task::spawn_blocking(move || conn.execute_batch(&sql).map_err(StoreError::backend))
            .await
            .map_err(StoreError::backend)?
    }
}

fn bind(
    stmt: &mut rusqlite::CachedStatement<'_>,
    map: &[Option<usize>],
    params: &[Value],
) -> Result<(), StoreError> {
    for (value, index) in params.iter().zip(map) {
        let Some(index) = *index else {
            continue;
        };
        let bound = match value {
            Value::Int(v) => stmt.raw_bind_parameter(index, v),
            Value::Text(v) => stmt.raw_bind_parameter(index, v),
            Value::Blob(v) => stmt.raw_bind_parameter(index, v),
            Value::IntArray(_) | Value::TextArray(_) => {
                return Err(StoreError::Unavailable(
                    "SQLite has no array parameters".into(),
                ))
            }
        };
        bound.map_err(StoreError::backend)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl Tx for SqliteTx {
    fn dialect(&self) -> &'static str {
        "sqlite"
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(StoreError::backend)?;
        let map = param_map(&mut self.param_maps, sql, &stmt, params.len())?;
        bind(&mut stmt, &map, params)?;
        let changed = stmt.raw_execute().map_err(StoreError::from_sqlite)?;
        Ok(changed as u64)
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(StoreError::backend)?;
        let map = param_map(&mut self.param_maps, sql, &stmt, params.len())?;
        bind(&mut stmt, &map, params)?;
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(StoreError::from_sqlite)? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                let v = match row.get_ref(i).map_err(StoreError::backend)? {
                    ValueRef::Null => Value::Text(None),
                    ValueRef::Integer(n) => Value::Int(Some(n)),
                    ValueRef::Real(f) => Value::Text(Some(f.to_string())),
                    ValueRef::Text(t) => Value::Text(Some(String::from_utf8_lossy(t).into_owned())),
                    ValueRef::Blob(b) => Value::Blob(Some(b.to_vec())),
                };
                values.push(v);
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}
