#!/usr/bin/env bash
# A local Kafka broker for the Event Hubs ingest, without Docker: the tests' single-node KRaft broker
# (src/test/java/io/amlrouter/support/KafkaBroker.java, from the org.apache.kafka:kafka_2.13 jars of the
# build), and a producer that writes events into it as Event Grid writes them into an event hub.
# Used by the README's tour ("Event Hubs ingest (local broker)"), by bench/run.sh and by EventHubsTourIT.
#
#   bench/kafka-local.sh broker [TOPIC [PARTITIONS]]     starts the broker (topic aml-events, 4 partitions by default),
#                                                        prints "Kafka broker ready: INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=127.0.0.1:<port> ..."
#                                                        and runs until stopped (Ctrl-C); its data goes with it
#   bench/kafka-local.sh produce BOOTSTRAP FILE...        writes each file (one Event Grid event, JSON) as one record
#                                                        to topic aml-events (KAFKA_TOPIC=... for another)
#   bench/kafka-local.sh classpath                       prints the classpath both use
#
# Needs Java 17+ and the Maven wrapper. The first call compiles the test classes (./mvnw test-compile) and asks
# Maven for the test classpath (cached in target/kafka-local/); both work offline once the build has run.
# The broker listens on 127.0.0.1 only, on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/kafka-local
mkdir -p "$OUT"

mvn_quiet() { ./mvnw -B -q -o "$@" >"$OUT/mvn.log" 2>&1 || ./mvnw -B -q "$@" >"$OUT/mvn.log" 2>&1 || { cat "$OUT/mvn.log" >&2; return 1; }; }

classpath() {
  local broker=target/test-classes/io/amlrouter/support/KafkaBroker.class
  if [ ! -f "$broker" ] || [ src/test/java/io/amlrouter/support/KafkaBroker.java -nt "$broker" ]; then
    echo "kafka-local: compiling the test classes (./mvnw test-compile) ..." >&2
    mvn_quiet test-compile
  fi
  if [ ! -s "$OUT/classpath.txt" ] || [ pom.xml -nt "$OUT/classpath.txt" ]; then
    echo "kafka-local: resolving the test classpath (./mvnw dependency:build-classpath) ..." >&2
    mvn_quiet dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$OUT/classpath.txt"
  fi
  if [ ! -f "$OUT/classes/KafkaLoad.class" ] || [ bench/kafka/KafkaLoad.java -nt "$OUT/classes/KafkaLoad.class" ]; then
    javac -nowarn -d "$OUT/classes" -cp "$(cat "$OUT/classpath.txt")" bench/kafka/KafkaLoad.java
  fi
  echo "target/test-classes:$OUT/classes:$(cat "$OUT/classpath.txt")"
}

case "${1:-}" in
  broker)
    cp=$(classpath)
    # Kafka's own logging stays at WARN (the test classpath logs through JBoss LogManager).
    exec java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dlogging.level.root=WARN \
      -cp "$cp" io.amlrouter.support.KafkaBroker "${2:-aml-events}" "${3:-4}"
    ;;
  produce)
    [ $# -ge 3 ] || { echo "usage: $0 produce BOOTSTRAP FILE..." >&2; exit 2; }
    cp=$(classpath)
    bootstrap=$2; shift 2
    exec java -Xmx128m -cp "$cp" KafkaLoad produce "$bootstrap" "${KAFKA_TOPIC:-aml-events}" "$@"
    ;;
  classpath)
    classpath
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2
    ;;
esac
