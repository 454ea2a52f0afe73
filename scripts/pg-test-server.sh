#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and prints its admin URL.
# Usage: scripts/pg-test-server.sh start|stop   (PGDIR defaults to /tmp/zhian-pg, port 55432)
# Installs Debian's postgresql if missing. Runs the server as the 'postgres' user (initdb refuses root).
set -euo pipefail
PGDIR=${PGDIR:-/tmp/zhian-pg}
PORT=${PGPORT_TEST:-55432}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$b" ] || { echo "postgresql binaries not found" >&2; exit 1; }
  echo "$b"
}

start() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local b; b=$(bin)
  as_root mkdir -p "$PGDIR"
  as_root chown postgres:postgres "$PGDIR"
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    as_root su postgres -s /bin/sh -c "$b/initdb -D $PGDIR/data --encoding=UTF8 --locale=C.UTF-8 -U postgres --auth=trust" >/dev/null
  fi
  if ! as_root su postgres -s /bin/sh -c "$b/pg_ctl -D $PGDIR/data status" >/dev/null 2>&1; then
    as_root su postgres -s /bin/sh -c "$b/pg_ctl -D $PGDIR/data -l $PGDIR/log -w \
      -o '-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200' start" >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$PORT/postgres"
}

stop() {
  local b; b=$(bin)
  as_root su postgres -s /bin/sh -c "$b/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
