#!/usr/bin/env bash
# Benchmark suite: builds target/benchmarks.jar (mvn -Pbench) and runs it.
#   bench/run.sh --quick   about 5 minutes on 2 cores; prints the ratio lines
#   bench/run.sh           the full suite (about 20 minutes); also rewrites BENCHMARKS.md and docs/benchmarks.svg
# Scratch files go to BENCH_DIR (default: the system temp directory) and are deleted after each trial; the 32 KB runs
# write several GB there while they run.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=full
[ "${1:-}" = "--quick" ] && mode=quick

mvn -B -q -Pbench -DskipTests package
jar=target/benchmarks.jar
out=target/bench-$mode
rm -rf "$out" && mkdir -p "$out"
failures="$PWD/$out/failures.txt"
# -jvmArgsAppend reaches the forked benchmark JVMs, where the checks run
run() { java -jar "$jar" -jvmArgsAppend "-Dbench.failures=$failures ${BENCH_DIR:+-Dbench.dir=$BENCH_DIR}" "$@" 2>&1 \
        | grep -E "^(Benchmark|[A-Z][A-Za-z]+Benchmark)|IllegalStateException" || true; }

if [ "$mode" = quick ]; then
  common=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  sizes=100
  open=16384
else
  common=(-f 1 -wi 2 -w 2s -i 3 -r 2s)
  sizes=100,2048
  open=16384,256
fi

run "${common[@]}" -t 1 -prof gc -p size=$sizes -rf json -rff "$out/master-t1.json" MasterLogBenchmark
run "${common[@]}" -t 2 -p size=$sizes -rf json -rff "$out/master-t2.json" MasterLogBenchmark
run "${common[@]}" -t 1 -bm sample -tu us -p size=100 -p immediateFlush=false -p impl=chatlog -rf json \
    -rff "$out/master-sample.json" MasterLogBenchmark
run "${common[@]}" -t 1 -p size=$sizes -rf json -rff "$out/disk.json" RawDiskBenchmark
# what redaction costs: the master path with the default rules vs none (100 B and 2 KB), and MB/s over a 1 MB message
run "${common[@]}" -t 1 -rf json -rff "$out/redaction.json" RedactionBenchmark
if [ "$mode" = full ]; then
  # 32 KB lines fill a disk fast: shorter iterations
  run -f 1 -wi 1 -w 1s -i 2 -r 1s -t 1 -p size=32768 -rf json -rff "$out/master-32k-t1.json" MasterLogBenchmark
  run -f 1 -wi 1 -w 1s -i 2 -r 1s -t 2 -p size=32768 -rf json -rff "$out/master-32k-t2.json" MasterLogBenchmark
  run -f 1 -wi 1 -w 1s -i 2 -r 1s -t 1 -p size=32768 -rf json -rff "$out/disk-32k.json" RawDiskBenchmark
fi
# the chatlog JSON fields vs the plain LogstashEncoder, same events (ratio json-provider-vs-logstash-encoder)
run "${common[@]}" -t 1 -rf json -rff "$out/json.json" JsonEncoderBenchmark
run "${common[@]}" -t 2 -p maxOpenFiles=$open -rf json -rff "$out/chat.json" ChatBenchmark
# raw writes into 1 and 10,000 files: what the file system allows (ratio disk-files-scaling-10000)
run "${common[@]}" -t 2 -rf json -rff "$out/spread.json" FileSpreadBenchmark
# every setting at its default on both sides, 10,000 sessions (ratio chat-vs-sifting-default)
run "${common[@]}" -t 2 -p maxOpenFiles=0 -p impl=chatlog,sifting -p sessions=10000 -rf json -rff "$out/chat-default.json" \
    ChatBenchmark
# virtual threads against platform threads: the forked JVM must be Java 21 or later (BENCH_JAVA21 or a JDK found here)
vt_java="${BENCH_JAVA21:-}"
if [ -z "$vt_java" ]; then
  for home in /usr/lib/jvm/*; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ -x "$home/bin/java" ]; then vt_java="$home/bin/java"; fi
  done
fi
if [ -n "$vt_java" ]; then
  run "${common[@]}" -t 1 -jvm "$vt_java" -rf json -rff "$out/virtual.json" VirtualThreadBenchmark
else
  echo "no Java 21+ JDK found (set BENCH_JAVA21=/path/to/bin/java): chat-virtual-vs-platform-threads not measured"
fi
run "${common[@]}" -t 2 -rf json -rff "$out/store.json" StoreBenchmark
# the store on PostgreSQL (postgres-vs-jdbc): BENCH_POSTGRES=jdbc:postgresql://… names a database whose tables it may
# drop; otherwise a PostgreSQL of its own is started from Debian's binaries (as root, as the postgres user) and stopped
pg_url="${BENCH_POSTGRES:-}"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_url" ] && [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/chatlog-bench-postgres-XXXXXX")
  as_pg=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$pg_dir"
    as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
  fi
  pg_port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done
  (cd "$pg_dir" && "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U chatlog --auth=trust -E UTF8 --no-locale \
      --no-sync >/dev/null && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
      -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null)
  stop_postgres() { (cd "$pg_dir" && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1); rm -rf "$pg_dir"; }
  trap stop_postgres EXIT
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U chatlog bench
  pg_url="jdbc:postgresql://127.0.0.1:$pg_port/bench?user=chatlog"
fi
if [ -n "$pg_url" ]; then
  java -jar "$jar" -jvmArgsAppend "-Dbench.failures=$failures -Dbench.postgres=$pg_url" "${common[@]}" -t 2 -rf json \
      -rff "$out/postgres.json" PostgresBenchmark 2>&1 | grep -E "^(Benchmark|[A-Z][A-Za-z]+Benchmark)|IllegalStateException" || true
else
  echo "no PostgreSQL (apt-get install postgresql, or BENCH_POSTGRES=jdbc:postgresql://…): postgres-vs-jdbc not measured"
fi
run "${common[@]}" -t 1 -rf json -rff "$out/sync.json" SyncCostBenchmark
# the read side over a generated corpus: 128 MB in quick mode, 1 GB in the full run
corpus=1024
[ "$mode" = quick ] && corpus=128
run -t 1 -p corpusMb=$corpus -rf json -rff "$out/read.json" ReadBenchmark

# the viewer's API over HTTP, sampled for its p95: 100,000 sessions in a store, a 10,000-entry conversation
run "${common[@]}" -t 1 -bm sample -tu ms -rf json -rff "$out/viewer.json" ViewerBenchmark

report=(--mode "$mode" --failures "$failures")
[ "$mode" = full ] && report+=(--write)
java -cp "$jar" io.github.chatlog.bench.BenchReport "${report[@]}" "$out"/*.json
