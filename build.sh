#!/usr/bin/env bash
# The one entry point: ./build.sh run | test | bench | publish. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<'USAGE'
usage: ./build.sh <command> [args]

  run [args]     publish and start the exchange engine on its embedded defaults, listening on 127.0.0.1:40123
                 (args go to exchange-engine; Ctrl-C stops it cleanly)
  run --demo     the same, plus exchange-web (the trading page on http://127.0.0.1:8080/, dev tokens on) and two
                 example market makers (exchange-mm) trading against each other
  run --export   the demo plus PostgreSQL (127.0.0.1:5433), Redis (127.0.0.1:6380) and a Kafka mock cluster, all
                 started here (installed if missing), and exchange-export following the engine's journal into them;
                 prints a psql, a redis-cli and a kcat line to watch the data arrive
  run --standby  a primary (127.0.0.1:40123, data/replicated/primary) and its sync standby (127.0.0.1:40124,
                 data/replicated/standby-1), each line prefixed with the engine that printed it; extra flags go to
                 both, e.g. --snapshot-every 10000 --journal-retention archive (a standby emptied and restarted then
                 catches up from the primary's snapshot)
  run --cluster  etcd (127.0.0.1:2379, installed if missing) and two cluster members, a (40123) and b
                 (40124), which elect their leader in it: kill the leader and watch the other take over
  test           build everything and run every test suite
  bench          publish, then run the benchmarks and record them under perf/results/
  publish        native AOT executables into bin/
USAGE
}

die() { echo "build.sh: $*" >&2; exit 1; }

# Native AOT links with the system C toolchain, and exchange-web's build runs npm; install them if this machine lacks them.
ensure_tools() {
  command -v dotnet >/dev/null || die "the .NET SDK is not installed (dotnet not on PATH)"
  local missing=()
  command -v gcc >/dev/null || command -v clang >/dev/null || missing+=(gcc)
  [ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
  # exchange-web's build fetches the page's chart library (lightweight-charts, pinned) from the npm registry.
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: installing ${missing[*]}" >&2
    ops/servers/apt-install.sh "${missing[@]}"
  fi
}

# The servers the tests start (each script installs its own if missing): installed here, once, before the suites run
# side by side, rather than by whichever tests first find each one missing, all at the same time.
ensure_servers() {
  # apt-install.sh installs only the packages that are missing, and does nothing when none is.
  ops/servers/apt-install.sh postgresql redis-server etcd-server librdkafka-dev kcat systemd
  # promtool's package needs its own options (see the script); it installs it and exits.
  ops/servers/promtool.sh --version >/dev/null
}

# Executables and the projects that make them.
EXECUTABLES=(
  "engine/Exchange.Engine.Host/Exchange.Engine.Host.csproj"
  "perf/Exchange.Perf/Exchange.Perf.csproj"
  "codecs/Exchange.Sbe.Tool/Exchange.Sbe.Tool.csproj"
  "replay/Exchange.Replay.Tool/Exchange.Replay.Tool.csproj"
  "gateway/Exchange.Client.Example/Exchange.Client.Example.csproj"
  "gateway/Exchange.Gateway/Exchange.Gateway.csproj"
  "ops/Exchange.Admin.Tool/Exchange.Admin.Tool.csproj"
  "ops/Exchange.Stat.Tool/Exchange.Stat.Tool.csproj"
  "transport/Exchange.Stream.Tool/Exchange.Stream.Tool.csproj"
  "export/Exchange.Export.Tool/Exchange.Export.Tool.csproj"
  "gateway/Exchange.Web/Exchange.Web.csproj"
)

assembly_name() { sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$1"; }

# The directories of a project and of every project it references, transitively: where its sources are.
project_dirs() {
  local project=$1 dir ref
  dir=$(dirname "$project")
  echo "$dir"
  for ref in $(sed -n 's:.*<ProjectReference Include="\([^"]*\)".*:\1:p' "$project"); do
    project_dirs "$(realpath -m --relative-to="$ROOT" "$dir/$ref")"
  done
}

# An executable is out of date when it is missing or any source it is built from is newer than it.
out_of_date() {
  local binary=bin/$(assembly_name "$1")
  [ -x "$binary" ] || return 0
  local dirs
  dirs=$(project_dirs "$1" | sort -u)
  [ -n "$(find $dirs Directory.Build.props codecs/exchange.xml -newer "$binary" -type f \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.xml' -o -name '*.props' -o -name '*.json' -o -name '*.cfg' -o -name '*.sql' -o -name '*.html' -o -name '*.js' -o -name '*.css' \) \
    -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]
}

# Native AOT executables into bin/, only those whose sources changed since they were last published.
publish() {
  ensure_tools
  mkdir -p bin
  local project published=() current=()
  for project in "${EXECUTABLES[@]}"; do
    if ! out_of_date "$project"; then current+=("bin/$(assembly_name "$project")"); continue; fi
    dotnet publish "$project" -c Release -r linux-x64 -o bin --nologo -v quiet -p:DebugType=none >/dev/null \
      || { dotnet publish "$project" -c Release -r linux-x64 -o bin --nologo -p:DebugType=none; die "publish of $project failed"; }
    touch "bin/$(assembly_name "$project")"
    published+=("bin/$(assembly_name "$project")")
  done
  [ ${#published[@]} -eq 0 ] || echo "build.sh: published ${published[*]}" >&2
  [ ${#current[@]} -eq 0 ] || echo "build.sh: up to date: ${current[*]}" >&2
}

# The web page's browser tests drive Debian's Chromium (Playwright cannot download a browser here).
ensure_browser() {
  [ -x /usr/bin/chromium ] && return 0
  echo "build.sh: installing chromium for the browser tests" >&2
  ops/servers/apt-install.sh chromium
}

run_tests() {
  ensure_tools
  ensure_browser
  ensure_servers
  dotnet build Exchange.sln -c Release --nologo -v quiet
  local log
  log=$(mktemp)
  local status=0
  # What every process a test starts prints is kept, and checked at the end for the secrets the tests configure.
  export EXCHANGE_TEST_LOGS=$ROOT/artifacts/test-logs
  rm -rf "$EXCHANGE_TEST_LOGS"
  mkdir -p "$EXCHANGE_TEST_LOGS"
  # Every suite (test assemblies run side by side), then the soak on its own: it measures pauses, which other
  # suites running beside it on a 2-core machine would add.
  dotnet test Exchange.sln -c Release --no-build --nologo --filter 'Category!=Soak' 2>&1 | tee "$log" || status=$?
  dotnet test tests/Exchange.Gateway.Tests -c Release --no-build --nologo --filter 'Category=Soak' 2>&1 | tee -a "$log" || status=$?
  # One closing line for whoever reads this run: the sum over all test assemblies.
  awk '/(Passed|Failed)! +-/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
       END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' "$log" || status=1
  ops/checks/no-secrets-in-logs.sh "$EXCHANGE_TEST_LOGS" tests/secrets.txt || status=1
  rm -f "$log"
  return $status
}

bench() {
  local day out flow lobster="" scratch
  while [ $# -gt 0 ]; do
    case "$1" in
      --lobster) [ $# -ge 2 ] || { echo "build.sh: bench --lobster needs a FILE" >&2; exit 2; }; lobster=$2; shift 2 ;;
      --lobster=*) lobster=${1#--lobster=}; shift ;;
      -h|--help) echo "usage: ./build.sh bench [--lobster FILE]   (FILE: a LOBSTER message file for the book replay; without it that replay is skipped)"; return 0 ;;
      *) echo "build.sh: bench: unknown option '$1' (usage: ./build.sh bench [--lobster FILE])" >&2; exit 2 ;;
    esac
  done
  if [ -n "$lobster" ]; then
    # The script has changed to the repository; a relative FILE is relative to where it was started (OLDPWD).
    case "$lobster" in /*) ;; *) lobster="$OLDPWD/$lobster" ;; esac
    [ -f "$lobster" ] || { echo "build.sh: bench --lobster: no file '$lobster'" >&2; exit 2; }
  fi
  publish
  day=$(date -u +%Y-%m-%d)
  # A new directory for every run (as exchange-perf e2e does), so a second run on one day replaces nothing.
  out="perf/results/$day"
  local n=2
  while [ -e "$out" ] || [ -e "$out-e2e-none" ]; do out="perf/results/$day-$n"; n=$((n + 1)); done
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' RETURN
  mkdir -p "$out" artifacts
  flow=artifacts/orders-1m.txt
  [ -f "$flow" ] || bin/exchange-perf gen-orders --count 1000000 --seed 1 --out "$flow"
  # The book's three flow shapes: the default above (half cancels, a tenth crossing, resting up to 29 ticks from the
  # mid: a shallow book), a deep one and a long one, each with a seed of its own; a file's name says its shape.
  local deep=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt long=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt
  [ -f "$deep" ] || bin/exchange-perf gen-orders --count 1000000 --seed 2 --cancel-share 25 --crossing-share 5 --spread-ticks 200 --out "$deep"
  [ -f "$long" ] || bin/exchange-perf gen-orders --count 3000000 --seed 3 --cancel-share 45 --crossing-share 10 --spread-ticks 100 --out "$long"
  {
    echo "# Benchmarks — $day"
    echo
    echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "## Book replay (exchange-perf book; 5 untimed + 5 timed passes each)"
    echo '```'
    bin/exchange-perf book --orders "$flow" --runs 5 --journal "$scratch/book-journal" --durability none
    echo "Deep book: 1M operations, a quarter cancels, 5 % crossing, resting up to 200 ticks from the mid"
    bin/exchange-perf book --orders "$deep" --runs 5
    bin/exchange-perf book --orders "$deep" --runs 5 --lookahead
    echo "Long flow: 3M operations, 45 % cancels, a tenth crossing, resting up to 100 ticks from the mid"
    bin/exchange-perf book --orders "$long" --runs 5
    bin/exchange-perf book --orders "$long" --runs 5 --lookahead
    echo "Through the engine service as the live process runs it (sessions, sequencer, journal under none, events routed), without and with its lookahead window, and with the journal's prefault thread"
    bin/exchange-perf book --service --orders "$flow" --runs 3
    bin/exchange-perf book --service --orders "$flow" --runs 3 --journal-thread
    bin/exchange-perf book --service --orders "$deep" --runs 3
    bin/exchange-perf book --service --orders "$deep" --runs 3 --lookahead
    bin/exchange-perf book --service --orders "$deep" --runs 3 --lookahead --journal-thread
    if [ -n "$lobster" ]; then
      bin/exchange-perf book --lobster "$lobster" --runs 5
    else
      echo "LOBSTER replay skipped: no file given (./build.sh bench --lobster FILE)"
    fi
    echo '```'
    echo "## Journal append (57-byte payloads, commit every 100 / 1000)"
    echo '```'
    for policy in "none 5000000 100" "batch 1000000 1000" "batch 200000 100"; do
      set -- $policy
      rm -rf "$scratch/append"
      bin/exchange-perf journal --dir "$scratch/append" --durability "$1" --records "$2" --commit-every "$3" --json
    done
    echo '```'
    echo "## Replay of the book journal through the engine"
    echo '```'
    bin/exchange-perf replay --journal "$scratch/book-journal" --json
    echo '```'
    echo "## Snapshot at 1M resting orders"
    echo '```'
    bin/exchange-perf snapshot --dir "$scratch/snapshots" --orders 1000000 --json
    echo '```'
    echo "## Transport: two processes streaming 64-byte messages"
    echo '```'
    bin/exchange-perf stream --messages 10000000 --json
    echo '```'
    # Aeron's Ping/Pong on our transport: two processes, one round trip at a time, 32-byte messages.
    echo "## Transport round trip (exchange-stream ping ↔ pong, 32-byte messages, loopback, busy-spin)"
    echo '```'
    ping_pong 'aeron:udp?endpoint=127.0.0.1:20123' 'aeron:udp?endpoint=127.0.0.1:20124'
    echo '```'
    echo "## Transport round trip over ipc (shared memory, the same ping ↔ pong)"
    echo '```'
    ping_pong 'aeron:ipc?name=bench-ping' 'aeron:ipc?name=bench-pong'
    echo '```'
    # The round trip through client, transport, engine and back at 50k commands/s, three runs of a fresh engine each,
    # without and with fsync before responses; each writes its own results directory with table, chart and .hgrm.
    for durability in none batch; do
      echo "## Round trip (exchange-perf e2e, 50k commands/s, durability $durability)"
      echo
      bin/exchange-perf e2e --rate 50000 --seconds 10 --warmup 2 --runs 3 --durability "$durability" \
        --name "e2e-$durability" --out "$out-e2e-$durability" | sed 1,2d
      echo
    done
    echo "## Round trip over ipc (exchange-perf e2e --media ipc, 50k commands/s, durability none: a client on the engine's host)"
    echo
    bin/exchange-perf e2e --media ipc --rate 50000 --seconds 10 --warmup 2 --runs 3 --durability none \
      --name e2e-ipc --out "$out-e2e-ipc" | sed 1,2d
    echo
    echo "## FIX round trip through exchange-gateway (exchange-perf e2e --client fix, 20k commands/s)"
    echo
    bin/exchange-perf e2e --client fix --rate 20000 --seconds 10 --warmup 2 --runs 3 --idle yield --engine-idle yield --gateway-idle yield \
      --name e2e-fix --out "$out-e2e-fix" | sed 1,2d
    echo
    echo "## WebSocket round trip through exchange-web (exchange-perf e2e --client ws, 2k commands/s)"
    echo
    bin/exchange-perf e2e --client ws --rate 2000 --seconds 10 --warmup 2 --runs 3 --idle yield --engine-idle yield \
      --name e2e-ws --out "$out-e2e-ws" | sed 1,2d
    echo
    echo "## Fan-out through exchange-web (exchange-perf fanout: 1,000 subscribers, market makers at 200 commands/s)"
    echo
    bin/exchange-perf fanout --subscribers 1000 --rate 200 --seconds 15 --warmup 3 --runs 3 --out "$out-fanout"
    echo
    echo "## none vs batch"
    echo '```'
    bin/exchange-perf compare "$out-e2e-none/summary.json" "$out-e2e-batch/summary.json"
    echo '```'
  } | tee "$out/latest.md"
  cp "$out/latest.md" perf/results/latest.md
  echo "build.sh: running the BenchmarkDotNet suites (book, codecs, FIX, journal, transport)" >&2
  (cd "$scratch" && dotnet run --project "$ROOT/perf/Exchange.Benchmarks" -c Release -- --filter '*' --artifacts "$scratch/bdn" >/dev/null)
  cat "$scratch"/bdn/results/*-report-github.md > "$out/benchmarkdotnet.md"
  cat "$out/benchmarkdotnet.md" >> perf/results/latest.md
  echo "build.sh: results in $out and perf/results/latest.md" >&2
}

# exchange-stream pong in the background and ping against it on the two channels given: warm-up, then 1M round trips
# as HDR percentiles (µs).
ping_pong() {
  local ping=$1 pong=$2 pid
  bin/exchange-stream pong --ping-channel "$ping" --pong-channel "$pong" --idle busy-spin >/dev/null &
  pid=$!
  bin/exchange-stream ping --ping-channel "$ping" --pong-channel "$pong" --idle busy-spin \
    --warmup-messages 100000 --messages 1000000 || echo "exchange-stream ping failed"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The engine, exchange-web (the trading page, with dev tokens so the demo web user can log in) and two market makers:
# one quotes, the other quotes and takes, so trades print as they happen. Each process's lines carry its name, and they
# connect wherever the engine was told to listen. exchange-web starts before the market makers, so the book it builds
# from the engine's level updates holds every quote (the engine publishes no book snapshot).
demo() {
  local journal channel='aeron:udp?endpoint=127.0.0.1:40123|term-length=1m' arg previous="" web_url=http://127.0.0.1:8080
  for arg in "$@"; do
    [ "$previous" = "--listen" ] && channel=$arg
    case "$arg" in --listen=*) channel=${arg#--listen=} ;; esac
    previous=$arg
  done
  journal=$(mktemp -d)
  bin/exchange-engine --journal "$journal" "$@" &
  local engine=$!
  trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$journal"' EXIT
  trap 'exit 0' INT TERM
  sleep 1
  bin/exchange-web --engine "$channel" --listen "$web_url" --dev-tokens 2>&1 | sed -u 's/^/[web] /' &
  local tries=0
  until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null || [ $tries -ge 150 ]; do sleep 0.2; tries=$((tries + 1)); done
  echo "[demo] the trading page: $web_url/  (log in as trader1: dev tokens are on in the demo only)"
  bin/exchange-mm --engine "$channel" --api-key mm-1001-key --symbol 1 --seconds 3600 --take-every 0 | sed -u 's/^/[mm 1001] /' &
  bin/exchange-mm --engine "$channel" --api-key mm-1002-key --symbol 1 --seconds 3600 --take-every 3 | sed -u 's/^/[mm 1002] /' &
  wait $engine
}

# The demo with the exporter: PostgreSQL, Redis and librdkafka's mock Kafka cluster started by the project's scripts in
# a scratch directory, the engine and two market makers, and exchange-export writing to all three as the journal grows.
# Ctrl-C stops everything and removes the scratch directory (the mock cluster keeps its messages in memory only).
export_demo() {
  local scratch channel='aeron:udp?endpoint=127.0.0.1:40123|term-length=1m' pg_port=5433 redis_port=6380 bootstrap="" topic
  scratch=$(mktemp -d)
  chmod a+x "$scratch" # PostgreSQL runs as its own user under root, and must reach its directory inside
  trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT
  trap 'exit 0' INT TERM
  for port in $pg_port $redis_port 40123; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then die "run --export: port $port is taken on 127.0.0.1"; fi
  done
  ops/servers/postgres.sh "$scratch/postgres" $pg_port 2>&1 | sed -u 's/^/[postgres] /' &
  ops/servers/redis.sh "$scratch/redis" $redis_port 2>&1 | sed -u 's/^/[redis] /' &
  # The mock cluster cannot create topics on request: it gets the exporter's (6 partitions, the position 1) at start.
  local topics=()
  for topic in trades orders ledger book; do topics+=("exchange.$topic:6"); done
  ops/servers/kafka-mock.sh "$scratch/kafka" 3 "${topics[@]}" exchange.export.position:1 >"$scratch/kafka.out" 2>&1 &
  until grep -q '^bootstrap ' "$scratch/kafka.out" 2>/dev/null; do sleep 0.2; done
  bootstrap=$(sed -n 's/^bootstrap //p' "$scratch/kafka.out")
  until (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$redis_port) 2>/dev/null; do sleep 0.2; done
  sleep 1
  bin/exchange-engine --journal "$scratch/journal" --listen "$channel" 2>&1 | sed -u 's/^/[engine] /' &
  until [ -f "$scratch/journal/engine.json" ]; do sleep 0.2; done
  sleep 1
  bin/exchange-mm --engine "$channel" --api-key mm-1001-key --symbol 1 --seconds 3600 --take-every 0 | sed -u 's/^/[mm 1001] /' >/dev/null &
  bin/exchange-mm --engine "$channel" --api-key mm-1002-key --symbol 1 --seconds 3600 --take-every 3 | sed -u 's/^/[mm 1002] /' >/dev/null &
  bin/exchange-export "$scratch/journal" --postgres "Host=127.0.0.1;Port=$pg_port;Database=exchange;Username=exchange" \
    --redis "127.0.0.1:$redis_port" --kafka "$bootstrap" 2>&1 | sed -u 's/^/[export] /' &
  cat <<WATCH
[export] watch the data arrive:
[export]   psql -h 127.0.0.1 -p $pg_port -U exchange exchange -c 'SELECT count(*), max(trade_id) FROM trades'
[export]   redis-cli -p $redis_port HGETALL exchange:ticker:1      (or: redis-cli -p $redis_port SUBSCRIBE exchange:trades)
[export]   kcat -b $bootstrap -C -t exchange.trades -o end -f 'symbol %k: offset %o, %S bytes of Protobuf (exchange.export.v1.Trade)\\n'
[export] and check it against the journal:  bin/exchange-replay reconcile $scratch/journal --postgres 'Host=127.0.0.1;Port=$pg_port;Database=exchange;Username=exchange' --redis 127.0.0.1:$redis_port --kafka $bootstrap
WATCH
  wait
}

# A primary and its sync standby on this machine, each on its own port and data directory; Ctrl-C stops both.
standby() {
  local primary='aeron:udp?endpoint=127.0.0.1:40123|term-length=1m' standby='aeron:udp?endpoint=127.0.0.1:40124|term-length=1m'
  trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT
  trap 'exit 0' INT TERM
  bin/exchange-engine --listen "$standby" --journal data/replicated/standby-1 --standby-of "$primary" --standby-name standby-1 "$@" 2>&1 \
    | sed -u 's/^/[standby-1] /' &
  bin/exchange-engine --listen "$primary" --journal data/replicated/primary --standby "standby-1,sync,$standby" "$@" 2>&1 \
    | sed -u 's/^/[primary]   /' &
  wait
}

# etcd and two members of one shard's cluster on this machine; Ctrl-C stops them all.
cluster() {
  local a='aeron:udp?endpoint=127.0.0.1:40123|term-length=1m' b='aeron:udp?endpoint=127.0.0.1:40124|term-length=1m'
  local etcd_dir members
  etcd_dir=$(mktemp -d)
  trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$etcd_dir"' EXIT
  trap 'exit 0' INT TERM
  ops/servers/etcd.sh "$etcd_dir" 2379 2380 2>&1 | sed -u 's/^/[etcd] /' &
  until (exec 3<>/dev/tcp/127.0.0.1/2379) 2>/dev/null; do sleep 0.2; done
  members=(--etcd http://127.0.0.1:2379 --cluster-member "a,sync,$a" --cluster-member "b,sync,$b")
  bin/exchange-engine --member a --journal data/cluster-a "${members[@]}" "$@" 2>&1 | sed -u 's/^/[a] /' &
  sleep 1
  bin/exchange-engine --member b --journal data/cluster-b "${members[@]}" "$@" 2>&1 | sed -u 's/^/[b] /' &
  sleep 1
  echo "[cluster] the leader is the member whose 'listening' line says role=primary; stop it with"
  echo "[cluster]   pkill -KILL -f -- '--journal data/cluster-a'    (or -STOP, or -TERM; data/cluster-b for b) and watch the other print 'promoted to primary'"
  wait
}

case "${1:-}" in
  run)
    shift
    publish
    # Someone is watching: logs as text, even where the output goes through a pipe (the prefixes of --demo and the rest).
    export EXCHANGE_LOG_FORMAT=${EXCHANGE_LOG_FORMAT:-text}
    case "${1:-}" in
      --demo) shift; demo "$@" ;;
      --export) shift; export_demo "$@" ;;
      --standby) shift; standby "$@" ;;
      --cluster) shift; cluster "$@" ;;
      *) exec bin/exchange-engine "$@" ;;
    esac ;;
  test) run_tests ;;
  bench) shift; bench "$@" ;;
  publish) publish ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
