# Sourced, not run: starts `flux serve` in sandbox on a free port and a throwaway data directory,
# waits until it is ready (its demo key written, /readyz answering), and stops it on exit.
# Sets `base` (its address), `data` (the directory, with demo-api-key) and `flux_pid`. The
# caller's environment (FLUX_…) reaches the server. Used by scripts/schemathesis and scripts/sdks.
# FLUX_BIN names a binary already built (.ci/run passes the one `cargo test` left, whose
# dependencies a plain `cargo build` would compile again with other features); without it, build.
if [ -n "${FLUX_BIN:-}" ]; then
    [ -x "$FLUX_BIN" ] || { echo "no flux binary at $FLUX_BIN" >&2; exit 1; }
    flux_bin=$FLUX_BIN
else
    cargo build --locked -p flux
    flux_bin=./target/debug/flux
fi
data=$(mktemp -d)
"$flux_bin" serve --data-dir "$data" --addr 127.0.0.1:0 >"$data/serve.log" 2>&1 &
flux_pid=$!
trap 'kill "$flux_pid" 2>/dev/null; wait "$flux_pid" 2>/dev/null; rm -rf "$data"' EXIT
base=""
for _ in $(seq 150); do
    base=$(sed -n 's/^Flux listening on \(http[^ ]*\).*/\1/p' "$data/serve.log")
    [ -n "$base" ] && [ -s "$data/demo-api-key" ] && curl -sf "$base/readyz" >/dev/null && break
    base=""
    sleep 0.2
done
[ -n "$base" ] || { cat "$data/serve.log"; echo "flux did not start" >&2; exit 1; }
