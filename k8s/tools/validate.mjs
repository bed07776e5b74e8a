// Validates rendered Kubernetes manifests offline against the API schemas
// (kubernetes-models: core API 1.32, prometheus-operator, Istio, Cilium).
//
// usage: node validate.mjs FILE.yaml...   (or - for stdin)
// Exit 0 when every document is valid; else one line per error, exit 1.
// Needs SMPC_K8S_TOOLS (default /opt/smpc/k8s-tools, scripts/install-k8s-tools.sh).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const toolsDir = process.env.SMPC_K8S_TOOLS || "/opt/smpc/k8s-tools";
const modules = path.join(toolsDir, "node_modules");

export async function loadYaml() {
  const m = await import(pathToFileURL(path.join(modules, "js-yaml", "dist", "js-yaml.mjs")).href);
  return m.default || m;
}

// Packages holding models, tried in order; a model lives at
// <package>/<group>/<version>/<Kind>.{mjs,js} ("v1" for the core group).
const PACKAGES = ["kubernetes-models", "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/istio", "@kubernetes-models/cilium"];

async function modelFor(apiVersion, kind) {
  for (const pkg of PACKAGES) {
    for (const ext of [".mjs", ".js"]) {
      const file = path.join(modules, pkg, ...apiVersion.split("/"), kind + ext);
      if (fs.existsSync(file)) {
        const m = await import(pathToFileURL(file).href);
        const cls = m[kind] || (m.default && (m.default[kind] || m.default));
        if (typeof cls === "function") return cls;
      }
    }
  }
  return null;
}

// Returns a list of "name: error" strings for the parsed documents.
export async function validateDocs(docs) {
  const errors = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    const where = `${doc.kind || "?"}/${(doc.metadata && doc.metadata.name) || "?"}`;
    if (!doc.apiVersion || !doc.kind) {
      errors.push(`${where}: missing apiVersion or kind`);
      continue;
    }
    const Model = await modelFor(doc.apiVersion, doc.kind);
    if (!Model) {
      errors.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      errors.push(`${where}: ${e.message}`);
    }
  }
  return errors;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const yaml = await loadYaml();
  let errors = [];
  let count = 0;
  for (const f of process.argv.slice(2)) {
    const text = fs.readFileSync(f === "-" ? 0 : f, "utf8");
    const docs = yaml.loadAll(text).filter((d) => d);
    count += docs.length;
    errors = errors.concat(await validateDocs(docs));
  }
  for (const e of errors) console.log(e);
  console.log(`${count} objects, ${errors.length} invalid`);
  process.exit(errors.length ? 1 : 0);
}
