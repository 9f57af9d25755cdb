//! The audit trail: append-only and hash-chained. Record n stores sha256(hash(n-1) ‖ record n),
//! and a one-row head holds the last (seq, hash). Changing, removing or reordering any record
//! breaks the chain at that record, which `verify_audit` names.
//!
//! Appends take the head row's lock first (`UPDATE audit_head … WHERE id = 1`), which
//! serialises appenders across Flux instances on PostgreSQL; on SQLite the single writer
//! thread already does.

use crate::sql::{tx_fn, Row, Tx};
use crate::*;
use sha2::{Digest, Sha256};

/// The hash of one record given the previous record's hash.
pub fn chain_hash(prev_hash: &str, seq: i64, r: &NewAudit) -> String {
    let canonical = serde_json::json!([
        seq,
        flux_core::time::to_micros(r.at),
        r.partner_id.map(|p| p.to_string()),
        r.key_prefix,
        r.method,
        r.path,
        r.status,
        r.latency_us,
        r.request_id,
        r.correlation_id,
        r.request_body,
        r.response_body,
    ]);
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.to_string().as_bytes());
    hex::encode(h.finalize())
}

const AUDIT_ROWS_PER_INSERT: usize = 64;

/// `INSERT … VALUES ($1..$14), ($15..$28), …` for `rows` records, built once per size.
fn insert_sql(rows: usize) -> &'static str {
    static CACHE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        (0..=AUDIT_ROWS_PER_INSERT)
            .map(|n| {
                let values: Vec<String> = (0..n)
                    .map(|i| {
                        let p: Vec<String> = (1..=14).map(|c| format!("${}", i * 14 + c)).collect();
                        format!("({})", p.join(", "))
                    })
                    .collect();
                format!(
                    "INSERT INTO audit_log (seq, at, partner_id, key_prefix, method, path, status, latency_us, \
                     request_id, correlation_id, request_body, response_body, prev_hash, hash) VALUES {}",
                    values.join(", ")
                )
            })
            .collect()
    });
    &all[rows.min(AUDIT_ROWS_PER_INSERT)]
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditVerification {
    /// Records checked.
    pub records: u64,
    /// The first record that fails, and why. None means the chain is intact.
    pub first_bad: Option<(i64, String)>,
}

fn audit_record(row: &Row) -> Result<AuditRecord> {
    Ok(AuditRecord {
        seq: row.int(0)?,
        record: NewAudit {
            at: instant(row, 1)?,
            partner_id: row.opt_uuid(2)?,
            key_prefix: row.opt_text(3)?,
            method: row.text(4)?,
            path: row.text(5)?,
            status: u16::try_from(row.int(6)?).unwrap_or(0),
            latency_us: row.int(7)?,
            request_id: row.text(8)?,
            correlation_id: row.opt_text(9)?,
            request_body: row.opt_text(10)?,
            response_body: row.opt_text(11)?,
        },
        prev_hash: row.text(12)?,
        hash: row.text(13)?,
    })
}

impl Store {
    /// Appends records in order, chaining each to the last one stored.
    pub async fn append_audit(&self, records: Vec<NewAudit>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.write(tx_fn(move |tx| Box::pin(append_audit_in(tx, records))))
            .await
    }

    /// Records with seq > `after`, in order, at most `limit`.
    pub async fn audit_records(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows = self
            .query(
                "SELECT seq, at, partner_id, key_prefix, method, path, status, latency_us, request_id,
                   correlation_id, request_body, response_body, prev_hash, hash
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                vec![after.into(), limit.into()],
            )
            .await?;
        rows.iter().map(audit_record).collect()
    }

    /// Walks the whole chain and names the first record that was altered, removed or reordered.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let head = self
            .query("SELECT seq, hash FROM audit_head WHERE id = 1", vec![])
            .await?;
        let (head_seq, head_hash) = match head.first() {
            Some(r) => (r.int(0)?, r.text(1)?),
            None => (0, "genesis".to_string()),
        };
        // Only records up to the head read above are checked: the head is updated in the same
        // transaction as the records it covers, so those are all committed, and anything
        // beyond it was appended after this walk began.
        let (mut expected_seq, mut prev) = (1i64, "genesis".to_string());
        let mut checked = 0u64;
        'walk: while expected_seq <= head_seq {
            let page = self.audit_records(expected_seq - 1, 1000).await?;
            if page.is_empty() {
                break;
            }
            for rec in page {
                if rec.seq > head_seq {
                    break 'walk;
                }
                checked += 1;
                let bad = if rec.seq != expected_seq {
                    Some(format!("record {expected_seq} is missing"))
                } else if rec.prev_hash != prev {
                    Some("previous-hash link does not match the record before it".into())
                } else if chain_hash(&prev, rec.seq, &rec.record) != rec.hash {
                    Some("content does not match its hash (altered)".into())
                } else {
                    None
                };
                if let Some(reason) = bad {
                    return Ok(AuditVerification {
                        records: checked,
                        first_bad: Some((expected_seq, reason)),
                    });
                }
                prev = rec.hash;
                expected_seq += 1;
            }
        }
        let last = expected_seq - 1;
        let first_bad = if last != head_seq || prev != head_hash {
            Some((last + 1, format!("chain ends at record {last} but the head says {head_seq}: records removed from the end")))
        } else {
            None
        };
        Ok(AuditVerification {
            records: checked,
            first_bad,
        })
    }
}

/// Appends records inside the caller's transaction, so that an operator's action and the record
/// of it commit together or not at all.
pub(crate) async fn append_audit_in(tx: &mut dyn Tx, records: Vec<NewAudit>) -> Result<()> {
    tx.exec("UPDATE audit_head SET seq = seq WHERE id = 1", &[])
        .await?;
    let head = tx
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?
        .ok_or(StoreError::NotFound)?;
    let (mut seq, mut hash) = (head.int(0)?, head.text(1)?);
    // Multi-row inserts: one statement per AUDIT_ROWS_PER_INSERT records, so a
    // batch costs a few round trips, not one per record.
    for chunk in records.chunks(AUDIT_ROWS_PER_INSERT) {
        let mut params = Vec::with_capacity(chunk.len() * 14);
        for r in chunk {
            seq += 1;
            let next = chain_hash(&hash, seq, r);
            params.extend([
                seq.into(),
                micros(r.at),
                r.partner_id.into(),
                r.key_prefix.clone().into(),
                r.method.clone().into(),
                r.path.clone().into(),
                i64::from(r.status).into(),
                r.latency_us.into(),
                r.request_id.clone().into(),
                r.correlation_id.clone().into(),
                r.request_body.clone().into(),
                r.response_body.clone().into(),
                hash.clone().into(),
                next.clone().into(),
            ]);
            hash = next;
        }
        tx.exec(insert_sql(chunk.len()), &params).await?;
    }
    tx.exec(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
        &[seq.into(), hash.into()],
    )
    .await?;
    Ok(())
}
