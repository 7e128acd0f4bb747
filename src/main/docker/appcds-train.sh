#!/usr/bin/env bash
# Makes the application class-data archive (AppCDS) of the JVM image: starts the packaged service once
# with -XX:ArchiveClassesAtExit, sends it one Event Grid delivery, and stops it; the JVM writes the
# classes it loaded (about 8,800: Quarkus' runtime init and the ingest path) into the archive as it exits.
# A JVM started with -XX:SharedArchiveFile=<archive> then maps them instead of loading and verifying them
# again: docs/performance.md measured 2.5 s -> 1.7 s to the first 200 at 24 MB more RSS.
#
#   appcds-train.sh QUARKUS_APP_DIR ARCHIVE [PORT]
#
# Run it with the java that runs the service (deploy/Dockerfile.jvm runs it in the runtime stage): an
# archive is only used by the very JDK build that wrote it, and a JVM given one it cannot use says so
# once and starts without it. Needs bash only (the request goes through /dev/tcp). No side effect: the
# training event's type is one no rule can match (ingest keeps unknown types), state is in memory, the
# ingest key exists for this start only, and the HTTP server listens on 127.0.0.1.
set -euo pipefail

app=${1:?usage: appcds-train.sh QUARKUS_APP_DIR ARCHIVE [PORT]}
archive=${2:?usage: appcds-train.sh QUARKUS_APP_DIR ARCHIVE [PORT]}
port=${3:-18080}
key=appcds-training
log=$(mktemp)
trap 'rm -f "$log"' EXIT

body='[{"id":"appcds-training-1","eventType":"Microsoft.MachineLearningServices.AppCdsTraining","subject":"appcds/training","eventTime":"2026-01-01T00:00:00Z","topic":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws","data":{},"dataVersion":"1","metadataVersion":"1"}]'

INGEST_AUTH_KEYS=$key QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$port LEDGER_STORE=memory \
  java -XX:ArchiveClassesAtExit="$archive" -jar "$app/quarkus-run.jar" >"$log" 2>&1 &
pid=$!

# post: one request over bash's /dev/tcp; prints the status code (nothing while the port is closed).
post() {
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'POST /events?key=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$key" "${#body}" "$body" >&3
  local status_line=""
  IFS= read -r -t 10 status_line <&3 || true
  exec 3<&-
  status_line=${status_line%$'\r'}
  echo "${status_line#HTTP/1.1 }" | cut -d' ' -f1
}

status=""
for _ in $(seq 1 600); do # 60 s at most
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "appcds-train: the service exited before answering; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  status=$(post)
  [ -n "$status" ] && break
  sleep 0.1
done
if [ "$status" != 200 ]; then
  echo "appcds-train: the training delivery was answered '${status:-nothing}', not 200; the service's output:" >&2
  cat "$log" >&2
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  exit 1
fi
kill -TERM "$pid"
wait "$pid" || true # 143 after SIGTERM; the archive is written on the way out
if [ ! -s "$archive" ]; then
  echo "appcds-train: no archive was written to $archive; the service's output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "appcds-train: wrote $archive ($(du -k "$archive" | cut -f1) KB)"
