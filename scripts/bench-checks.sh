#!/usr/bin/env bash
# The daily-check write path under load: officers of generated shops submit typical daily checks (20 items, no
# photo; each logged and committed durably — SQLite synchronous=FULL, PostgreSQL synchronous_commit=on) over
# loopback, and in the same run raw single-row FULL commits on a scratch SQLite file; then the server's peak memory.
# Usage: bash scripts/bench-checks.sh [SECONDS] [CONNECTIONS] [SHOPS] [DATABASE_URL]
#   DATABASE_URL: omit for a new embedded SQLite database; postgres://… for a server (a new database is made in it).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-256}
shops=${3:-100}
db=${4:-}
cargo build --release -q -p zhian
cargo build --release -q -p zhian-web --example check_load
bin=target/release/zhian
load=target/release/examples/check_load
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
args=(serve --data-dir "$work/data" --addr "127.0.0.1:$port" --demo-units "$shops")
if [ -n "$db" ]; then
  name="zhian_bench_$$"
  psql "$db" -qc "create database $name" >/dev/null
  args+=(--database "${db%/*}/$name")
  trap 'kill $pid 2>/dev/null || true; rm -rf "$work"; psql "$db" -qc "drop database if exists $name" >/dev/null 2>&1 || true' EXIT
fi
ZHIAN_LOG=warn "$bin" "${args[@]}" >"$work/out" 2>"$work/err" &
pid=$!
until grep -q 'Ctrl+C' "$work/out" 2>/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$work/err"; exit 1; }
  sleep 0.2
done
awk '$1 ~ /^demo[0-9]+\.officer$/ {print $1, $2}' "$work/out" >"$work/logins"
backend=SQLite
[ -n "$db" ] && backend=PostgreSQL
echo "backend: $backend; $(wc -l <"$work/logins") officers; ${conns} connections; ${secs} s"
echo "resident memory before the load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
raw=()
[ -z "$db" ] && raw=("$work")
"$load" "http://127.0.0.1:$port" "$work/logins" "$secs" "$conns" "${raw[@]}"
echo "server peak resident memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
echo "server CPU time (user+sys, s): $(awk '{printf "%.1f", ($14+$15)/100}' /proc/$pid/stat)"
