//! A partner webhook endpoint for benchmarks: answers 204 to every POST as fast as it can and
//! counts. `GET /stats` → `{"count": n, "span_s": seconds between the first and last request,
//! "first_tenth_per_s", "last_tenth_per_s": the rate over the first and the last 10 % of
//! them}` (whether a backlog drains as fast at its end as at its start); `DELETE /stats` resets. Usage: `webhook_sink 127.0.0.1:18200`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Instant;

#[derive(Default)]
struct Stats {
    count: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    /// Every arrival (16 bytes each: 1.6 MB for a 100k backlog).
    arrivals: Vec<Instant>,
}

/// Requests per second over arrivals[from..=to].
fn rate(arrivals: &[Instant], from: usize, to: usize) -> f64 {
    let span = (arrivals[to] - arrivals[from]).as_secs_f64();
    if span > 0.0 {
        (to - from) as f64 / span
    } else {
        0.0
    }
}

type Shared = Arc<std::sync::Mutex<Stats>>;

async fn hook(State(stats): State<Shared>) -> StatusCode {
    let now = Instant::now();
    if let Ok(mut s) = stats.lock() {
        s.count += 1;
        s.first.get_or_insert(now);
        s.last = Some(now);
        s.arrivals.push(now);
    }
    StatusCode::NO_CONTENT
}

async fn read(State(stats): State<Shared>) -> Json<serde_json::Value> {
    let s = stats.lock().map(|s| {
        let span = match (s.first, s.last) {
            (Some(a), Some(b)) => (b - a).as_secs_f64(),
            _ => 0.0,
        };
        let n = s.arrivals.len();
        let tenth = n / 10;
        let (first, last) = if tenth >= 1 {
            (
                rate(&s.arrivals, 0, tenth),
                rate(&s.arrivals, n - 1 - tenth, n - 1),
            )
        } else {
            (0.0, 0.0)
        };
        (s.count, span, first, last)
    });
    let (count, span, first, last) = s.unwrap_or_default();
    Json(serde_json::json!({
        "count": count,
        "span_s": span,
        "first_tenth_per_s": (first * 10.0).round() / 10.0,
        "last_tenth_per_s": (last * 10.0).round() / 10.0,
    }))
}

async fn reset(State(stats): State<Shared>) -> StatusCode {
    if let Ok(mut s) = stats.lock() {
        *s = Stats::default();
    }
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18200".into());
    let stats: Shared = Default::default();
    let app = Router::new()
        .route("/stats", get(read).delete(reset))
        .route("/hooks", post(hook))
        .with_state(stats);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("webhook sink on http://{addr}/hooks");
    axum::serve(listener, app).await?;
    Ok(())
}
