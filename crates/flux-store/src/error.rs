//! Store errors: what went wrong, in terms a caller can act on.

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (the named constraint or column, when known).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// A list's `starting_after` names no row of the caller's list (or one of another tenant's).
    #[error("unknown cursor")]
    UnknownCursor,
    /// The books refused the change (`code` is a problem type, e.g. `insufficient_funds`).
    #[error("{code}: {message}")]
    Refused { code: String, message: String },
    /// The database could not be reached or refused to work; retrying later may succeed.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// PostgreSQL failed this write to break a deadlock; nothing of it was written, and running
    /// it again may succeed.
    #[error("deadlock: {0}")]
    Deadlock(String),
    /// A value read back does not have the shape the schema promises.
    #[error("corrupt row (column {column}): {reason}")]
    Corrupt { column: usize, reason: String },
}

impl StoreError {
    pub fn backend(e: impl std::fmt::Display) -> Self {
        StoreError::Unavailable(e.to_string())
    }

    pub fn corrupt(column: usize, reason: &str) -> Self {
        StoreError::Corrupt {
            column,
            reason: reason.to_string(),
        }
    }

    pub(crate) fn from_sqlite(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, msg)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(msg.clone().unwrap_or_else(|| e.to_string()))
            }
            _ => StoreError::backend(e),
        }
    }

    pub(crate) fn from_sqlx(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(db.constraint().unwrap_or("unique").to_string());
            }
            if db.code().as_deref() == Some("40P01") {
                return StoreError::Deadlock(db.message().to_string());
            }
        }
        StoreError::backend(e)
    }
}
