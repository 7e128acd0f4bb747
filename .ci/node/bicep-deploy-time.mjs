// Static check of Bicep files (no Bicep compiler is obtainable where the checks run): the top-level
// `name` and `location` of every resource and module that is deployed must not be read from an
// `existing` resource, directly or through a `var`. Bicep refuses that with BCP120 (these values must
// be known at the start of the deployment, and an existing resource's properties are only known once
// it has been read). Stricter than Bicep, which lets an existing resource's `name`/`id` through: any
// reference counts. Strings are scanned with their `${...}` interpolations; literal text in them is
// ignored. Prints one line per file (OK/FAIL with every offending property); exits 1 on any FAIL.
import { readFileSync } from "node:fs";

// The code of a Bicep text without comments and without the literal parts of strings (interpolations
// stay), one entry per source line, so that line numbers survive.
function codeLines(text) {
  const out = [];
  let line = "", i = 0, inString = false, blockComment = false;
  const stack = []; // for each open interpolation: the brace depth at which it closes
  let depth = 0;
  while (i < text.length) {
    const c = text[i], next = text[i + 1];
    if (c === "\n") { out.push(line); line = ""; i++; continue; }
    if (blockComment) { if (c === "*" && next === "/") { blockComment = false; i += 2; } else i++; continue; }
    if (inString) {
      if (c === "\\") { i += 2; continue; }
      if (c === "'") { inString = false; line += "'"; i++; continue; }
      if (c === "$" && next === "{") { inString = false; stack.push(depth); depth++; line += "${"; i += 2; continue; }
      i++; continue; // literal text: dropped
    }
    if (c === "/" && next === "/") { while (i < text.length && text[i] !== "\n") i++; continue; }
    if (c === "/" && next === "*") { blockComment = true; i += 2; continue; }
    if (c === "'") { inString = true; line += "'"; i++; continue; }
    if (c === "{") depth++;
    if (c === "}") {
      depth--;
      if (stack.length && stack[stack.length - 1] === depth) { stack.pop(); inString = true; line += "}"; i++; continue; }
    }
    line += c; i++;
  }
  out.push(line);
  return out;
}

const balance = (s) => [...s].reduce((n, c) => n + ("([{".includes(c) ? 1 : ")]}".includes(c) ? -1 : 0), 0);

export function check(text) {
  const lines = codeLines(text);
  const existing = new Set(), vars = new Map(), deployed = [];
  for (let i = 0; i < lines.length; i++) {
    let m;
    if ((m = lines[i].match(/^\s*resource\s+(\w+)\s+'[^']*'\s+existing\s*=/))) existing.add(m[1]);
    else if ((m = lines[i].match(/^\s*(resource|module)\s+(\w+)\s+'[^']*'\s*=/))) deployed.push({ kind: m[1], symbol: m[2], line: i });
    else if ((m = lines[i].match(/^\s*var\s+(\w+)\s*=(.*)$/))) {
      let expr = m[2], j = i;
      while (balance(expr) > 0 && j + 1 < lines.length) expr += "\n" + lines[++j];
      vars.set(m[1], expr);
    }
  }
  // Tainted: existing resources, and variables computed from anything tainted (to a fixpoint).
  const tainted = new Set(existing);
  const refs = (expr) => [...tainted].filter((t) => new RegExp(`(?<![\\w.])${t}\\b`).test(expr));
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, expr] of vars) if (!tainted.has(name) && refs(expr).length) { tainted.add(name); changed = true; }
  }
  const problems = [];
  for (const { kind, symbol, line } of deployed) {
    // The body: from the declaration's first "{" to its matching "}"; top level = depth 1.
    let depth = 0, started = false;
    for (let i = line; i < lines.length; i++) {
      const atStart = depth;
      const m = started && atStart === 1 && lines[i].match(/^\s*(name|location)\s*:(.*)$/);
      if (m) {
        let expr = m[2], j = i;
        while (balance(expr) > 0 && j + 1 < lines.length) expr += "\n" + lines[++j];
        for (const t of refs(expr)) {
          problems.push(`line ${i + 1}: ${kind} ${symbol}: ${m[1]} is read from ${existing.has(t) ? `the existing resource '${t}'` : `'${t}', which depends on an existing resource`} (BCP120: ${m[1]} must be known at the start of the deployment; take it as a parameter)`);
        }
      }
      for (const c of lines[i]) {
        if (c === "{") { depth++; started = true; } else if (c === "}") depth--;
      }
      if (started && depth === 0) break;
    }
  }
  return { problems, deployed: deployed.length, existing: existing.size };
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const { problems, deployed, existing } = check(readFileSync(file, "utf8"));
  if (problems.length) { failed++; console.log(`FAIL ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`); }
  else console.log(`OK   ${file}: ${deployed} deployed resource(s)/module(s), ${existing} existing; no name/location read from an existing resource`);
}
process.exit(failed ? 1 : 0);
