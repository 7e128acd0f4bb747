#!/usr/bin/env bash
# Rule filter evaluation benchmark (JMH), one command: bench/rules.sh [extra JMH options, e.g. -p filters=100]
#
# Default settings are short but honest: 2 forks x (3 warm-up + 3 measured iterations of 2 s) for each rule-set size
# (10, 100, 1000 filters), about 2.5 minutes. Override them with JMH_SETTINGS, e.g.
#   JMH_SETTINGS="-f 1 -wi 1 -w 1s -i 1 -r 1s" bench/rules.sh -p filters=100      (a quick smoke run)
# Results: console, and JSON in target/jmh-rules.json. Record them in docs/performance.md ("## Rule evaluation").
set -euo pipefail
cd "$(dirname "$0")/.."
settings="${JMH_SETTINGS:--f 2 -wi 3 -w 2s -i 3 -r 2s}"
./mvnw -B -ntp -q test-compile exec:exec \
  -Dexec.args="-cp %classpath org.openjdk.jmh.Main io.amlrouter.bench.RuleEvaluationBenchmark \
 ${settings} -rf json -rff target/jmh-rules.json $*"
