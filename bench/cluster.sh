#!/usr/bin/env bash
# Several instances, in one run, with scripts/cluster (release build, live mode against the
# emulators running alone, HAProxy in front, one PostgreSQL database, one Redis):
#   (1) a representative authenticated GET (client accounts) through the load balancer with 1,
#       2 and 3 instances: throughput, p50, p99;
#   (2) the Redis rate-limit round trip: two extra instances of the cluster, identical but for
#       FLUX_REDIS_URL, side by side, measured alternately (one connection: the latency it
#       adds; CONNS connections: the throughput it costs);
#   (3) from `flux key revoke` (a separate process, through `scripts/cluster admin`) to the first
#       401 on the instances that were serving the key from memory, REVOCATIONS times.
#
#   bash bench/cluster.sh            DURATION=15 CONNS=32 REVOCATIONS=10 by default
#
# Installs wrk, jq and HAProxy (Debian packages) if missing. It never touches the machine's
# Redis: it runs its own redis-server on BENCH_REDIS_PORT. Its cluster lives on ports of its own
# (FLUX_CLUSTER_PORT, default 28080, instances on 28081-28083; emulators on 28100, 28300,
# 28400; extra instances on 28091-28092), in its own database (FLUX_CLUSTER_DB, default
# flux_bench_cluster, dropped at the end) and state directory, and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-15}
CONNS=${CONNS:-32}
REVOCATIONS=${REVOCATIONS:-10}
BENCH_REDIS_PORT=${BENCH_REDIS_PORT:-28379}
CLIENT=205ae70f-ab7e-4b8d-85be-ac16f47c8983

install() { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null 2>&1; }
command -v wrk >/dev/null || install wrk
command -v jq >/dev/null || install jq
command -v python3 >/dev/null || install python3
./scripts/services
# BENCH_FLUX: an already built flux binary instead (to try the script out with a debug build).
if [ -n "${BENCH_FLUX:-}" ]; then
  FLUX=$BENCH_FLUX
else
  nice -n 10 cargo build --release --locked -q -p flux --bin flux
  FLUX=$ROOT/target/release/flux
fi

WORK=$(mktemp -d)
export FLUX_BIN=$FLUX
export FLUX_CLUSTER_DIR=$WORK/cluster
export FLUX_CLUSTER_PORT=${FLUX_CLUSTER_PORT:-28080}
export FLUX_CLUSTER_DB=${FLUX_CLUSTER_DB:-flux_bench_cluster}
export FLUX_CLUSTER_PG=${FLUX_CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
export FLUX_CLUSTER_REDIS=redis://127.0.0.1:$BENCH_REDIS_PORT
export FLUX_CLUSTER_FINCORE_ADDR=127.0.0.1:28100
export FLUX_CLUSTER_FELIX_ADDR=127.0.0.1:28300
export FLUX_CLUSTER_NECIPCO_ADDR=127.0.0.1:28400
# Reach every instance: limits out of the way (each request still makes its Redis round trip),
# one JSON log line per request as in production.
export FLUX_RATE_LIMIT_PER_SECOND=1000000 FLUX_RATE_LIMIT_BURST=1000000 FLUX_LOG_FORMAT=json
LB=http://127.0.0.1:$FLUX_CLUSTER_PORT
WITH_REDIS=127.0.0.1:$((FLUX_CLUSTER_PORT + 11))
WITHOUT_REDIS=127.0.0.1:$((FLUX_CLUSTER_PORT + 12))

PIDS=()
cleanup() {
  ./scripts/cluster down >/dev/null 2>&1 || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PGOPTIONS=--client-min-messages=warning psql "$FLUX_CLUSTER_PG/postgres" -qc \
    "DROP DATABASE IF EXISTS $FLUX_CLUSTER_DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] && echo "logs kept in $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$BENCH_REDIS_PORT" 28100 28300 28400 \
  $(seq "$FLUX_CLUSTER_PORT" $((FLUX_CLUSTER_PORT + 3))) \
  "${WITH_REDIS##*:}" "${WITHOUT_REDIS##*:}"; do
  if listening "$port"; then echo "port $port is taken: is another bench/cluster.sh running?" >&2; exit 1; fi
done

redis-server --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
until redis-cli -p "$BENCH_REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

# One wrk run: prints a table row; keeps wrk's whole output in $WORK.
row() { # name, connections, then wrk args
  local name=$1 conns=$2; shift 2
  local threads=2 out rps p50 p99 non2xx
  [ "$conns" -lt 2 ] && threads=1
  out=$(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency "$@" 2>&1)
  echo "$out" >"$WORK/wrk-$(tr -c 'a-zA-Z0-9' '_' <<<"$name")-c$conns.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '| %-58s | %5s | %10s | %9s | %9s | %7s |\n' "$name" "$conns" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

# The rate-limit mode each instance's /readyz states (shared, local or instance).
modes() {
  local out=() addr
  for addr in "$@"; do out+=("$(curl -s "http://$addr/readyz" | jq -r .rate_limits)"); done
  echo "${out[*]}"
}

ready() { # addr, pid
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://$1/readyz" && return 0
    kill -0 "$2" 2>/dev/null || { echo "flux serve on $1 exited" >&2; return 1; }
    sleep 0.2
  done
  echo "flux serve on $1 never became ready" >&2
  return 1
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD); machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -d${DURATION}s; flux: $FLUX; PostgreSQL $FLUX_CLUSTER_PG/$FLUX_CLUSTER_DB; its own redis-server on $BENCH_REDIS_PORT"
echo
printf '| %-58s | %5s | %10s | %9s | %9s | %7s |\n' "benchmark" "conns" "req/s" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "------:" "-----------:" "----------:" "----------:" "--------:"

# (1) 1, 2, 3 instances behind HAProxy; each `up` starts from a fresh database.
ACCOUNTS=/api/partners/clients/$CLIENT/accounts
for n in 1 2 3; do
  ./scripts/cluster up "$n" >"$WORK/cluster-up-$n.log" 2>&1 || { cat "$WORK/cluster-up-$n.log" >&2; exit 1; }
  KEY=$(cat "$FLUX_CLUSTER_DIR/demo-api-key")
  addrs=(); for i in $(seq 1 "$n"); do addrs+=("127.0.0.1:$((FLUX_CLUSTER_PORT + i))"); done
  # Ready instances connect to Redis in the background: wait until each shares its limits.
  for _ in $(seq 1 100); do
    [ "$(modes "${addrs[@]}" | tr ' ' '\n' | sort -u)" = shared ] && break
    sleep 0.1
  done
  [ "$(modes "${addrs[@]}" | tr ' ' '\n' | sort -u)" = shared ] || { echo "rate limits not shared: $(modes "${addrs[@]}")" >&2; exit 1; }
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$LB$ACCOUNTS" -H "X-API-Key: $KEY" && break
    sleep 0.1
  done
  # HAProxy takes an instance in after two good health checks 500 ms apart: 2 s covers them all.
  sleep 2
  s=""; [ "$n" -gt 1 ] && s=s
  row "(1) GET accounts via HAProxy, $n instance$s" "$CONNS" -H "X-API-Key: $KEY" "$LB$ACCOUNTS"
  if [ "$n" -lt 3 ]; then ./scripts/cluster down >/dev/null 2>&1; fi
done

# (2) Two more instances of the 3-instance cluster (same database, emulators and environment,
# through `scripts/cluster admin serve`), one with FLUX_REDIS_URL and one without it.
cat >"$WORK/flux-without-redis" <<EOF
#!/bin/sh
exec env -u FLUX_REDIS_URL "$FLUX" "\$@"
EOF
chmod +x "$WORK/flux-without-redis"
./scripts/cluster admin serve --addr "$WITH_REDIS" >"$WORK/with-redis.log" 2>&1 &
PIDS+=($!); ready "$WITH_REDIS" $!
FLUX_BIN=$WORK/flux-without-redis ./scripts/cluster admin serve --addr "$WITHOUT_REDIS" >"$WORK/without-redis.log" 2>&1 &
PIDS+=($!); ready "$WITHOUT_REDIS" $!
for _ in $(seq 1 100); do
  [ "$(modes "$WITH_REDIS" "$WITHOUT_REDIS")" = "shared instance" ] && break
  sleep 0.1
done
[ "$(modes "$WITH_REDIS" "$WITHOUT_REDIS")" = "shared instance" ] || { echo "unexpected modes: $(modes "$WITH_REDIS" "$WITHOUT_REDIS")" >&2; exit 1; }
# GET banks: the catalog is cached after one call, so the request is the API key (from memory),
# the rate limit, the audit record and the answer: the Redis round trip is a large part of it.
BANKS=/api/partners/banks
for a in "$WITH_REDIS" "$WITHOUT_REDIS"; do curl -fs -o /dev/null "http://$a$BANKS" -H "X-API-Key: $KEY"; done
for round in 1 2; do
  for c in 1 "$CONNS"; do
    row "(2) GET banks, one instance, Redis rate limit ($round)" "$c" -H "X-API-Key: $KEY" "http://$WITH_REDIS$BANKS"
    row "(2) GET banks, one instance, no Redis ($round)" "$c" -H "X-API-Key: $KEY" "http://$WITHOUT_REDIS$BANKS"
  done
done
echo
echo "Redis round trip alone (redis-cli --latency --raw: PING for 1 s): $(timeout 5 redis-cli -p "$BENCH_REDIS_PORT" --latency --raw 2>/dev/null | tail -n 1 | awk '{printf "min %s ms, avg %s ms, max %s ms over %s samples", $1, $3, $2, $4}')"

# (3) Revocation: REVOCATIONS fresh keys, each warm on all 3 instances (served from memory),
# then `flux key revoke` as a separate process while every instance is polled, round robin
# on a kept-alive connection each.
echo
python3 - "$REVOCATIONS" "$FLUX_CLUSTER_PORT" "$ROOT/scripts/cluster" "$WORK" "$FLUX_CLUSTER_PG/$FLUX_CLUSTER_DB" <<'PY'
import http.client, re, statistics, subprocess, sys, threading, time

runs, lb_port, cluster, work, db = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
ports = [lb_port + i for i in (1, 2, 3)]

def admin(*args):
    p = subprocess.run([cluster, "admin", *args], capture_output=True, text=True, check=True)
    return p.stdout.strip(), p.stderr

partner, _ = admin("partner", "create", "--name", "bench revocation")
conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=10) for p in ports]

def status(i, key):
    conns[i].request("GET", "/api/partners/banks", headers={"X-API-Key": key})
    r = conns[i].getresponse()
    r.read()
    return r.status

command, first, every, propagated = [], [], [], []
for run in range(runs):
    key, err = admin("key", "create", "--partner", partner)
    prefix = re.search(r"Prefix: (\S+)", err).group(1)
    for i in range(3):
        for _ in range(5):
            assert status(i, key) == 200, f"new key refused by instance {i + 1}"
    refused = [None] * 3
    refused_wall = [None] * 3
    ended = []
    started = time.monotonic()
    revoke = subprocess.Popen(
        [cluster, "admin", "key", "revoke", "--key-prefix", prefix, "--operator", "bench",
         "--reason", "bench/cluster.sh: revocation latency"],
        stdout=subprocess.DEVNULL, stderr=open(f"{work}/revoke.log", "a"))
    threading.Thread(target=lambda: (revoke.wait(), ended.append(time.monotonic()))).start()
    while None in refused:
        for i in range(3):
            if refused[i] is None and status(i, key) == 401:
                refused[i] = time.monotonic()
                refused_wall[i] = time.time()
        if time.monotonic() - started > 30:
            sys.exit(f"run {run + 1}: not refused everywhere 30 s after the revocation: {refused}")
    revoke.wait()
    while not ended:
        time.sleep(0.001)
    assert revoke.returncode == 0, "flux key revoke failed (see revoke.log)"
    command.append((ended[0] - started) * 1000)
    first.append((min(refused) - started) * 1000)
    every.append((max(refused) - started) * 1000)
    # The key's revoked_at (microseconds): the command's clock just before its UPDATE commits.
    revoked_at = subprocess.run(
        ["psql", db, "-tAc", f"SELECT revoked_at FROM api_keys WHERE prefix = '{prefix}'"],
        capture_output=True, text=True, check=True).stdout.strip()
    propagated.append((min(refused_wall) - int(revoked_at) / 1e6) * 1000)

print(f"| (3) revocation, {runs} runs, ms from starting `flux key revoke` | median | max |")
print("|---|---:|---:|")
for name, xs in [("`flux key revoke` runs (start to exit)", command),
                 ("first 401 on any of the 3 instances", first),
                 ("401 on all 3 instances", every)]:
    print(f"| {name} | {statistics.median(xs):.0f} | {max(xs):.0f} |")
print(f"| first 401, counted from the key's revoked_at instead (the command's clock, just before"
      f" its commit) | {statistics.median(propagated):.0f} | {max(propagated):.0f} |")
print("each run, ms (command, first 401, all 401, first 401 from revoked_at):", "; ".join(
    f"{c:.0f}/{f:.0f}/{e:.0f}/{p:.0f}" for c, f, e, p in zip(command, first, every, propagated)))
PY
