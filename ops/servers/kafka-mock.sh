#!/usr/bin/env bash
# Runs a Kafka cluster in the foreground for the exchange's exporter: librdkafka's mock cluster (the real Kafka protocol
# on loopback, in memory), since no Kafka broker is packaged for this machine. Installs Debian's librdkafka-dev, gcc
# and kcat if missing, builds ops/servers/kafka-mock.c into the directory given, and runs it: it prints "bootstrap HOST:PORT,..."
# and then takes "down ID" / "up ID" on stdin to take a broker away and back. Topics given as NAME:PARTITIONS are
# created at start (the mock keeps about 5 MB per partition). Its caller owns the process.
#
#   ops/servers/kafka-mock.sh DIR [BROKERS [TOPIC:PARTITIONS ...]]     (BROKERS defaults to 3)
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: ops/servers/kafka-mock.sh DIR [BROKERS [TOPIC:PARTITIONS ...]]" >&2
  exit 2
fi
dir=$1 brokers=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")" && pwd)

# kcat too: the way to watch what the exporter writes (build.sh run --demo prints a kcat line; the tests read back with it).
if [ ! -f /usr/include/librdkafka/rdkafka_mock.h ] || ! command -v gcc >/dev/null || ! command -v kcat >/dev/null; then
  echo "kafka-mock.sh: installing librdkafka-dev, gcc and kcat" >&2
  "$here/apt-install.sh" librdkafka-dev gcc kcat
fi

mkdir -p "$dir"
if [ ! -x "$dir/kafka-mock" ] || [ "$here/kafka-mock.c" -nt "$dir/kafka-mock" ]; then
  gcc -O1 -o "$dir/kafka-mock" "$here/kafka-mock.c" -lrdkafka
fi
exec "$dir/kafka-mock" "$brokers" "$@"
