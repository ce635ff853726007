#!/usr/bin/env bash
# Runs one Redis server in the foreground for the exchange's exporter: tests, ./build.sh run --export, and anyone trying
# it locally. Installs Debian's redis-server if the machine lacks it, writes its own config into the directory given
# (loopback only, data in that directory, append-only file on), and runs it. The append-only file is written before each
# reply, so a killed server (SIGKILL) comes back with every acknowledged MULTI/EXEC; fsync once a second bounds what a
# power cut could take. Its caller owns the process: stopping it stops Redis.
#
#   ops/servers/redis.sh DIR PORT
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: ops/servers/redis.sh DIR PORT" >&2
  exit 2
fi
dir=$1 port=$2

if ! command -v redis-server >/dev/null; then
  echo "redis.sh: installing redis-server" >&2
  "$(dirname "$0")/apt-install.sh" redis-server
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
daemonize no
dir $dir
logfile ""
loglevel warning
save ""
appendonly yes
appendfilename "appendonly.aof"
appendfsync everysec
aof-load-truncated yes
maxmemory 0
CONF
exec redis-server "$dir/redis.conf"
