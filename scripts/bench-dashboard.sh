#!/usr/bin/env bash
# The regulator's dashboard at scale: a generated city of UNITS units with a year of records, its dashboard for that
# year timed over RUNS runs. Pass a PostgreSQL URL to run it there (the database must be empty).
# Usage: bash scripts/bench-dashboard.sh [UNITS] [RUNS] [postgres://…]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p zhian-web --example dashboard_bench
/usr/bin/time -f "peak RSS %M KB" target/release/examples/dashboard_bench "${1:-10000}" "${2:-5}" ${3:+"$3"}
