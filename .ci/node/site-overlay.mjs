// Checks the render of docs/operations.md's site overlay (step 7), made by .ci/deploy-checks.sh:
//   node site-overlay.mjs RENDERED.yaml EXPECTED_IMAGE RULES_FILE
// - the router container runs EXPECTED_IMAGE (the overlay's `images:` entry matched), not a placeholder;
// - exactly one ConfigMap aml-event-router-rules (no hash suffix), holding RULES_FILE byte for byte,
//   and the Deployment's rules volume mounts that ConfigMap.
// Prints one line per finding; exits 1 if any check fails.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [rendered, expectedImage, rulesFile] = process.argv.slice(2);
const objects = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const problems = [];

const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "aml-event-router");
const router = deployment?.spec.template.spec.containers.find((c) => c.name === "router");
if (!router) problems.push("no Deployment aml-event-router with a container router");
else if (router.image !== expectedImage) problems.push(`router image is ${router.image}, expected ${expectedImage} (the images: entry matched nothing?)`);

const rules = objects.filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("aml-event-router-rules"));
const expectedRules = readFileSync(rulesFile, "utf8");
if (rules.length !== 1) problems.push(`${rules.length} rules ConfigMaps: ${rules.map((o) => o.metadata.name).join(", ")}`);
else {
  const [cm] = rules;
  if (cm.metadata.name !== "aml-event-router-rules") problems.push(`rules ConfigMap is named ${cm.metadata.name}: a hash suffix stops hot reload`);
  if (Object.keys(cm.data ?? {}).join() !== "rules.yaml") problems.push(`rules ConfigMap keys: ${Object.keys(cm.data ?? {}).join(", ")}, expected rules.yaml`);
  else if (cm.data["rules.yaml"] !== expectedRules) problems.push("rules ConfigMap does not hold the site's rules.yaml (still the base's example?)");
  const volume = deployment?.spec.template.spec.volumes?.find((v) => v.name === "rules");
  if (volume?.configMap?.name !== cm.metadata.name) problems.push(`rules volume mounts ${volume?.configMap?.name}, not ${cm.metadata.name}`);
}

if (problems.length) { for (const p of problems) console.log(`FAIL ${rendered}: ${p}`); process.exit(1); }
console.log(`OK   ${rendered}: image ${router.image}; ConfigMap aml-event-router-rules = ${rulesFile}`);
