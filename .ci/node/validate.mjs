// Offline validation of rendered Kubernetes manifests (multi-document YAML, a file or "-" for stdin).
//  1. schema: every object validates against the Kubernetes OpenAPI schema (kubernetes-models / ajv),
//     KEDA objects (keda.sh) against KEDA's CRD schema (@kubernetes-models/keda);
//  2. unknown fields: kubernetes-models ignores fields the schema does not declare (`replicaz: 1`
//     passes). We find them by poisoning: each field in turn is replaced by a value of no JSON type;
//     a declared field then fails validation at exactly its path, an undeclared one is never looked at;
//  3. our Deployment's contract: terminationGracePeriodSeconds covers preStop + the Quarkus shutdown
//     timeout, which covers INGEST_DEADLINE; RULES_PATH lies in a ConfigMap volume mounted as a
//     directory (a subPath mount never sees ConfigMap updates, so hot reload would silently stop).
// Prints one line per object; exits 1 if any object fails.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const POISON = Symbol("poison"); // neither string, number, boolean, object, array nor null

// CRDs with a models package of their own (the schema of the CRD as published by the project).
const CRD_MODELS = { "keda.sh": "@kubernetes-models/keda" };

async function modelFor({ apiVersion, kind }) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const pkg = CRD_MODELS[group] ?? "kubernetes-models";
  const path = group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
  return (await import(path))[kind];
}

function schemaErrors(Model, obj) {
  try { new Model(obj).validate(); return []; } catch (e) { if (!e.errors) throw e; return e.errors; }
}

function unknownFields(Model, obj) {
  const found = [];
  const walk = (node, path) => {
    for (const key of Object.keys(node)) {
      const here = `${path}/${Array.isArray(node) ? key : key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      const original = node[key];
      node[key] = POISON;
      const seen = schemaErrors(Model, obj).some((e) => e.instancePath === here);
      node[key] = original;
      if (!seen) found.push(here);
      else if (original !== null && typeof original === "object") walk(original, here);
    }
  };
  walk(obj, "");
  return found;
}

const seconds = (v) => (v === undefined ? NaN : Number(String(v).replace(/s$/, "")));

function routerContract(obj) {
  if (obj.kind !== "Deployment") return [];
  const spec = obj.spec.template.spec;
  const router = spec.containers.find((c) => (c.env ?? []).some((e) => e.name === "RULES_PATH"));
  if (!router) return [];
  const env = Object.fromEntries(router.env.map((e) => [e.name, e.value]));
  const preStop = router.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const shutdown = seconds(env.QUARKUS_SHUTDOWN_TIMEOUT), deadline = seconds(env.INGEST_DEADLINE ?? "20s");
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  const problems = [];
  if (!(shutdown > deadline)) problems.push(`QUARKUS_SHUTDOWN_TIMEOUT ${shutdown}s must exceed INGEST_DEADLINE ${deadline}s`);
  if (!(grace >= preStop + shutdown + 5)) problems.push(`terminationGracePeriodSeconds ${grace} < preStop ${preStop} + shutdown ${shutdown} + 5`);
  const rulesDir = env.RULES_PATH.slice(0, env.RULES_PATH.lastIndexOf("/"));
  const mount = (router.volumeMounts ?? []).find((m) => m.mountPath === rulesDir);
  const volume = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
  if (!volume?.configMap || mount.subPath) problems.push(`RULES_PATH ${env.RULES_PATH} must lie in a ConfigMap volume mounted at ${rulesDir} without subPath`);
  return problems;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file === "-" ? 0 : file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) { console.log(`FAIL ${file}: YAML: ${doc.errors[0].message}`); failed++; continue; }
    const obj = doc.toJS();
    if (!obj) continue;
    const name = `${obj.kind}/${obj.metadata?.name}`;
    let Model;
    try { Model = await modelFor(obj); } catch { console.log(`FAIL ${file}: ${name}: no schema for ${obj.apiVersion} ${obj.kind}`); failed++; continue; }
    const problems = [
      ...schemaErrors(Model, obj).map((e) => `data${e.instancePath} ${e.message}`),
      ...unknownFields(Model, obj).map((p) => `unknown field ${p}`),
      ...routerContract(obj),
    ];
    if (problems.length) { console.log(`FAIL ${file}: ${name}: ${problems.join("; ")}`); failed++; }
    else console.log(`OK   ${file}: ${name}`);
  }
}
process.exit(failed ? 1 : 0);
