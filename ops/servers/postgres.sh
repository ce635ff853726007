#!/usr/bin/env bash
# Runs one PostgreSQL server in the foreground for the exchange's exporter: tests, and anyone trying it locally.
# Installs Debian's postgresql if the machine lacks it, creates a cluster in the directory given on first use
# (database "exchange", superuser "exchange", trust authentication on loopback only), and listens on 127.0.0.1 and
# a Unix socket inside that directory. PostgreSQL refuses to run as root, so under root the cluster belongs to the
# postgres system user the package creates. Its caller owns the process: stopping it stops PostgreSQL.
#
#   ops/servers/postgres.sh DIR PORT         run (DIR/pgdata holds the cluster)
#   ops/servers/postgres.sh stop DIR [MODE]  pg_ctl stop -m MODE (default fast; immediate is a crash)
set -euo pipefail

usage() { echo "usage: ops/servers/postgres.sh DIR PORT | ops/servers/postgres.sh stop DIR [smart|fast|immediate]" >&2; exit 2; }

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/postgres" ]; then
    echo "postgres.sh: installing postgresql" >&2
    "$(dirname "$0")/apt-install.sh" postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: ourselves, or postgres when we are root. setpriv execs in place and sets
# the parent-death signal after changing user (a change of user clears it), so the server still dies with our caller.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    exec_prefix=(setpriv --reuid=postgres --regid=postgres --init-groups --pdeathsig=KILL --)
  else
    exec_prefix=()
  fi
}

if [ "${1:-}" = stop ]; then
  [ $# -ge 2 ] && [ $# -le 3 ] || usage
  dir=$2 mode=${3:-fast}
  bin=$(bindir)
  as_owner
  exec "${exec_prefix[@]}" "$bin/pg_ctl" stop -D "$dir/pgdata" -m "$mode" -w -s
fi

[ $# -eq 2 ] || usage
dir=$1 port=$2
bin=$(bindir)
as_owner
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "postgres.sh: no postgres system user (the postgresql package creates it)" >&2; exit 1; }
  # The owner must reach the directory: open the path to it for traversal, and give it the directory.
  chmod a+x "$dir"
  chown postgres:postgres "$dir"
fi
if [ ! -s "$dir/pgdata/PG_VERSION" ]; then
  "${exec_prefix[@]}" "$bin/initdb" -D "$dir/pgdata" -U exchange --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  echo "CREATE DATABASE exchange" | "${exec_prefix[@]}" "$bin/postgres" --single -D "$dir/pgdata" postgres >"$dir/createdb.log" 2>&1 \
    || { cat "$dir/createdb.log" >&2; exit 1; }
fi
# Tuned for tests on a shared box: small, and durable (fsync stays on: the crash tests rely on it). The WAL settings
# are the ones the exporter's bulk COPY wants (export/README.md, "Performance"; recommended for production too): WAL
# buffers that hold a batch's COPY (the default is 1/32 of shared_buffers, 2 MB here), checkpoints spaced by time
# rather than forced by WAL volume (a checkpoint makes the next change of every index page log the whole page), and
# those full-page images compressed. Dynamic shared memory in files under the data directory (mmap), not in /dev/shm:
# a server stopped with -m immediate or killed (the fault tests do both) leaves its segments behind, and there nothing
# removes them, while the scratch directory goes with the test.
exec "${exec_prefix[@]}" "$bin/postgres" -D "$dir/pgdata" -p "$port" -c listen_addresses=127.0.0.1 \
  -c dynamic_shared_memory_type=mmap \
  -c unix_socket_directories="$dir" -c shared_buffers=128MB -c max_connections=40 \
  -c wal_buffers=16MB -c max_wal_size=4GB -c checkpoint_timeout=15min -c wal_compression=lz4 \
  -c logging_collector=off -c log_min_messages=warning -c synchronous_commit=on
