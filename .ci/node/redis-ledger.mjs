// Checks the in-cluster Redis of a render that has k8s/components/redis-ledger (run by
// .ci/deploy-checks.sh on overlays/redis):  node redis-ledger.mjs RENDERED.yaml
// - the image is pinned: a version tag (x.y.z) and a sha256 digest, never a floating tag;
// - persistence as stated in redis.yaml: --appendonly yes, --appendfsync everysec, /data on a
//   PersistentVolumeClaim of the render (not an emptyDir), writable by the pod (fsGroup);
// - a PodDisruptionBudget selects the Redis pod and does not block drains (maxUnavailable >= 1).
// Prints one line; exits 1 with every problem found.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [rendered] = process.argv.slice(2);
const objects = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const problems = [];
const redis = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "aml-event-router-redis");
if (!redis) { console.log(`FAIL ${rendered}: no Deployment aml-event-router-redis`); process.exit(1); }
const pod = redis.spec.template;
const container = pod.spec.containers.find((c) => c.name === "redis");

if (!/:\d+\.\d+\.\d+(-[a-z0-9.]+)?@sha256:[0-9a-f]{64}$/.test(container.image)) {
  problems.push(`image ${container.image} is not pinned to a version tag and a sha256 digest`);
}
const args = container.args ?? [];
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? String(args[i + 1]) : undefined; };
if (arg("--appendonly") !== "yes") problems.push(`--appendonly is ${arg("--appendonly")}, expected yes`);
if (arg("--appendfsync") !== "everysec") problems.push(`--appendfsync is ${arg("--appendfsync")}, expected everysec`);

const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === "/data");
const volume = mount && pod.spec.volumes.find((v) => v.name === mount.name);
const claim = volume?.persistentVolumeClaim && objects.find((o) => o.kind === "PersistentVolumeClaim"
  && o.metadata.name === volume.persistentVolumeClaim.claimName && o.metadata.namespace === redis.metadata.namespace);
if (!claim) problems.push(`/data is not a PersistentVolumeClaim of this render (${JSON.stringify(volume ?? null)})`);
if (pod.spec.securityContext?.fsGroup !== pod.spec.securityContext?.runAsUser) problems.push("fsGroup must be the redis user, or the volume is not writable");
if (redis.spec.replicas !== 1 || redis.spec.strategy?.type !== "Recreate") problems.push("one replica with strategy Recreate (a ReadWriteOnce volume cannot be shared by two pods)");

const labels = pod.metadata.labels;
const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget" && o.metadata.namespace === redis.metadata.namespace
  && Object.entries(o.spec.selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
if (pdbs.length !== 1) problems.push(`${pdbs.length} PodDisruptionBudgets select the Redis pod, expected 1`);
else if (!(pdbs[0].spec.maxUnavailable >= 1)) problems.push(`PodDisruptionBudget ${pdbs[0].metadata.name} blocks drains (maxUnavailable ${pdbs[0].spec.maxUnavailable})`);

if (problems.length) { for (const p of problems) console.log(`FAIL ${rendered}: ${p}`); process.exit(1); }
console.log(`OK   ${rendered}: ${container.image}; AOF everysec on PVC ${claim.metadata.name} (${claim.spec.resources.requests.storage}); PDB ${pdbs[0].metadata.name}`);
