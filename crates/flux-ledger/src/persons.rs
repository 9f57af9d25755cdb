//! Persons (Fidi X's owners of accounts), stored as the JSON a ledger API gives them.

use flux_store::sql::{tx_fn, Value};
use flux_store::{Store, StoreError};
use uuid::Uuid;

/// A stored person: its ledger, its data, when it was created (Unix microseconds).
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub id: Uuid,
    pub ledger_id: Uuid,
    pub data: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn person(row: &flux_store::sql::Row) -> Result<PersonRow, StoreError> {
    Ok(PersonRow {
        id: row.uuid(0)?,
        ledger_id: row.uuid(1)?,
        data: serde_json::from_str(&row.text(2)?)
            .map_err(|_| StoreError::corrupt(2, "not JSON"))?,
        created_at: flux_core::time::from_micros(row.int(3)?),
    })
}

pub async fn insert_person(store: &Store, p: &PersonRow) -> Result<(), StoreError> {
    store
        .exec(
            "INSERT INTO ledger_persons (id, ledger_id, data, created_at) VALUES ($1, $2, $3, $4)",
            vec![
                p.id.into(),
                p.ledger_id.into(),
                p.data.to_string().into(),
                Value::from(flux_core::time::to_micros(p.created_at)),
            ],
        )
        .await
        .map(|_| ())
}

pub async fn get_person(store: &Store, id: Uuid) -> Result<Option<PersonRow>, StoreError> {
    let rows = store
        .query(
            "SELECT id, ledger_id, data, created_at FROM ledger_persons WHERE id = $1",
            vec![id.into()],
        )
        .await?;
    rows.first().map(person).transpose()
}

pub async fn list_persons(
    store: &Store,
    ledger_id: Uuid,
    offset: u64,
    limit: u64,
) -> Result<(Vec<PersonRow>, u64), StoreError> {
    store
        .read(tx_fn(move |tx| {
            Box::pin(async move {
                let rows = tx
                    .query(
                        "SELECT id, ledger_id, data, created_at FROM ledger_persons WHERE ledger_id = $1 \
                         ORDER BY created_at, id LIMIT $2 OFFSET $3",
                        &[ledger_id.into(), (limit as i64).into(), (offset as i64).into()],
                    )
                    .await?;
                let total = tx
                    .query_opt(
                        "SELECT COUNT(*) FROM ledger_persons WHERE ledger_id = $1",
                        &[ledger_id.into()],
                    )
                    .await?
                    .map(|r| r.int(0))
                    .transpose()?
                    .unwrap_or(0);
                let persons = rows.iter().map(person).collect::<Result<_, _>>()?;
                Ok((persons, total as u64))
            })
        }))
        .await
}
