#!/usr/bin/env bash
# The server's performance figures: cold start to serving on a new SQLite database, resident memory when idle, and
# the authenticated unit dashboard under 50 concurrent connections (wrk, loopback).
# Usage: bash scripts/bench-web.sh [SECONDS]      (release build; installs wrk if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p zhian
bin=target/release/zhian
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Cold start: a new data directory, no demo data; from exec to the first healthy answer.
start=$(date +%s%N)
"$bin" serve --data-dir "$work/cold" --addr "127.0.0.1:$port" >"$work/cold.out" 2>"$work/cold.err" &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do :; done
ready=$(date +%s%N)
echo "cold start to serving (new SQLite database): $(( (ready - start) / 1000000 )) ms"
kill $pid; wait $pid 2>/dev/null || true

# The demo county, then idle memory and the dashboard under load.
"$bin" serve --data-dir "$work/demo" --addr "127.0.0.1:$port" --demo >"$work/demo.out" 2>"$work/demo.err" &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do :; done
until grep -q 'ebike.principal' "$work/demo.out"; do :; done
password=$(awk '$1 == "ebike.principal" {print $2}' "$work/demo.out")
csrf=$(curl -s -c "$work/jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -b "$work/jar" -c "$work/jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "username=ebike.principal" \
  --data-urlencode "password=$password" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
cookie=$(awk '$6 == "zhian_session" {print $7}' "$work/jar")
[ -n "$cookie" ] || { echo "log-in failed"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: zhian_session=$cookie" "http://127.0.0.1:$port/units/1")
[ "$status" = 200 ] || { echo "dashboard answered $status"; exit 1; }
sleep 2
echo "resident memory, idle after start and demo load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
echo "dashboard GET /units/1, wrk -t2 -c50 -d${secs}s:"
wrk -t2 -c50 -d"${secs}s" --latency -H "Cookie: zhian_session=$cookie" "http://127.0.0.1:$port/units/1" \
  | grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx'
echo "resident memory after the load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
