//! Test support shared by the test suites of every crate: a throwaway PostgreSQL database.

use sqlx::Connection;

/// Runs `f` with the URL of a fresh PostgreSQL database created on the server that
/// FLUX_TEST_DATABASE_URL names, and drops the database afterwards. Without the variable the
/// PostgreSQL run is skipped, and says so (`scripts/test` always sets it).
#[allow(clippy::expect_used)]
pub async fn with_postgres<F, Fut>(f: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Ok(url) = std::env::var("FLUX_TEST_DATABASE_URL") else {
        eprintln!("FLUX_TEST_DATABASE_URL is not set: skipping the PostgreSQL run");
        return;
    };
    let name = format!("flux_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to FLUX_TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    f(format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .expect("drop the test database");
}
