//! One slice of a newest-first list, read either by page number (OFFSET, with a total) or after
//! a cursor (keyset). OFFSET makes the database walk every skipped row and COUNT(*) walks them
//! all, so a deep page costs in proportion to its depth; a cursor resolves its id to the sort key
//! with one indexed lookup and then seeks in the index, so every page costs the same.

use crate::sql::{Row, Tx, Value};
use crate::{Result, StoreError};

/// Which slice of a list to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slice {
    /// 1-based page of `per_page` rows (OFFSET), with the total of matching rows.
    Offset { page: u32, per_page: u32 },
    /// The `per_page` rows that follow the row `id` in the list's order, without a total. The
    /// id as stored: a UUID in its hyphenated lowercase form, or a delivery's `msg_…`.
    After { id: String, per_page: u32 },
}

impl Default for Slice {
    fn default() -> Self {
        Slice::Offset {
            page: 1,
            per_page: 50,
        }
    }
}

impl Slice {
    pub fn per_page(&self) -> u32 {
        match self {
            Slice::Offset { per_page, .. } | Slice::After { per_page, .. } => *per_page,
        }
    }
}

/// What a slice read found.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    /// Rows that match, counted only when paging by offset.
    pub total: Option<u64>,
    /// Whether rows follow the last one returned.
    pub has_more: bool,
}

impl<T> Listed<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listed<U> {
        Listed {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            has_more: self.has_more,
        }
    }
}

/// A newest-first list over one table: `ORDER BY {sort} DESC, id DESC`, a total order because
/// `id` is unique. The index `(tenant columns, sort, id)` serves both the seek and the order.
pub(crate) struct Listing<'a> {
    pub table: &'a str,
    pub columns: &'a str,
    /// The tenant, on `$1..$k` (e.g. `client_id = $1`): a cursor must belong to it.
    pub tenant: &'a str,
    pub tenant_params: Vec<Value>,
    /// Further filters on `$k+1..`, each starting with ` AND`; empty when none.
    pub filter: &'a str,
    pub filter_params: Vec<Value>,
    /// The sort column (an integer: microseconds or a sequence).
    pub sort: &'a str,
}

impl Listing<'_> {
    /// Reads `slice`. An `After` id that is not a row of this tenant is
    /// [`StoreError::UnknownCursor`], whether it exists elsewhere or not.
    pub async fn read(&self, tx: &mut dyn Tx, slice: Slice) -> Result<Listed<Row>> {
        let per_page = i64::from(slice.per_page().clamp(1, 500));
        let mut params = self.tenant_params.clone();
        params.extend(self.filter_params.iter().cloned());
        let (table, tenant, filter, sort, columns) = (
            self.table,
            self.tenant,
            self.filter,
            self.sort,
            self.columns,
        );
        let (rows, total) = match &slice {
            &Slice::Offset { page, .. } => {
                let count = format!("SELECT COUNT(*) FROM {table} WHERE {tenant}{filter}");
                let total = tx.query_opt(&count, &params).await?;
                let total = total.map(|r| r.int(0)).transpose()?.unwrap_or(0);
                let n = params.len();
                params.push((per_page + 1).into());
                params.push((i64::from(page.max(1) - 1) * per_page).into());
                let sql = format!(
                    "SELECT {columns} FROM {table} WHERE {tenant}{filter} \
                     ORDER BY {sort} DESC, id DESC LIMIT ${} OFFSET ${}",
                    n + 1,
                    n + 2
                );
                (tx.query(&sql, &params).await?, Some(total as u64))
            }
            Slice::After { id, .. } => {
                let (key, id) = self.resolve(tx, id.clone()).await?;
                let n = params.len();
                params.push(key.into());
                params.push(id.into());
                params.push((per_page + 1).into());
                // A row value, so that both SQLite and PostgreSQL seek in the index instead of
                // filtering `sort < k OR (sort = k AND id < i)` row by row.
                let sql = format!(
                    "SELECT {columns} FROM {table} WHERE {tenant}{filter} \
                     AND ({sort}, id) < (${}, ${}) ORDER BY {sort} DESC, id DESC LIMIT ${}",
                    n + 1,
                    n + 2,
                    n + 3
                );
                (tx.query(&sql, &params).await?, None)
            }
        };
        let has_more = rows.len() as i64 > per_page;
        let items = rows.into_iter().take(per_page as usize).collect();
        Ok(Listed {
            items,
            total,
            has_more,
        })
    }

    /// The cursor's sort key, looked up by primary key within the tenant.
    async fn resolve(&self, tx: &mut dyn Tx, id: String) -> Result<(i64, String)> {
        let mut params = self.tenant_params.clone();
        params.push(id.into());
        let sql = format!(
            "SELECT {}, id FROM {} WHERE {} AND id = ${}",
            self.sort,
            self.table,
            self.tenant,
            params.len()
        );
        match tx.query_opt(&sql, &params).await? {
            Some(row) => Ok((row.int(0)?, row.text(1)?)),
            None => Err(StoreError::UnknownCursor),
        }
    }
}

impl crate::Store {
    /// Reads one slice of `listing` in a read transaction and maps its rows.
    pub(crate) async fn list_slice<T: Send + 'static>(
        &self,
        listing: Listing<'static>,
        slice: Slice,
        map: fn(&Row) -> Result<T>,
    ) -> Result<Listed<T>> {
        let rows = self
            .read(crate::sql::tx_fn(move |tx| {
                Box::pin(async move { listing.read(tx, slice).await })
            }))
            .await?;
        let items = rows.items.iter().map(map).collect::<Result<Vec<T>>>()?;
        Ok(Listed {
            items,
            total: rows.total,
            has_more: rows.has_more,
        })
    }
}
