// Who may scrape the router? Evaluates the NetworkPolicies of a render (made by .ci/deploy-checks.sh)
// for a connection to the router pods on the port of their prometheus.io/port annotation:
//   node scrape-access.mjs RENDERED.yaml admitted|denied
// "admitted": the Prometheus Operator's pods in "monitoring" and the Azure Monitor metrics add-on's
// pods (rsName=ama-metrics, dsName=ama-metrics-node) in kube-system get in (k8s/components/prometheus-scrape);
// "denied": none of them does (the render without the component). Either way, look-alikes in the wrong
// namespace and other kube-system pods stay out. Ingress rules use matchLabels only here, which is
// all this evaluator understands (matchExpressions make it fail rather than guess).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [rendered, expectation] = process.argv.slice(2);
const objects = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "aml-event-router");
const podLabels = deployment.spec.template.metadata.labels;
const annotations = deployment.spec.template.metadata.annotations ?? {};
const port = Number(annotations["prometheus.io/port"]);
const containerPorts = deployment.spec.template.spec.containers.flatMap((c) => c.ports ?? []);

const matches = (selector, labels) => {
  if (selector.matchExpressions) throw new Error("matchExpressions are not evaluated by this check");
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};
const portMatches = (p) => (typeof p.port === "string" ? containerPorts.find((c) => c.name === p.port)?.containerPort : p.port) === port
  && (p.protocol ?? "TCP") === "TCP";

function admitted(namespace, labels) {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && matches(o.spec.podSelector, podLabels)
    && (o.spec.policyTypes ?? ["Ingress"]).includes("Ingress"));
  if (!policies.length) return true; // not isolated
  return policies.some((np) => (np.spec.ingress ?? []).some((rule) =>
    (!rule.ports || rule.ports.some(portMatches)) &&
    (!rule.from || rule.from.some((peer) => !peer.ipBlock &&
      (peer.namespaceSelector ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": namespace })
        : namespace === deployment.metadata.namespace) &&
      (!peer.podSelector || matches(peer.podSelector, labels))))));
}

const scrapers = [
  ["monitoring", { "app.kubernetes.io/name": "prometheus", prometheus: "kube-prometheus-stack-prometheus" }],
  ["kube-system", { rsName: "ama-metrics", "kubernetes.azure.com/managedby": "aks" }],
  ["kube-system", { dsName: "ama-metrics-node", "kubernetes.azure.com/managedby": "aks" }],
];
const outsiders = [
  ["default", { "app.kubernetes.io/name": "prometheus" }],
  ["monitoring", { "app.kubernetes.io/name": "grafana" }],
  ["kube-system", { "k8s-app": "kube-dns" }],
  ["aml-event-router", { "app.kubernetes.io/name": "aml-event-router-redis" }],
];

const problems = [];
if (annotations["prometheus.io/scrape"] !== "true" || !containerPorts.some((c) => c.containerPort === port)) {
  problems.push(`the pods' prometheus.io/scrape and prometheus.io/port (${annotations["prometheus.io/port"]}) do not name a container port`);
}
for (const [ns, labels] of scrapers) {
  const got = admitted(ns, labels);
  if (got !== (expectation === "admitted")) problems.push(`${ns}/${JSON.stringify(labels)} is ${got ? "admitted" : "denied"} on port ${port}, expected ${expectation}`);
}
for (const [ns, labels] of outsiders) {
  if (admitted(ns, labels)) problems.push(`${ns}/${JSON.stringify(labels)} is admitted on port ${port}`);
}
if (problems.length) { for (const p of problems) console.log(`FAIL ${rendered}: ${p}`); process.exit(1); }
console.log(`OK   ${rendered}: scrapers ${expectation} on port ${port}; outsiders denied`);
