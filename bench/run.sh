#!/usr/bin/env bash
# Ingest benchmark, one command: the packaged service against a bare Vert.x baseline, in the same run.
#
#   bench/run.sh            full run, about 10 minutes (docs/performance.md, "Ingest benchmark"), then the Event Hubs
#                           runs of step 9 (docs/performance.md, "Event Hubs ingest benchmark"; 10-20 minutes more)
#   BENCH_QUICK=1 bench/run.sh   a short smoke run (about 2 minutes; its figures are not for the docs)
#
#   BENCH_APP_BEFORE=/path/to/before/target/quarkus-app BENCH_KAFKA=0 bench/run.sh
#                           A/B: the build of the commit before a change runs as "ingest-before" and "service-before",
#                           interleaved with the current build in the same run, pinned the same way; the report prints
#                           after/before ratios (docs/performance.md, "Pipeline redesign: before/after (issue 14)")
#
# Not part of ./mvnw verify. Needs 2 CPUs (0 and 1), ports 28080, 28081, 28090, 28099, 28091, 28082 and 28083 free on
# 127.0.0.1 (or others: BENCH_PORTS="service ingest baseline sink parse ingest-before service-before"), Java 17+;
# installs wrk from Debian if missing (apt-get) and builds the jar if target/quarkus-app is missing.
#
# What it does, in order (every load goes to 127.0.0.1 only, and every loop is bounded in count and time):
#  1. Compiles bench/baseline/BareServer.java and bench/load/*.java with javac against the vertx-core, netty,
#     HdrHistogram and Jackson jars the service ships (target/quarkus-app/lib/main), and writes the request bodies:
#     1, 10 and 100 events per request from the five Azure ML fixtures (src/test/resources/testdata/events/eventgrid),
#     every event id unique per request (bench/load/Bodies.java, bench/load/wrk-events.lua).
#  2. Starts the webhook sink: a second BareServer on port 28099 (bench/rules.yaml posts there; another port is written
#     into the run's copy of the rules), pinned to CPU 0.
#  3. Startup and memory: starts each server BENCH_STARTS times on both CPUs (the "2 CPUs" of the goal) and measures
#     process start -> first 200 on a real POST /events (RunStatusChanged, shared key) and VmRSS right after it; then,
#     then the service with the AppCDS archive the JVM image makes (src/main/docker/appcds-train.sh; BENCH_APPCDS=0 skips it).
#  4. Starts the servers pinned to CPU 1 (taskset -c 1); every load generator runs on CPU 0 (taskset -c 0). All
#     use -Xmx128m and run one at a time under load (the others idle):
#       baseline  bench/baseline/BareServer.java (port 28090)
#       parse     bench/baseline/ParseServer.java (port 28091): the parse-only baseline; reads the body into a Jackson
#                 tree with the service's strictness, reads each event's id, type, subject and data, and answers a small
#                 JSON per event ({"events":[{"id","type","state":"done"}...]}); no rules, no ledger, no channel
#       service   the packaged service (port 28080): INGEST_AUTH_KEYS=bench-key, RULES_PATH=bench/rules.yaml (20 rules,
#                 1-2 match each event, webhooks to the sink), RULES_URLS_ALLOW_HTTP=true, RULES_URLS_ALLOWED_PRIVATE=127.0.0.1 (the sink is on loopback), production profile
#       ingest    the same jar and rules with every filter narrowed by "subjectEndsWith: -bench-no-match", so no rule
#                 matches (port 28081): the ingest path alone (key check, parse, in-flight dedupe, channel, rule
#                 evaluation, ledger record, 200), which is what perf-reliability section 6.1 G1/G2 measure
#       ingest-before, service-before  with BENCH_APP_BEFORE=DIR: the same two variants on the build in DIR (ports
#                 28082, 28083), started and pinned the same way, for after/before ratios in one run
#  5. Warm-up: BENCH_WARMUP seconds of closed-loop load per server (a third at each payload size).
#  6. Throughput: closed loop (wrk, 1 thread, BENCH_CONNS connections), BENCH_MEASURE seconds per payload size and
#     server, BENCH_REPS repetitions interleaved (baseline, parse, service, ingest, [service-before, ingest-before,]
#     baseline, ...); median and spread. Each run's start and end (epoch ms) are kept in results.tsv for 6b, with the
#     CPU time the server used during the run (/proc/PID/stat): CPU time per event, the figure other load on the
#     machine disturbs least, is reported beside requests/s (and its after/before ratio with BENCH_APP_BEFORE).
#  6b. JFR (BENCH_JFR, default "ingest": the ingest variants; 1: the service variants too; 0: none): each such server
#     records from its start (settings=profile) and the recording is dumped with jcmd after the throughput runs;
#     bench/load/JfrSummary.java then reads only the measured runs' windows and reports bytes allocated per event
#     (sum of jdk.ObjectAllocationSample weights / events answered), and the share of the event loops' samples spent
#     in the channel hand-off (SmallRye Reactive Messaging) and context propagation (SmallRye Context Propagation),
#     plus SERVER-jfr-top.txt (hottest frames, our methods by inclusive share).
#  7. Latency: constant rate at half the baseline's median maximum at 1 event per request (bench/load/OpenLoop.java,
#     latency from each request's intended send time, HdrHistogram), BENCH_LAT_WARMUP + BENCH_LAT seconds per
#     server and repetition, interleaved; then the same at BENCH_LOW_RATE (1,000) requests/s, a rate every server
#     sustains, for information.
#  8. Prints the table (bench/load/Report.java) with ratios to the bare and to the parse-only baseline, after/before
#     ratios with issue 14's targets when BENCH_APP_BEFORE is set, and PASS/MISS per target; everything
#     (raw results, server logs, the machine) is kept in target/bench/run-<time>/.
#  9. Event Hubs ingest (BENCH_KAFKA=0 skips it, BENCH_KAFKA_ONLY=1 runs only the sink and this): the test broker
#     (support.KafkaBroker through bench/kafka-local.sh, plaintext on 127.0.0.1, pinned to CPU 0 with the load tools),
#     then for each of "ingest" (the 20 rules, none matching) and "service" (the 20 rules, webhooks to the sink):
#     BENCH_KAFKA_EVENTS (100,000) events written into a new 4-partition topic first (the backlog: bench/kafka/KafkaLoad.java,
#     one event per record, as Event Grid writes them), then the packaged service started pinned to CPU 1 with
#     INGEST_EVENTHUBS_* (auth none, plaintext allowed, its own consumer group) and timed until its group has
#     committed every record: time to drain from the process start and from its first commit, events/s over the
#     latter (= per core: one CPU), and the CPU seconds the process used (events per CPU-second). BENCH_KAFKA_REPS
#     repetitions (2), alternating. The service commits every 500 ms here (auto.commit.interval.ms; 5 s by default),
#     so the end of a drain is seen within about half a second.
#
# Environment (defaults of the full run): BENCH_WARMUP=60 BENCH_MEASURE=8 BENCH_REPS=3 BENCH_LAT_WARMUP=5
# BENCH_LAT=10 BENCH_LOW_RATE=1000 BENCH_STARTS=3 BENCH_CONNS="1:16 10:16 100:8" (connections per payload size: 100 events x 8
# connections stays below the service's 1,000 events in flight, above which it answers 503 by design)
# BENCH_JFR (see 6b; the recordings are kept as SERVER.jfr in the run directory); BENCH_APP=DIR runs
# another build of the service (a target/quarkus-app directory); BENCH_APP_BEFORE=DIR adds the before build (A/B);
# BENCH_SERVERS="baseline parse service ingest" (plus "service-before ingest-before" with BENCH_APP_BEFORE) chooses
# the servers (baseline must be first: it sets the rate);
# BENCH_SERVICE_OPTS adds JVM options to the service and ingest processes (e.g. -XX:+UseG1GC).
# Event Hubs (step 9): BENCH_KAFKA=1 BENCH_KAFKA_ONLY=0 BENCH_KAFKA_EVENTS=100000 BENCH_KAFKA_REPS=2 BENCH_KAFKA_TIMEOUT=900
# (seconds per drain); BENCH_QUICK=1 makes it 20,000 events, one repetition.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  : "${BENCH_WARMUP:=15}" "${BENCH_MEASURE:=5}" "${BENCH_REPS:=1}" "${BENCH_LAT_WARMUP:=3}" "${BENCH_LAT:=5}" "${BENCH_STARTS:=1}"
  : "${BENCH_KAFKA_EVENTS:=20000}" "${BENCH_KAFKA_REPS:=1}"
fi
KAFKA=${BENCH_KAFKA:-1}
KAFKA_ONLY=${BENCH_KAFKA_ONLY:-0}
KAFKA_EVENTS=${BENCH_KAFKA_EVENTS:-100000}
KAFKA_REPS=${BENCH_KAFKA_REPS:-2}
KAFKA_TIMEOUT=${BENCH_KAFKA_TIMEOUT:-900}
KAFKA_PARTITIONS=4
WARMUP=${BENCH_WARMUP:-60}
MEASURE=${BENCH_MEASURE:-8}
REPS=${BENCH_REPS:-3}
LAT_WARMUP=${BENCH_LAT_WARMUP:-5}
LAT=${BENCH_LAT:-10}
STARTS=${BENCH_STARTS:-3}
CONNS=${BENCH_CONNS:-"1:16 10:16 100:8"}
SIZES="1 10 100"
APP=${BENCH_APP:-target/quarkus-app}
APP_BEFORE=${BENCH_APP_BEFORE:-}
if [ -n "$APP_BEFORE" ]; then
  SERVERS=${BENCH_SERVERS:-baseline parse service-before service ingest-before ingest}
else
  SERVERS=${BENCH_SERVERS:-baseline parse service ingest}
fi
JFR=${BENCH_JFR:-ingest}
read -r SVC_PORT INGEST_PORT BASE_PORT SINK_PORT PARSE_PORT BEFORE_INGEST_PORT BEFORE_SVC_PORT <<< "${BENCH_PORTS:-28080 28081 28090 28099}"
: "${PARSE_PORT:=28091}" "${BEFORE_INGEST_PORT:=28082}" "${BEFORE_SVC_PORT:=28083}"
HEAP=-Xmx128m
KEY=bench-key
LOAD_CPU=0
SERVER_CPU=1

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
conns_for() { local n=$1 pair; for pair in $CONNS; do [ "${pair%%:*}" = "$n" ] && { echo "${pair#*:}"; return; }; done; echo 16; }

# ---- preconditions -------------------------------------------------------------------------------------------
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (generator on CPU $LOAD_CPU, servers on CPU $SERVER_CPU); nproc says $(nproc)"
command -v taskset >/dev/null || die "taskset (util-linux) is missing"
command -v javac >/dev/null || die "javac (a JDK 17+) is missing"
command -v curl >/dev/null || die "curl is missing"
if ! command -v wrk >/dev/null; then
  say "installing wrk from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }
fi
for port in $SVC_PORT $INGEST_PORT $BASE_PORT $SINK_PORT $PARSE_PORT $BEFORE_INGEST_PORT $BEFORE_SVC_PORT; do
  if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$port\$"; then die "port $port is in use"; fi
done
if [ ! -f "$APP/quarkus-run.jar" ]; then
  [ "$APP" = target/quarkus-app ] || die "$APP/quarkus-run.jar is missing"
  say "building the service (./mvnw -B -ntp -q package -DskipTests)"
  ./mvnw -B -ntp -q package -DskipTests
fi
if [ -n "$APP_BEFORE" ]; then
  [ -f "$APP_BEFORE/quarkus-run.jar" ] || die "BENCH_APP_BEFORE: $APP_BEFORE/quarkus-run.jar is missing (build the before commit with ./mvnw -o -B -q package -DskipTests)"
  case $APP_BEFORE in /*) ;; *) APP_BEFORE=$ROOT/$APP_BEFORE ;; esac
fi

RUN=target/bench/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN" target/bench/classes
RESULTS=$RUN/results.tsv
: > "$RESULTS"
LIB=$APP/lib/main
CP=$(ls $LIB/io.vertx.vertx-core-*.jar $LIB/io.netty.netty-*.jar $LIB/org.hdrhistogram.HdrHistogram-*.jar \
  $LIB/com.fasterxml.jackson.core.jackson-*.jar | tr '\n' ':')target/bench/classes
javac -nowarn -d target/bench/classes -cp "$CP" bench/baseline/*.java bench/load/*.java
FIX=src/test/resources/testdata/events/eventgrid
java -cp "$CP" Bodies "$RUN/bodies" 1,10,100 $FIX/RunCompleted.json $FIX/RunStatusChanged.json \
  $FIX/ModelRegistered.json $FIX/ModelDeployed.json $FIX/DatasetDriftDetected.json
# The ingest variant: the same rules, none of which matches (every filter also needs an impossible subject end).
# The rules, with the sink's port, each in a directory of its own: the service watches the rules file's directory,
# and the run directory sees a write for every log line.
mkdir -p "$RUN/rules-service" "$RUN/rules-ingest"
sed "s|http://127.0.0.1:28099/|http://127.0.0.1:$SINK_PORT/|" bench/rules.yaml > "$RUN/rules-service/rules.yaml"
# (No slash in it: the rules lint refuses a suffix no subject format can end with, e.g. "/x" after models/{name}:{version}.)
sed 's|^    filter:$|    filter:\n      subjectEndsWith: -bench-no-match|' "$RUN/rules-service/rules.yaml" > "$RUN/rules-ingest/rules.yaml"
FIRST_BODY=$(sed -E 's/"id": *"[^"]*"/"id":"@ID@"/' $FIX/RunStatusChanged.json | tr -d '\n')

# ---- processes: every one we start is remembered and ended on exit ---------------------------------------------
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop() { # PID
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# start NAME CPUS LOGFILE -> sets STARTED_PID; the server process itself (taskset execs java)
start_server() {
  local name=$1 cpus=$2 log=$3 extra=${4:-}
  case $name in
    baseline)
      taskset -c "$cpus" java $HEAP $extra -cp "$CP" BareServer $BASE_PORT >"$log" 2>&1 &
      ;;
    parse)
      taskset -c "$cpus" java $HEAP $extra -cp "$CP" ParseServer $PARSE_PORT >"$log" 2>&1 &
      ;;
    *)
      local app=$APP rules=service
      case $name in *-before) app=$APP_BEFORE ;; esac
      case $name in ingest*) rules=ingest ;; esac
      INGEST_AUTH_KEYS=$KEY RULES_PATH=$ROOT/$RUN/rules-$rules/rules.yaml RULES_URLS_ALLOW_HTTP=true RULES_URLS_ALLOWED_PRIVATE=127.0.0.1 QUARKUS_HTTP_PORT=$(port_of "$name") \
        taskset -c "$cpus" java $HEAP ${BENCH_SERVICE_OPTS:-} $extra -jar "$app/quarkus-run.jar" >"$log" 2>&1 &
      ;;
  esac
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}
port_of() {
  case $1 in
    baseline) echo $BASE_PORT ;; parse) echo $PARSE_PORT ;; service) echo $SVC_PORT ;; ingest) echo $INGEST_PORT ;;
    ingest-before) echo $BEFORE_INGEST_PORT ;; service-before) echo $BEFORE_SVC_PORT ;; *) die "unknown server $1" ;;
  esac
}
# Whether NAME records JFR (BENCH_JFR: 0 none, "ingest" the ingest variants, 1 every service variant).
jfr_for() {
  case $1 in baseline|parse) return 1 ;; esac
  case $JFR in 0) return 1 ;; 1|all) return 0 ;; *) case $1 in ingest*) return 0 ;; *) return 1 ;; esac ;; esac
}

# Polls POST /events every 10 ms (for at most 60 s) until the first 200; prints "startup_ms rss_kb".
first_200() {
  local name=$1 pid=$2 t0=$3 tag=$4 port code t1 rss i
  port=$(port_of "$name")
  for i in $(seq 1 6000); do
    code=$(printf '%s' "${FIRST_BODY//@ID@/$tag}" | curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
      -H 'Content-Type: application/json' -H "X-Event-Key: $KEY" --data-binary @- "http://127.0.0.1:$port/events" || true)
    if [ "$code" = 200 ]; then
      t1=$(date +%s%N)
      rss=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status)
      echo "$(( (t1 - t0) / 1000000 )) $rss"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { say "$name exited during startup"; return 1; }
    [ "$code" = 000 ] || say "$name answered $code while starting"
    sleep 0.01
  done
  return 1
}

loadavg() { echo -e "load\t$1\t$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '\t')" >> "$RESULTS"; }

# ---- step 9: Event Hubs ingest from a local broker (see the header) -----------------------------------------------
kafka_bench() {
  local kcp bootstrap variant rep topic group pid line rules
  say "Event Hubs: test classpath and broker (bench/kafka-local.sh)"
  kcp=$(bench/kafka-local.sh classpath 2>"$RUN/kafka-classpath.log") || die "bench/kafka-local.sh classpath failed (log: $RUN/kafka-classpath.log)"
  taskset -c $LOAD_CPU java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$kcp" \
    io.amlrouter.support.KafkaBroker bench-ready 1 >"$RUN/broker.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 600); do grep -q 'broker ready' "$RUN/broker.log" && break; sleep 0.1; done
  bootstrap=$(sed -n 's/.*INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=\([^ ]*\).*/\1/p' "$RUN/broker.log")
  [ -n "$bootstrap" ] || die "the Kafka broker did not start (log: $RUN/broker.log)"
  say "Event Hubs: broker on $bootstrap; $KAFKA_EVENTS events per backlog, $KAFKA_PARTITIONS partitions, $KAFKA_REPS repetition(s)"
  loadavg kafka-start
  for rep in $(seq 1 "$KAFKA_REPS"); do
    for variant in ingest service; do
      topic=bench-$variant-$rep; group=bench-$variant-$rep; rules=$ROOT/$RUN/rules-$variant/rules.yaml
      line=$(taskset -c $LOAD_CPU java -Xmx256m -cp "$kcp" KafkaLoad backlog "$bootstrap" "$topic" "$KAFKA_EVENTS" \
        "$KAFKA_PARTITIONS" "$RUN/bodies/bodies-1.txt" "kafka-$variant-$rep" | grep '^BACKLOG ' || true)
      [ -n "$line" ] || die "could not write the backlog to $topic"
      say "Event Hubs $variant #$rep: backlog written ($line)"
      INGEST_AUTH_KEYS=$KEY RULES_PATH=$rules RULES_URLS_ALLOW_HTTP=true RULES_URLS_ALLOWED_PRIVATE=127.0.0.1 QUARKUS_HTTP_PORT=$INGEST_PORT \
        INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=$bootstrap INGEST_EVENTHUBS_TOPIC=$topic INGEST_EVENTHUBS_CONSUMER_GROUP=$group \
        INGEST_EVENTHUBS_AUTH=none INGEST_EVENTHUBS_ALLOW_PLAINTEXT=true MP_MESSAGING_INCOMING_EVENTHUBS_AUTO_COMMIT_INTERVAL_MS=500 \
        taskset -c $SERVER_CPU java $HEAP ${BENCH_SERVICE_OPTS:-} -Xlog:gc:file="$ROOT/$RUN/kafka-$variant-$rep-gc.log" \
        -jar "$APP/quarkus-run.jar" >"$RUN/kafka-$variant-$rep.log" 2>&1 &
      pid=$!
      PIDS+=("$pid")
      line=$(taskset -c $LOAD_CPU java -Xmx128m -cp "$kcp" KafkaLoad drain "$bootstrap" "$topic" "$group" "$pid" "$KAFKA_TIMEOUT" | grep '^DRAIN ' || true)
      kill -0 "$pid" 2>/dev/null || die "the service died while draining (log: $RUN/kafka-$variant-$rep.log)"
      echo -e "kafka\t$variant\t$rep\t$(awk '/^VmHWM/ {print $2}' /proc/"$pid"/status)\t$line" >> "$RESULTS"
      stop "$pid"
      case $line in *to_all_ms=*) ;; *) die "Event Hubs $variant #$rep: not drained within ${KAFKA_TIMEOUT}s ($line)" ;; esac
      say "Event Hubs $variant #$rep: $line"
    done
  done
  loadavg kafka-end
}

# Events/s and drain times of step 9, from the "kafka" lines of results.tsv.
kafka_report() {
  awk -F'\t' '$1 == "kafka" { n = split($5, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
      printf "%-8s #%s  %7d events  drained in %6.1f s from the process start (first commit after %5.1f s), %6.1f s after the first commit: %6.0f events/s on one CPU; %6.1f CPU s = %6.0f events per CPU-second; peak RSS %d MB\n",
        $2, $3, v["events"], v["to_all_ms"] / 1000, v["to_first_commit_ms"] / 1000, v["after_first_ms"] / 1000,
        v["events"] / (v["after_first_ms"] / 1000), v["cpu_s"], v["events"] / v["cpu_s"], $4 / 1024 }
    $1 == "load" && $2 ~ /^kafka/ { printf "load average at %s: %s %s %s\n", $2, $3, $4, $5 }' "$RESULTS"
}

# ---- machine -----------------------------------------------------------------------------------------------------
{
  echo "date: $(date -Iseconds)"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|Hypervisor vendor)'
  echo "nproc: $(nproc)"
  for c in 0 1; do
    echo "cpu$c siblings: $(cat /sys/devices/system/cpu/cpu$c/topology/thread_siblings_list 2>/dev/null || echo '?')"
  done
  echo "java: $(java -version 2>&1 | sed -n 2p)"
  echo "vm: $(java -version 2>&1 | sed -n 3p)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "uptime: $(uptime)"
} > "$RUN/machine.txt"
cat "$RUN/machine.txt" >&2
say "results in $RUN; warm-up ${WARMUP}s, measured ${MEASURE}s x $REPS, latency ${LAT_WARMUP}+${LAT}s x $REPS, $STARTS start(s)"
loadavg start

# ---- sink --------------------------------------------------------------------------------------------------------
taskset -c $LOAD_CPU java -Xmx64m -cp "$CP" BareServer $SINK_PORT >"$RUN/sink.log" 2>&1 &
SINK_PID=$!
PIDS+=("$SINK_PID")
for _ in $(seq 1 100); do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$SINK_PORT/hooks/ping" && break
  sleep 0.1
done

if [ "$KAFKA_ONLY" = 1 ]; then
  kafka_bench
  { echo "Event Hubs ingest (step 9), $KAFKA_EVENTS-event backlog, 20 rules; service pinned to CPU $SERVER_CPU:"; kafka_report; } | tee "$RUN/summary.txt"
  say "done: $RUN/summary.txt"
  exit 0
fi

# ---- startup and RSS, on both CPUs ------------------------------------------------------------------------------
for rep in $(seq 1 "$STARTS"); do
  for name in baseline service service-before; do # the ingest variant is the same jar: its startup is the service's
    [[ " $SERVERS " == *" $name "* ]] || continue
    t0=$(date +%s%N)
    start_server $name 0,1 "$RUN/$name-start$rep.log"
    pid=$STARTED_PID
    read -r ms rss < <(first_200 $name "$pid" "$t0" "startup-2cpu-$rep") || die "$name did not answer 200 (log: $RUN/$name-start$rep.log)"
    echo -e "startup\t$name\t2cpu\t$rep\t$ms\t$rss" >> "$RESULTS"
    say "$name on CPUs 0,1: first 200 after $ms ms, RSS $((rss / 1024)) MB"
    stop "$pid"
  done
done

# The same starts with the application class-data archive (AppCDS) the JVM image makes and uses: written by the image's
# own training step (src/main/docker/appcds-train.sh: one start, one delivery, stop; not measured), on this JDK.
if [[ " $SERVERS " == *" service "* ]] && [ "${BENCH_APPCDS:-1}" = 1 ]; then
  JSA=$ROOT/$RUN/service-appcds.jsa
  JAVA_TOOL_OPTIONS=$HEAP taskset -c 0,1 bash src/main/docker/appcds-train.sh "$APP" "$JSA" $((SINK_PORT - 1)) \
    >"$RUN/service-appcds-training.log" 2>&1 || say "the AppCDS training failed (log: $RUN/service-appcds-training.log)"
  if [ -s "$JSA" ]; then
    for rep in $(seq 1 "$STARTS"); do
      t0=$(date +%s%N)
      start_server service 0,1 "$RUN/service-appcds$rep.log" "-XX:SharedArchiveFile=$JSA"
      pid=$STARTED_PID
      read -r ms rss < <(first_200 service "$pid" "$t0" "startup-appcds-$rep") || die "service with AppCDS did not answer 200"
      echo -e "startup\tservice\t2cpu-appcds\t$rep\t$ms\t$rss" >> "$RESULTS"
      say "service with AppCDS on CPUs 0,1: first 200 after $ms ms, RSS $((rss / 1024)) MB"
      stop "$pid"
    done
  else
    say "no AppCDS archive was written; skipping those starts"
  fi
fi

# ---- the servers under load, pinned --------------------------------------------------------------------------------
declare -A PID_OF
for name in $SERVERS; do
  extra=""
  if jfr_for "$name"; then
    extra="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=name=bench,settings=profile"
  fi
  extra="$extra -Xlog:gc:file=$ROOT/$RUN/$name-gc.log"
  t0=$(date +%s%N)
  start_server $name $SERVER_CPU "$RUN/$name.log" "$extra"
  PID_OF[$name]=$STARTED_PID
  read -r ms rss < <(first_200 $name "$STARTED_PID" "$t0" "startup-pinned") || die "$name did not answer 200 (log: $RUN/$name.log)"
  echo -e "startup\t$name\tpinned\t1\t$ms\t$rss" >> "$RESULTS"
  say "$name on CPU $SERVER_CPU: first 200 after $ms ms, RSS $((rss / 1024)) MB"
done

# The CPU time a process has used so far, in clock ticks (utime + stime of /proc/PID/stat): a server's CPU time per
# request is the figure least disturbed by other load on a shared machine (its throughput is the most).
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# closed NAME N SECONDS TAG -> one wrk run; appends a result line unless TAG starts with "warm"
closed() {
  local name=$1 n=$2 secs=$3 tag=$4 port c line t0 t1
  port=$(port_of "$name")
  c=$(conns_for "$n")
  t0=$(date +%s%3N)
  cpu0=$(cpu_ticks "${PID_OF[$name]}")
  line=$(taskset -c $LOAD_CPU wrk -t1 -c"$c" -d"${secs}s" --timeout 30s -s bench/load/wrk-events.lua \
    "http://127.0.0.1:$port/events" -- "$RUN/bodies/bodies-$n.txt" "$tag" | grep '^WRK ' || true)
  t1=$(date +%s%3N)
  cpu1=$(cpu_ticks "${PID_OF[$name]}")
  [ -n "$line" ] || die "wrk printed no result for $name N=$n"
  echo "$line" >> "$RUN/wrk.log"
  kill -0 "${PID_OF[$name]}" 2>/dev/null || die "$name died (log: $RUN/$name.log)"
  case $tag in warm*) return 0 ;; esac
  echo -e "closed\t$name\t$n\t$tag\t$c\t$line\t$t0\t$t1\t$((cpu1 - cpu0))\t$(getconf CLK_TCK)" >> "$RESULTS"
  say "$name N=$n: $(echo "$line" | sed -E 's/.*requests=([0-9]+) duration_us=([0-9]+).*status_errors=([0-9]+).*/\1 requests in \2 us, \3 non-2xx/')"
}

say "warm-up: ${WARMUP}s per server"
for name in $SERVERS; do
  for n in $SIZES; do closed $name "$n" $(( (WARMUP + 2) / 3 )) "warm-$name-$n"; done
done
loadavg after-warmup

say "throughput: ${MEASURE}s per payload size and server, $REPS repetition(s)"
for rep in $(seq 1 "$REPS"); do
  for n in $SIZES; do
    for name in $SERVERS; do closed $name "$n" "$MEASURE" "r$rep-$name-$n"; done
  done
done
loadavg after-throughput

# JFR of the measured runs (6b): dump each recording now, summarise only the measured windows.
for name in $SERVERS; do
  jfr_for "$name" || continue
  if taskset -c $LOAD_CPU jcmd "${PID_OF[$name]}" JFR.dump name=bench filename="$ROOT/$RUN/$name.jfr" >"$RUN/$name-jcmd.log" 2>&1 \
    && [ -s "$RUN/$name.jfr" ]; then
    taskset -c $LOAD_CPU java -Xmx512m -cp "$CP" JfrSummary "$RESULTS" "$name" "$RUN/$name.jfr" "$RUN/$name-jfr-top.txt" >> "$RESULTS" \
      || say "JFR summary of $name failed"
  else
    say "could not dump the JFR recording of $name (see $RUN/$name-jcmd.log)"
  fi
done

# Half the baseline's median requests/s at 1 event per request.
RATE=$(awk -F'\t' '$1=="closed" && $2=="baseline" && $3==1 { split($6, a, " "); for (i in a) { split(a[i], kv, "="); v[kv[1]]=kv[2] }
  print v["requests"] / (v["duration_us"] / 1e6) }' "$RESULTS" | sort -n | awk '{ x[NR]=$1 } END { m = (NR % 2) ? x[(NR+1)/2] : (x[NR/2] + x[NR/2+1]) / 2; printf "%.0f", m / 2 }')
LOW_RATE=${BENCH_LOW_RATE:-1000}
# open_loop NAME RATE KIND REP -> one constant-rate run; KIND "half" (the target's rate) or "low" (information)
open_loop() {
  local name=$1 rate=$2 kind=$3 rep=$4 port line
  port=$(port_of "$name")
  line=$(taskset -c $LOAD_CPU java -Xmx256m -cp "$CP" OpenLoop "http://127.0.0.1:$port/events" "$rate" "$LAT_WARMUP" "$LAT" \
    64 "$RUN/bodies/bodies-1.txt" "lat-$kind$rep-$name" | grep '^OPENLOOP ' || true)
  [ -n "$line" ] || die "the open-loop generator printed no result for $name"
  echo -e "open\t$name\t$kind\t$rep\t64\t$line" >> "$RESULTS"
  say "$name at $rate/s: $(echo "$line" | grep -oE 'p50_us=[0-9]+|p99_us=[0-9]+|p999_us=[0-9]+|errors=[0-9]+|saturated=[a-z]+' | tr '\n' ' ')"
}
say "latency: constant rate $RATE requests/s (half the baseline's median maximum), then $LOW_RATE/s; ${LAT_WARMUP}+${LAT}s per run"
for rep in $(seq 1 "$REPS"); do
  for name in $SERVERS; do open_loop "$name" "$RATE" half "$rep"; done
done
for rep in $(seq 1 "$REPS"); do
  for name in $SERVERS; do open_loop "$name" "$LOW_RATE" low "$rep"; done
done
loadavg end

for name in $SERVERS; do
  pid=${PID_OF[$name]}
  echo -e "memory\t$name\t$(awk '/^VmHWM/ {print $2}' /proc/"$pid"/status)\t$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status)" >> "$RESULTS"
done

# GC pauses over the whole load phase (-Xlog:gc): count and total of young and full collections, longest pause.
for name in $SERVERS; do
  [ -f "$RUN/$name-gc.log" ] || continue
  awk -v n="$name" '/Pause Young/ { y++; yt += $NF + 0 } /Pause Full/ { f++; ft += $NF + 0 } /Pause/ { if ($NF + 0 > m) m = $NF + 0 }
    END { printf "gc\t%s\t%d\t%.0f\t%d\t%.0f\t%.1f\n", n, y, yt, f, ft, m }' "$RUN/$name-gc.log" >> "$RESULTS"
done

if [ "$KAFKA" = 1 ]; then
  # The webhook servers are done: free CPU 1 and their ports for the Event Hubs runs.
  for name in $SERVERS; do stop "${PID_OF[$name]}"; done
  kafka_bench
fi

java -cp "$CP" Report "$RESULTS" "$RUN/machine.txt" | tee "$RUN/summary.txt"
if [ "$KAFKA" = 1 ]; then
  { echo; echo "Event Hubs ingest (step 9), $KAFKA_EVENTS-event backlog, 20 rules; service pinned to CPU $SERVER_CPU:"; kafka_report; } | tee -a "$RUN/summary.txt"
fi
say "done: $RUN/summary.txt"
