#!/usr/bin/env bash
# Runs one etcd member in the foreground for the exchange's leader election: tests, ./build.sh run --cluster, and
# anyone trying it locally. Installs Debian's etcd-server if the machine lacks it, listens on loopback only, keeps
# its data in the directory given, and is tuned for fast failure detection on one machine (heartbeat 50 ms,
# election timeout 250 ms; etcd's smallest lease TTL is then 1 s). Its caller owns the process: stopping it stops etcd.
#
#   ops/servers/etcd.sh DATA_DIR CLIENT_PORT PEER_PORT
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: ops/servers/etcd.sh DATA_DIR CLIENT_PORT PEER_PORT" >&2
  exit 2
fi
data=$1 client=$2 peer=$3

if ! command -v etcd >/dev/null; then
  echo "etcd.sh: installing etcd-server" >&2
  "$(dirname "$0")/apt-install.sh" etcd-server
fi

mkdir -p "$data"
exec etcd --name exchange --data-dir "$data" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "exchange=http://127.0.0.1:$peer" --initial-cluster-state new \
  --heartbeat-interval 50 --election-timeout 250 --log-level warn
