#!/usr/bin/env bash
# Fuzz one Jazzer target for longer than the regression run of every build does (docs/security.md, "Fuzzing").
#
#   bench/fuzz.sh TARGET [DURATION]
#
#   TARGET    decoder | loader | filter | template   (or a Class#method of src/test/java/io/amlrouter/fuzz)
#   DURATION  libFuzzer total time: 600, 600s, 10m, 1h (default 10m)
#
# Environment:
#   FUZZ_TIMEOUT  seconds one input may run before it counts as a hang (default 10)
#   FUZZ_XMX      heap of the fuzzing JVM (default 512m); an OutOfMemoryError is a finding
#   FUZZ_MAX_LEN  longest input libFuzzer generates (default: libFuzzer's, 4096 bytes)
#   FUZZ_INCLUDES classes Jazzer instruments for coverage, ':'-separated globs (default: the project's own classes,
#                 plus Qute's for the template target, whose input is Qute syntax)
#
# A finding fails the run and is written next to the seeds, into
# src/test/resources/io/amlrouter/fuzz/<Class>Inputs/<method>/crash-<sha1> (or timeout-/oom-): fix the code, give
# the file a descriptive name and commit it, so every build replays it. Inputs that found new coverage collect in
# .cifuzz-corpus/ (git-ignored); copy the interesting ones into the inputs directory by hand.
#
# How: Jazzer 0.24 has no option for the duration of a JUnit fuzz test besides @FuzzTest(maxDuration); libFuzzer
# flags reach it as the JUnit configuration parameters jazzer.internal.arg.N (argv[0] first), and flags given there
# win over the annotation's. JAZZER_FUZZ=1 switches @FuzzTest from replaying the corpus to fuzzing (and activates the
# jazzer-fuzzing Maven profile, which turns Jazzer's instrumentation on). Only one fuzz test can run per JVM.
set -euo pipefail

cd "$(dirname "$0")/.."

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage

includes='io.amlrouter.**'
case "$1" in
  decoder)  test='io.amlrouter.fuzz.EventDecoderFuzzTest#decodeAcceptsOrRejectsCleanly' ;;
  loader)   test='io.amlrouter.fuzz.RuleSetLoaderFuzzTest#loadNeverThrows' ;;
  filter)   test='io.amlrouter.fuzz.EventFilterFuzzTest#filterParsesAndExplainAgreesWithMatches' ;;
  template) test='io.amlrouter.fuzz.TemplateFuzzTest#compileAndRenderWithinBounds'
            includes='io.amlrouter.**:io.quarkus.qute.**' ;;
  *#*)      test="$1" ;;
  *)        usage ;;
esac

duration="${2:-10m}"
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *[!0-9]*|'') echo "bad DURATION: $duration" >&2; exit 2 ;;
  *)  seconds=$duration ;;
esac

args=(-Djazzer.internal.arg.0=jazzer
      -Djazzer.internal.arg.1=-max_total_time="$seconds"
      -Djazzer.internal.arg.2=-timeout="${FUZZ_TIMEOUT:-10}")
if [ -n "${FUZZ_MAX_LEN:-}" ]; then
  args+=(-Djazzer.internal.arg.3=-max_len="$FUZZ_MAX_LEN")
fi

echo "fuzzing $test for ${seconds}s (heap ${FUZZ_XMX:-512m}, per-input timeout ${FUZZ_TIMEOUT:-10}s)" >&2
# The heap goes in through JAVA_TOOL_OPTIONS: surefire's argLine is the Quarkus plugin's to set (a -DargLine is
# dropped). Maven's own JVM gets the same bound, which is plenty for running one test class.
export JAVA_TOOL_OPTIONS="-Xmx${FUZZ_XMX:-512m} ${JAVA_TOOL_OPTIONS:-}"
JAZZER_FUZZ=1 exec ./mvnw -B -ntp test -Dtest="$test" \
  -Djazzer.instrumentation_includes="${FUZZ_INCLUDES:-$includes}" "${args[@]}"
