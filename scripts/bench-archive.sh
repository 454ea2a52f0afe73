#!/usr/bin/env bash
# A unit's month archive (31 daily records, 5 weekly reports, 1 set of minutes, the lists; every document as PDF, the
# lists also as XLSX, every record's proof bundle, the checkpoint, the logged manifest), timed over RUNS runs; then
# the same month's records as DOCX converted to PDF by LibreOffice headless, the route a user would otherwise take.
# Usage: bash scripts/bench-archive.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p zhian-web --example archive_bench
target/release/examples/archive_bench "${1:-5}"
