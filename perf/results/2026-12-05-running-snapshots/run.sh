#!/bin/bash
# One run: an engine writing a snapshot every N inputs (retention on, 1 MiB segments), two exchange-mm market makers
# quoting every millisecond for S seconds; the engine's log lines say what each snapshot cost its thread.
# Usage: run.sh N S OUTPUT_PREFIX   (from a built tests/Exchange.System.Tests, which carries the executables)
B=${BIN:-tests/Exchange.System.Tests/bin/Release/net10.0}
N=$1; S=$2; OUT=$3
D=$(mktemp -d /tmp/snapshot-perf.XXXX)
PORT=$(( 42000 + RANDOM % 2000 ))
CH="aeron:udp?endpoint=127.0.0.1:$PORT|term-length=1m"
dotnet $B/exchange-engine.dll --listen "$CH" --journal $D --durability none --snapshot-every $N --journal-retention delete --segment-size 1048576 > $OUT.stdout 2> $OUT.stderr &
E=$!
sleep 3
dotnet $B/exchange-mm.dll --engine "$CH" --api-key mm-1001-key --interval-ms 1 --take-every 3 --seconds $S > /dev/null 2>&1 &
M1=$!
dotnet $B/exchange-mm.dll --engine "$CH" --api-key mm-1002-key --interval-ms 1 --take-every 4 --price 60010 --seconds $S > /dev/null 2>&1 &
M2=$!
wait $M1 $M2
sleep 1
kill -TERM $E; wait $E
rm -rf $D
