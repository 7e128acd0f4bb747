// Checks a render of k8s/overlays/eventhubs (run by .ci/deploy-checks.sh), and with --keda the same
// render with k8s/components/keda-eventhubs added:
//   node eventhubs.mjs RENDERED.yaml --partitions N [--keda SECRET_TEMPLATE.yaml]
// The router (the Deployment with RULES_PATH):
// - consumes with workload identity: pod label azure.workload.identity/use "true", its ServiceAccount
//   carries azure.workload.identity/client-id; INGEST_EVENTHUBS_AUTH=entra (never none/plaintext),
//   INGEST_EVENTHUBS_BOOTSTRAP_SERVERS <namespace>.servicebus.windows.net:9093, a topic and a group;
// - has no Ingress and admits no connection from the ingress controller (NetworkPolicy: only named peers
//   on 8080, i.e. the scrapers of k8s/components/prometheus-scrape); egress: every rule names its ports,
//   9093 among them, no AMQP (5671/5672);
// - uses the Redis ledger when it can run more than one replica, and never more replicas than partitions.
// With --keda: one ScaledObject on that Deployment, no other HPA on it; the kafka trigger names only
// parameters of KEDA's kafka scaler (docs "Apache Kafka", 2.18-2.21), watches the very servers, topic and
// group the router consumes (its ConfigMap), over TLS, with a TriggerAuthentication in the same namespace
// whose parameters are the scaler's and whose Secret keys exist in the template. (Field names and types of
// the ScaledObject/TriggerAuthentication themselves are validate.mjs's job: KEDA's CRD schema.)
// Prints one line; exits 1 with every problem found.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const [rendered] = args;
const partitions = Number(opt("--partitions"));
const secretTemplate = opt("--keda");
const load = (file) => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
const objects = load(rendered);
const problems = [];
const of = (kind) => objects.filter((o) => o.kind === kind);

// KEDA's kafka scaler: trigger metadata and authentication parameters (docs "Apache Kafka", 2.18-2.21).
const KAFKA_METADATA = new Set(["bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
  "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag",
  "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "version", "fullMetadata", "partitionLimitation",
  "sasl", "saslTokenProvider", "tls", "unsafeSsl", "awsRegion"]);
const KAFKA_AUTH = new Set(["sasl", "saslTokenProvider", "username", "password", "keytab", "realm", "kerberosConfig",
  "kerberosServiceName", "kerberosDisableFAST", "oauthTokenEndpointUri", "scopes", "oauthExtensions", "tls", "ca",
  "cert", "key", "keyPassword", "awsRoleArn", "awsAccessKeyID", "awsSecretAccessKey"]);
const SASL = new Set(["plaintext", "scram_sha256", "scram_sha512", "gssapi", "oauthbearer", "none"]);

const router = of("Deployment").find((d) => d.spec.template.spec.containers.some((c) => (c.env ?? []).some((e) => e.name === "RULES_PATH")));
if (!router) { console.log(`FAIL ${rendered}: no router Deployment (with RULES_PATH)`); process.exit(1); }
const ns = router.metadata.namespace;
const pod = router.spec.template;
const container = pod.spec.containers.find((c) => (c.env ?? []).some((e) => e.name === "RULES_PATH"));

// Settings: the ConfigMaps and Secrets of envFrom, in order (a later one wins), then env.
const settings = {};
for (const from of container.envFrom ?? []) {
  if (from.configMapRef) Object.assign(settings, of("ConfigMap").find((c) => c.metadata.name === from.configMapRef.name)?.data ?? {});
}
for (const e of container.env ?? []) if (e.value !== undefined) settings[e.name] = e.value;

// Workload identity.
if (pod.metadata.labels?.["azure.workload.identity/use"] !== "true") problems.push('pod label azure.workload.identity/use is not "true"');
const sa = of("ServiceAccount").find((s) => s.metadata.name === pod.spec.serviceAccountName && s.metadata.namespace === ns);
if (!sa) problems.push(`ServiceAccount ${pod.spec.serviceAccountName} is not in the render`);
else if (!(sa.metadata.annotations?.["azure.workload.identity/client-id"] ?? "").trim()) problems.push(`ServiceAccount ${sa.metadata.name} has no azure.workload.identity/client-id`);

// The consumer's settings.
const servers = settings.INGEST_EVENTHUBS_BOOTSTRAP_SERVERS;
if (!/^[a-z0-9-]+\.servicebus\.windows\.net:9093$/i.test(servers ?? "")) problems.push(`INGEST_EVENTHUBS_BOOTSTRAP_SERVERS ${servers} is not <namespace>.servicebus.windows.net:9093`);
if (!settings.INGEST_EVENTHUBS_TOPIC) problems.push("no INGEST_EVENTHUBS_TOPIC");
if (!settings.INGEST_EVENTHUBS_CONSUMER_GROUP) problems.push("no INGEST_EVENTHUBS_CONSUMER_GROUP");
if (settings.INGEST_EVENTHUBS_AUTH !== "entra") problems.push(`INGEST_EVENTHUBS_AUTH is ${settings.INGEST_EVENTHUBS_AUTH}, expected entra (workload identity)`);
if (String(settings.INGEST_EVENTHUBS_ALLOW_PLAINTEXT ?? "false") !== "false") problems.push("INGEST_EVENTHUBS_ALLOW_PLAINTEXT must not be set in a cluster");

// No way in; out only where needed.
if (of("Ingress").length) problems.push(`Ingress present: ${of("Ingress").map((i) => i.metadata.name).join(", ")}`);
const selects = (np) => Object.entries(np.spec.podSelector?.matchLabels ?? {}).every(([k, v]) => pod.metadata.labels?.[k] === v);
const policies = of("NetworkPolicy").filter((np) => np.metadata.namespace === ns && selects(np));
if (!policies.length) problems.push("no NetworkPolicy selects the router");
for (const np of policies) {
  // Nothing comes in but named peers on 8080 (k8s/components/prometheus-scrape's scrapers); never the ingress controller.
  if (!np.spec.policyTypes?.includes("Ingress")) problems.push(`NetworkPolicy ${np.metadata.name} does not restrict ingress`);
  for (const rule of np.spec.ingress ?? []) {
    const peers = rule.from ?? [];
    const controller = peers.some((p) => /^(app-routing-system|ingress-nginx)$/.test(p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? ""));
    const ports = (rule.ports ?? []).map((p) => p.port);
    if (!peers.length || controller || !ports.length || ports.some((p) => p !== 8080)) problems.push(`NetworkPolicy ${np.metadata.name} admits ${JSON.stringify(rule)}`);
  }
  const egress = np.spec.egress ?? [];
  if (!np.spec.policyTypes?.includes("Egress")) problems.push(`NetworkPolicy ${np.metadata.name} does not restrict egress`);
  for (const rule of egress) if (!(rule.ports ?? []).length) problems.push(`NetworkPolicy ${np.metadata.name}: an egress rule without ports allows every port`);
  const ports = egress.flatMap((r) => (r.ports ?? []).map((p) => p.port));
  if (!ports.includes(9093)) problems.push(`NetworkPolicy ${np.metadata.name}: no egress to 9093 (Event Hubs' Kafka endpoint)`);
  for (const amqp of [5671, 5672]) if (ports.includes(amqp)) problems.push(`NetworkPolicy ${np.metadata.name}: egress to AMQP ${amqp} is not needed`);
}

// Replicas.
const targets = (a) => a.spec.scaleTargetRef?.name === router.metadata.name && (a.spec.scaleTargetRef.kind ?? "Deployment") === "Deployment";
const hpas = of("HorizontalPodAutoscaler").filter((h) => h.metadata.namespace === ns && targets(h));
const scaled = of("ScaledObject").filter((s) => s.metadata.namespace === ns && targets(s));
const maxReplicas = Math.max(1, ...hpas.map((h) => h.spec.maxReplicas), ...scaled.map((s) => s.spec.maxReplicaCount ?? 100));
if (maxReplicas > 1 && settings.LEDGER_STORE !== "redis") problems.push(`up to ${maxReplicas} replicas with LEDGER_STORE=${settings.LEDGER_STORE}: a rebalance would repeat actions; use the Redis ledger`);
if (!(partitions > 0)) problems.push("--partitions N (the event hub's partition count) is required");
else if (maxReplicas > partitions) problems.push(`up to ${maxReplicas} replicas but ${partitions} partitions: the extra replicas would idle`);

if (secretTemplate === undefined) {
  if (scaled.length) problems.push("a ScaledObject in a render checked without --keda");
} else {
  if (scaled.length !== 1) problems.push(`${scaled.length} ScaledObjects target ${router.metadata.name}, expected 1`);
  if (hpas.length) problems.push(`HorizontalPodAutoscaler ${hpas.map((h) => h.metadata.name).join(", ")} also targets ${router.metadata.name}: KEDA owns its own HPA, two fight`);
  const secret = load(secretTemplate).find((o) => o.kind === "Secret");
  for (const so of scaled) {
    const kafka = so.spec.triggers.filter((t) => t.type === "kafka");
    if (kafka.length !== 1) { problems.push(`ScaledObject ${so.metadata.name}: ${kafka.length} kafka triggers, expected 1`); continue; }
    const [t] = kafka, md = t.metadata ?? {};
    for (const k of Object.keys(md)) if (!KAFKA_METADATA.has(k)) problems.push(`kafka trigger: unknown parameter ${k}`);
    for (const [k, want] of [["bootstrapServers", servers], ["topic", settings.INGEST_EVENTHUBS_TOPIC], ["consumerGroup", settings.INGEST_EVENTHUBS_CONSUMER_GROUP]]) {
      if (md[k] !== want) problems.push(`kafka trigger: ${k} ${md[k]} is not the router's ${want}`);
    }
    // A group with no committed offset: KEDA must count the lag from where the router starts reading
    // (ingest.eventhubs.auto-offset-reset, earliest by default), or it reports a negative lag and never scales.
    const reset = settings.INGEST_EVENTHUBS_AUTO_OFFSET_RESET ?? "earliest";
    if ((md.offsetResetPolicy ?? "latest") !== reset) problems.push(`kafka trigger: offsetResetPolicy ${md.offsetResetPolicy ?? "latest (KEDA's default)"} is not the router's auto-offset-reset ${reset}`);
    if (!/^[1-9][0-9]*$/.test(md.lagThreshold ?? "")) problems.push(`kafka trigger: lagThreshold ${md.lagThreshold} is not a positive integer`);
    if (so.spec.minReplicaCount === 0) problems.push("minReplicaCount 0: with no committed offset the kafka scaler may never scale up again (KEDA docs)");
    if (!(so.spec.maxReplicaCount <= partitions)) problems.push(`maxReplicaCount ${so.spec.maxReplicaCount} > ${partitions} partitions`);
    const auth = of("TriggerAuthentication").find((a) => a.metadata.name === t.authenticationRef?.name && a.metadata.namespace === ns);
    if (!auth) { problems.push(`kafka trigger: TriggerAuthentication ${t.authenticationRef?.name} not in namespace ${ns}`); continue; }
    const refs = auth.spec.secretTargetRef ?? [];
    const params = new Set([...Object.keys(md), ...refs.map((r) => r.parameter)]);
    for (const r of refs) {
      if (!KAFKA_AUTH.has(r.parameter)) problems.push(`TriggerAuthentication ${auth.metadata.name}: ${r.parameter} is no kafka scaler parameter`);
      if (!secret || secret.metadata.name !== r.name || !(r.key in (secret.stringData ?? secret.data ?? {}))) problems.push(`TriggerAuthentication ${auth.metadata.name}: Secret ${r.name} key ${r.key} not in ${secretTemplate}`);
    }
    const sasl = md.sasl ?? "none";
    if (!SASL.has(sasl)) problems.push(`kafka trigger: sasl ${sasl} is not one of ${[...SASL].join(", ")}`);
    if (md.tls !== "enable") problems.push("kafka trigger: tls must be enable (Event Hubs' Kafka endpoint is TLS only)");
    if (sasl === "plaintext" && !(params.has("username") && params.has("password"))) problems.push("sasl plaintext needs username and password");
    if (sasl === "plaintext" && (secret?.stringData?.username !== "$ConnectionString")) problems.push("Event Hubs takes SASL PLAIN as user $ConnectionString with a connection string as password");
  }
}

if (problems.length) { console.log(`FAIL ${rendered}: ${problems.join("; ")}`); process.exit(1); }
console.log(`OK   ${rendered}: workload identity, auth entra, ${servers}, no ingress, egress 9093, up to ${maxReplicas} replicas on ${partitions} partitions${secretTemplate ? ", KEDA kafka trigger on the router's topic and group" : ""}`);
