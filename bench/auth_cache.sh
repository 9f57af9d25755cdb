#!/usr/bin/env bash
# API key and client ownership from memory (flux_gateway::auth_cache) against reading them from
# the store on every request: the same cheap authenticated GETs through a Flux built without
# the cache (FLUX_BEFORE, a `flux` binary) and through this tree's, both on SQLite, both
# running at once, measured alternately (before, after, before, after) in one run so the
# machine's other load falls on both alike.
#   FLUX_BEFORE=/path/to/flux-without-cache DURATION=10 bash bench/auth_cache.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FLUX_BEFORE:?set FLUX_BEFORE to a flux binary built without the auth cache}"
source bench/lib.sh

table_header
AFTER=$FLUX
FLUX=$FLUX_BEFORE
start_flux "sqlite://$WORK/data-18003/flux.db" 18003
BEFORE_BASE=$BASE BEFORE_KEY=$KEY
FLUX=$AFTER
start_flux "sqlite://$WORK/data-18001/flux.db" 18001

# The banks catalog is cached by Flux for ten minutes: after one call, GET banks is the API key,
# the rate limit, the audit record and the response.
for base in "$BEFORE_BASE" "$BASE"; do
  k=$KEY; [ "$base" = "$BEFORE_BASE" ] && k=$BEFORE_KEY
  curl -sf -o /dev/null "$base/api/partners/banks" -H "X-API-Key: $k"
done
for round in 1 2; do
  wrk_summary "GET banks, store read per request ($round)" -H "X-API-Key: $BEFORE_KEY" "$BEFORE_BASE/api/partners/banks"
  wrk_summary "GET banks, auth cache ($round)" -H "X-API-Key: $KEY" "$BASE/api/partners/banks"
  wrk_summary "GET webhooks, store read per request ($round)" -H "X-API-Key: $BEFORE_KEY" "$BEFORE_BASE/api/partners/clients/$CLIENT/webhooks"
  wrk_summary "GET webhooks, auth cache ($round)" -H "X-API-Key: $KEY" "$BASE/api/partners/clients/$CLIENT/webhooks"
done
echo "auth cache lookups (after):"
curl -s "$BASE/metrics" | grep '^flux_auth_cache_lookups_total'
