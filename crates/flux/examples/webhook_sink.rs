//! A partner webhook endpoint for benchmarks: answers 204 to every POST as fast as it can and
//! counts. `GET /stats` → `{"count": n, "span_s": seconds between the first and last request,
//! "first10_per_s", "last10_per_s": the rate of the first and last tenth of the requests, by
//! their arrival times}`; `DELETE /stats` resets. Usage: `webhook_sink 127.0.0.1:18200`.

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
    /// Each request's arrival, seconds after the first: a drain's pace at its start and end.
    arrivals: Vec<f64>,
}

/// Requests per second over the tenth of `arrivals` starting at request `from`.
fn tenth_rate(arrivals: &[f64], from: usize) -> f64 {
    let n = arrivals.len() / 10;
    if n < 2 {
        return 0.0;
    }
    let span = arrivals[from + n - 1] - arrivals[from];
    if span > 0.0 {
        (n - 1) as f64 / span
    } else {
        0.0
    }
}

type Shared = Arc<std::sync::Mutex<Stats>>;

async fn hook(State(stats): State<Shared>) -> StatusCode {
    let now = Instant::now();
    if let Ok(mut s) = stats.lock() {
        s.count += 1;
        let first = *s.first.get_or_insert(now);
        s.last = Some(now);
        s.arrivals.push((now - first).as_secs_f64());
    }
    StatusCode::NO_CONTENT
}

async fn read(State(stats): State<Shared>) -> Json<serde_json::Value> {
    let s = stats.lock().map(|s| {
        let span = match (s.first, s.last) {
            (Some(a), Some(b)) => (b - a).as_secs_f64(),
            _ => 0.0,
        };
        let tenth = s.arrivals.len() / 10;
        let first10 = tenth_rate(&s.arrivals, 0);
        let last10 = tenth_rate(&s.arrivals, s.arrivals.len().saturating_sub(tenth));
        (s.count, span, first10, last10)
    });
    let (count, span, first10, last10) = s.unwrap_or_default();
    Json(serde_json::json!({"count": count, "span_s": span,
        "first10_per_s": first10, "last10_per_s": last10}))
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
