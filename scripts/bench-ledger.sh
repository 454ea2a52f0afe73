#!/usr/bin/env bash
# Runs the Go peer (golang.org/x/mod/sumdb/tlog, SHA-256, in memory) at 1 M and
# 10 M leaves, then the zhian-ledger criterion bench, and prints both sides.
# Usage: bash scripts/bench-ledger.sh        (release build; takes a few minutes)
set -euo pipefail
ws=$(cd "$(dirname "$0")/.." && pwd)
peer=${GO_PEER:-$ws/../shared/bench/gotlog/run.sh}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ws/target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== Go peer: golang.org/x/mod/sumdb/tlog =="
for n in 1000000 10000000; do
  bash "$peer" "$n" | tee -a "$out/go.txt"
done

echo
echo "== zhian-ledger: cargo bench -p zhian-ledger --bench log =="
(cd "$ws" && cargo bench -j 1 -p zhian-ledger --bench log 2>&1) | tee "$out/rust.txt"

echo
echo "== Summary =="
echo "-- Go --"
cat "$out/go.txt"
echo "-- zhian-ledger --"
grep -E '^zhian-ledger ' "$out/rust.txt" || true
awk '/^(append|prove|verify|prove_disk)\//{name=$1}
     /thrpt:/{if(last){print "    ", $0}; last=0; next}
     /time:/{last=0; if(name!=""){if($1==name){print $0}else{print name, $0}; name=""; last=1}; next}
     {last=0}' "$out/rust.txt"
