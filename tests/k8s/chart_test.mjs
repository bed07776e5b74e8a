// Offline tests of the Helm chart k8s/chart: helm lint, helm template for
// every values file, every object validated against the Kubernetes API
// schemas, and the security properties the chart promises.
//
// usage: node chart_test.mjs CASE [SMPC]
// SMPC (optional) is the smpc binary, used to make real keys with keygen.
// Tools: $SMPC_K8S_TOOLS (scripts/install-k8s-tools.sh). Exit 77 = skipped.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const CHART = path.join(ROOT, "k8s", "chart");
const TOOLS = process.env.SMPC_K8S_TOOLS || "/opt/smpc/k8s-tools";
const HELM = path.join(TOOLS, "bin", "helm");
const [caseName, smpcBin] = process.argv.slice(2);

if (!fs.existsSync(HELM)) {
  console.log(`SKIP: ${HELM} is missing: run scripts/install-k8s-tools.sh`);
  process.exit(77);
}
const { validateDocs, loadYaml } = await import(
  pathToFileURL(path.join(ROOT, "k8s", "tools", "validate.mjs")).href);
const yaml = await loadYaml();

function fail(msg) {
  console.log("FAIL: " + msg);
  process.exit(1);
}
function check(cond, msg) {
  if (!cond) fail(typeof msg === "function" ? msg() : msg);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "smpc-chart-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

// Keys and a cluster file for three parties. With smpc: real keys from
// `smpc keygen` (the secret halves are what must never show up in a
// render); without: random strings standing in for them.
function makeCluster(n = 3) {
  const secrets = [];
  const parties = [];
  for (let i = 0; i < n; i++) {
    let pub;
    if (smpcBin && fs.existsSync(smpcBin)) {
      const prefix = path.join(work, `party${i}`);
      execFileSync(smpcBin, ["keygen", "--out", prefix], { stdio: "pipe" });
      pub = fs.readFileSync(prefix + ".pub", "utf8").trim();
      secrets.push(fs.readFileSync(prefix + ".key", "utf8").trim());
    } else {
      pub = crypto.randomBytes(32).toString("hex");
      secrets.push(crypto.randomBytes(32).toString("hex"));
    }
    parties.push({ id: i, endpoint: `tcp://party-${i}-smpc-node-peer:7000`,
      bind: "tcp://*:7000", public_key: pub });
  }
  const file = path.join(work, "cluster.json");
  fs.writeFileSync(file, JSON.stringify({ job_id: "dev", parties }, null, 2));
  return { file, secrets };
}
const cluster = makeCluster();

function helm(args) {
  return spawnSync(HELM, args, { encoding: "utf8", env: { ...process.env, HELM_CACHE_HOME: work,
    HELM_CONFIG_HOME: work, HELM_DATA_HOME: work } });
}

// Values files under test: file, extra --set arguments, releases to render.
const VALUES = {
  default: { files: [], set: ["key.existingSecret=party-0-key"], releases: [["party-0", 0]] },
  dev: { files: [path.join(CHART, "values-dev.yaml")], set: [],
    releases: [["party-0", 0], ["party-1", 1], ["party-2", 2]] },
  production: { files: [path.join(CHART, "values-production.yaml")], set: [],
    releases: [["smpc", 1]] },
  all: { files: [path.join(HERE, "values-all.yaml")], set: [], releases: [["party-2", 2]] },
};

function render(release, id, v, extra = []) {
  const args = ["template", release, CHART, "--namespace", "smpc",
    "--set-file", `cluster.file=${cluster.file}`, "--set", `party.id=${id}`];
  for (const f of v.files) args.push("-f", f);
  for (const s of v.set.concat(extra)) args.push("--set", s);
  return helm(args);
}

function renderOk(release, id, v) {
  const r = render(release, id, v);
  check(r.status === 0, () => `helm template ${release} failed:\n${r.stderr}`);
  return { text: r.stdout, docs: yaml.loadAll(r.stdout).filter((d) => d) };
}

function allRenders() {
  const out = [];
  for (const [name, v] of Object.entries(VALUES))
    for (const [release, id] of v.releases)
      out.push({ name, release, id, ...renderOk(release, id, v) });
  return out;
}

function podSpecs(docs) {
  const specs = [];
  for (const d of docs) {
    if (d.kind === "Pod") specs.push([d, d.spec]);
    else if (d.spec && d.spec.template && d.spec.template.spec) specs.push([d, d.spec.template.spec]);
  }
  return specs;
}

// Does a label selector (matchLabels + matchExpressions) select these labels?
function selects(sel, labels) {
  for (const [k, v] of Object.entries(sel.matchLabels || {})) if (labels[k] !== String(v)) return false;
  for (const e of sel.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const cases = {
  async readme() {
    // The README's values table is generated from values.yaml.
    const { valuesTable, readmeWithTable } = await import(
      pathToFileURL(path.join(ROOT, "k8s", "tools", "values-doc.mjs")).href);
    const readme = fs.readFileSync(path.join(CHART, "README.md"), "utf8");
    const table = valuesTable(fs.readFileSync(path.join(CHART, "values.yaml"), "utf8"));
    check(readmeWithTable(readme, table) === readme,
      "k8s/chart/README.md's values table is stale: run node k8s/tools/values-doc.mjs --write");
    for (const k of ["party.id", "key.existingSecret", "cluster.file", "networkPolicy.peers", "spread.enabled"])
      check(table.includes("`" + k + "`"), `values table lacks ${k}`);
  },

  lint() {
    for (const [name, v] of Object.entries(VALUES)) {
      const args = ["lint", "--strict", CHART, "--set-file", `cluster.file=${cluster.file}`];
      for (const f of v.files) args.push("-f", f);
      for (const s of v.set) args.push("--set", s);
      const r = helm(args);
      check(r.status === 0, () => `helm lint (${name}) failed:\n${r.stdout}${r.stderr}`);
      check(/1 chart\(s\) linted, 0 chart\(s\) failed/.test(r.stdout), `lint output (${name}): ${r.stdout}`);
    }
  },

  async schema() {
    for (const r of allRenders()) {
      const errors = await validateDocs(r.docs);
      check(errors.length === 0, () => `${r.name}/${r.release}: invalid objects:\n${errors.join("\n")}`);
      const kinds = new Set(r.docs.map((d) => d.kind));
      for (const k of ["StatefulSet", "Service", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget", "Pod"])
        check(kinds.has(k), `${r.name}/${r.release}: no ${k} rendered`);
    }
    // The validator itself must catch a broken object.
    const bad = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "x" },
      spec: { selector: {}, serviceName: "x", template: { spec: { containers: [
        { name: "x", image: "x", resources: { limits: { cpu: "lots" } } }] } } } };
    const errs = await validateDocs([bad]);
    check(errs.length === 1 && errs[0].includes("limits/cpu"), `validator missed a bad quantity: ${errs}`);
    const unknown = await validateDocs([{ apiVersion: "v1", kind: "Nonsense", metadata: { name: "y" } }]);
    check(unknown.length === 1 && unknown[0].includes("no schema for v1 Nonsense"), `unknown kind: ${unknown}`);
  },

  security() {
    const VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret"]; // Pod Security "restricted"
    for (const r of allRenders()) {
      const at = (d) => `${r.name}/${r.release} ${d.kind}/${d.metadata.name}`;
      check(!r.docs.some((d) => d.kind === "Secret"), `${r.name}: the chart rendered a Secret`);
      for (const s of cluster.secrets)
        check(!r.text.includes(s), `${r.name}/${r.release}: a secret key appears in the rendered manifests`);
      const specs = podSpecs(r.docs);
      check(specs.length >= 2, `${r.name}: pod specs: ${specs.length}`);
      for (const [d, spec] of specs) {
        const psc = spec.securityContext || {};
        check(psc.runAsNonRoot === true, `${at(d)}: pod runAsNonRoot`);
        check(psc.seccompProfile && psc.seccompProfile.type === "RuntimeDefault", `${at(d)}: seccomp`);
        check(spec.automountServiceAccountToken === false, `${at(d)}: service account token mounted`);
        check(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC, `${at(d)}: host namespaces`);
        for (const v of spec.volumes || []) {
          const type = Object.keys(v).find((k) => k !== "name");
          check(VOLUME_TYPES.includes(type), `${at(d)}: volume ${v.name} of type ${type}`);
        }
        const containers = (spec.containers || []).concat(spec.initContainers || []);
        for (const c of containers) {
          const sc = c.securityContext || {};
          check(sc.runAsNonRoot === true || psc.runAsNonRoot === true, `${at(d)}/${c.name}: runAsNonRoot`);
          const uid = sc.runAsUser ?? psc.runAsUser;
          check(Number.isInteger(uid) && uid > 0, `${at(d)}/${c.name}: fixed non-root UID, got ${uid}`);
          check(sc.readOnlyRootFilesystem === true, `${at(d)}/${c.name}: readOnlyRootFilesystem`);
          check(sc.allowPrivilegeEscalation === false, `${at(d)}/${c.name}: allowPrivilegeEscalation`);
          check(sc.privileged !== true, `${at(d)}/${c.name}: privileged`);
          check(sc.capabilities && sc.capabilities.drop && sc.capabilities.drop.includes("ALL") &&
            !(sc.capabilities.add || []).length, `${at(d)}/${c.name}: capabilities not all dropped`);
          check(c.resources && c.resources.limits && c.resources.requests, `${at(d)}/${c.name}: resources`);
          if (d.kind === "StatefulSet") {
            check(c.livenessProbe && c.livenessProbe.httpGet.path === "/healthz", `${at(d)}/${c.name}: liveness`);
            check(c.readinessProbe && c.readinessProbe.httpGet.path === "/readyz", `${at(d)}/${c.name}: readiness`);
          }
          // The key comes from the Secret volume, owner-only.
          const keyMount = (c.volumeMounts || []).find((m) => m.name === "key");
          if (d.kind !== "Pod") {
            check(keyMount && keyMount.readOnly, `${at(d)}/${c.name}: key mount`);
            const kv = spec.volumes.find((v) => v.name === "key");
            check(kv.secret && kv.secret.secretName && kv.secret.defaultMode === 0o400,
              `${at(d)}: key volume must be a Secret with mode 0400`);
          }
        }
      }
      // ConfigMaps: the node settings parse as JSON and carry no key material.
      for (const cm of r.docs.filter((d) => d.kind === "ConfigMap")) {
        for (const [k, v] of Object.entries(cm.data || {})) {
          const parsed = JSON.parse(v);
          check(typeof parsed === "object", `${at(cm)}: ${k} is not JSON`);
          check(!/secret_key|private/i.test(v), `${at(cm)}: ${k} looks like it holds a secret`);
        }
      }
      // The NetworkPolicy covers the node pods, both directions, and
      // every ingress rule names sources and ports (no allow-all).
      const nps = r.docs.filter((d) => d.kind === "NetworkPolicy");
      check(nps.length === 1, `${r.name}: expected one NetworkPolicy, got ${nps.length}`);
      const np = nps[0].spec;
      const sts = r.docs.find((d) => d.kind === "StatefulSet");
      check(selects(np.podSelector, sts.spec.template.metadata.labels), `${r.name}: NetworkPolicy misses the node`);
      check(np.policyTypes.includes("Ingress") && np.policyTypes.includes("Egress"), `${r.name}: policyTypes`);
      for (const rule of np.ingress || [])
        check((rule.from || []).length > 0, `${r.name}: an ingress rule without sources admits everyone`);
      check(np.egress.some((e) => (e.ports || []).some((p) => p.port === 53)), `${r.name}: no DNS egress`);
      for (const rule of np.egress)
        check((rule.to || []).length > 0, `${r.name}: an egress rule without destinations`);
    }
  },

  spread() {
    // values-dev.yaml: three releases in one namespace; each party's pod must
    // refuse a node that holds another party's pod (required anti-affinity on
    // the hostname), never its own, and spread over nodes and zones.
    const v = VALUES.dev;
    const pods = v.releases.map(([rel, id]) => {
      const sts = renderOk(rel, id, v).docs.find((d) => d.kind === "StatefulSet");
      return { id, labels: sts.spec.template.metadata.labels, spec: sts.spec.template.spec };
    });
    for (const p of pods) {
      const terms = p.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      check(terms && terms.length === 1, `party ${p.id}: no required anti-affinity`);
      check(terms[0].topologyKey === "kubernetes.io/hostname", `party ${p.id}: anti-affinity topology`);
      for (const q of pods) {
        const hit = selects(terms[0].labelSelector, q.labels);
        check(hit === (q.id !== p.id), `party ${p.id}: anti-affinity ${hit ? "selects" : "misses"} party ${q.id}`);
      }
      const keys = p.spec.topologySpreadConstraints.map((t) => t.topologyKey);
      check(keys.includes("kubernetes.io/hostname") && keys.includes("topology.kubernetes.io/zone"),
        `party ${p.id}: topology spread keys ${keys}`);
      for (const t of p.spec.topologySpreadConstraints)
        for (const q of pods) check(selects(t.labelSelector, q.labels), `party ${p.id}: spread misses party ${q.id}`);
    }
    // Without spread (default values) there is no anti-affinity at all.
    const def = renderOk("party-0", 0, VALUES.default).docs.find((d) => d.kind === "StatefulSet");
    check(!def.spec.template.spec.affinity && !def.spec.template.spec.topologySpreadConstraints,
      "default values should not constrain scheduling");
  },

  config() {
    // node.json matches the pod it runs in: the ports the containers expose,
    // the mounts of the cluster file, key and store, and the cluster file's
    // bind for this party's peer port.
    for (const r of allRenders()) {
      const at = `${r.name}/${r.release}`;
      const cfg = JSON.parse(r.docs.find((d) => d.kind === "ConfigMap" && d.data["node.json"]).data["node.json"]);
      const sts = r.docs.find((d) => d.kind === "StatefulSet");
      const c = sts.spec.template.spec.containers[0];
      const port = (n) => c.ports.find((p) => p.name === n).containerPort;
      const mount = (n) => c.volumeMounts.find((m) => m.name === n).mountPath;
      check(cfg.party === r.id, `${at}: party ${cfg.party}`);
      check(cfg.client_endpoint === `tcp://*:${port("client")}`, `${at}: client_endpoint ${cfg.client_endpoint}`);
      check(cfg.http.host === "0.0.0.0" && cfg.http.port === port("http"), `${at}: http ${JSON.stringify(cfg.http)}`);
      check(cfg.cluster === `${mount("cluster")}/cluster.json`, `${at}: cluster ${cfg.cluster}`);
      check(cfg.key === `${mount("key")}/node.key`, `${at}: key ${cfg.key}`);
      check(path.dirname(cfg.store) === mount("store"), `${at}: store ${cfg.store}`);
      check(Array.isArray(cfg.clients), `${at}: clients`);
      const self = JSON.parse(fs.readFileSync(cluster.file, "utf8")).parties[r.id];
      check(self.bind.endsWith(`:${port("peer")}`), `${at}: peer port ${port("peer")} vs bind ${self.bind}`);
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"])
        check(c[probe].httpGet.port === "http", `${at}: ${probe} port`);
    }
  },

  options() {
    // values-all.yaml switches on every option: workers, NATS, Istio, Cilium,
    // ServiceMonitor, LoadBalancer services, RuntimeClass.
    const { docs } = renderOk("party-2", 2, VALUES.all);
    const kinds = docs.map((d) => d.kind);
    for (const k of ["Deployment", "ServiceMonitor", "PeerAuthentication", "AuthorizationPolicy",
      "CiliumNetworkPolicy", "ServiceAccount"])
      check(kinds.includes(k), `values-all: no ${k}`);
    check(kinds.filter((k) => k === "PodDisruptionBudget").length === 2, "values-all: PDBs for node and workers");
    const pa = docs.find((d) => d.kind === "PeerAuthentication");
    check(pa.spec.mtls.mode === "STRICT", "PeerAuthentication must be STRICT");
    const ap = docs.find((d) => d.kind === "AuthorizationPolicy");
    check(ap.spec.action === "ALLOW" && ap.spec.rules[0].from[0].source.principals.length === 2,
      "AuthorizationPolicy admits the two peers");
    const dep = docs.find((d) => d.kind === "Deployment");
    const args = dep.spec.template.spec.containers[0].args;
    check(args.join(" ") === "worker --config /etc/smpc/node.json --nats nats://nats.nats:4222 " +
      "--advertise tcp://$(POD_IP):7000 --node tcp://party-2-smpc-node:7100", `worker args: ${args}`);
    // The worker serves no HTTP: no probes, no HTTP port, no scrape annotations.
    const wc = dep.spec.template.spec.containers[0];
    check(!wc.livenessProbe && !wc.readinessProbe && !wc.ports.some((p) => p.name === "http"),
      `worker probes/ports: ${JSON.stringify(wc.ports)}`);
    check(!dep.spec.template.metadata.annotations["prometheus.io/scrape"], "worker scrape annotation");
    check(dep.spec.template.spec.containers[0].env.some((e) => e.name === "POD_IP"), "worker POD_IP");
    // With workers the node publishes its jobs to NATS (smpc node --nats).
    const nodeArgs = docs.find((d) => d.kind === "StatefulSet").spec.template.spec.containers[0].args;
    check(nodeArgs.join(" ") === "node --config /etc/smpc/node.json --nats nats://nats.nats:4222",
      `node args: ${nodeArgs}`);
    const np = docs.find((d) => d.kind === "NetworkPolicy");
    check(np.spec.egress.some((e) => (e.ports || []).some((p) => p.port === 4222)), "no NATS egress");
    // Workers reach their node on its client port only, in both policies.
    const own = (sel) => sel && sel.matchLabels &&
      sel.matchLabels["app.kubernetes.io/instance"] === "party-2";
    const clientOnly = (ports) => ports && ports.length === 1 && String(ports[0].port) === "7100";
    check(np.spec.ingress.some((r) => r.from.some((f) => own(f.podSelector)) && clientOnly(r.ports)) &&
      np.spec.ingress.filter((r) => r.from.some((f) => own(f.podSelector))).every((r) => clientOnly(r.ports)),
    `NetworkPolicy: workers to the node's client port only: ${JSON.stringify(np.spec.ingress)}`);
    check(np.spec.egress.filter((r) => (r.to || []).some((t) => own(t.podSelector))).length === 1 &&
      np.spec.egress.filter((r) => (r.to || []).some((t) => own(t.podSelector))).every((r) => clientOnly(r.ports)),
    `NetworkPolicy egress to the node: ${JSON.stringify(np.spec.egress)}`);
    const sts = docs.find((d) => d.kind === "StatefulSet");
    check(sts.spec.template.spec.runtimeClassName === "kata-cc", "runtimeClassName");
    const cfg = JSON.parse(docs.find((d) => d.kind === "ConfigMap" && d.data["node.json"]).data["node.json"]);
    check(cfg.party === 2 && cfg.jobs.queue === 64 && cfg.log.level === "debug" &&
      cfg.clients.length === 1 && cfg.clients[0].roles[0] === "analyst", `node.json: ${JSON.stringify(cfg)}`);
    const cnp = docs.find((d) => d.kind === "CiliumNetworkPolicy");
    check(cnp.spec.egress.some((e) => e.toFQDNs), "Cilium policy lacks the peers' FQDNs");
    const cports = (r) => clientOnly(r.toPorts && r.toPorts[0].ports);
    check(cnp.spec.ingress.some((r) => (r.fromEndpoints || []).some(own) && cports(r)) &&
      cnp.spec.egress.some((r) => (r.toEndpoints || []).some(own) && cports(r)),
    `Cilium policy: workers to the node's client port: ${JSON.stringify(cnp.spec)}`);
  },

  errors() {
    // Every refusal of the chart, with its message.
    const v = VALUES.default;
    const expect = (extra, files, msg) => {
      const args = ["template", "x", CHART, "--set", "party.id=0"];
      for (const f of files) args.push(f);
      for (const s of extra) args.push("--set", s);
      const r = helm(args);
      check(r.status !== 0 && r.stderr.includes(msg), () => `expected "${msg}", got (${r.status}):\n${r.stderr}`);
    };
    const cf = `--set-file=cluster.file=${cluster.file}`;
    expect(v.set, [], "cluster.file is required: pass the cluster file with --set-file cluster.file=cluster.json");
    expect([], [cf], "key.existingSecret is required: create a Secret with this party's key");
    const bad = path.join(work, "bad.json");
    fs.writeFileSync(bad, "{ not json");
    expect(v.set, [`--set-file=cluster.file=${bad}`], "cluster.file is not valid JSON");
    expect(v.set.concat(["party.id=7"]), [cf], "party.id 7 is not a party of cluster.file");
    expect(v.set.concat(["workers.enabled=true"]), [cf], "workers.enabled needs nats.url");
    expect(v.set.concat(["nats.url=nats://n:4222"]), [cf], "nats.url is set: list where NATS runs in nats.networkPolicyPeers");
    expect(v.set.concat(["istio.enabled=true"]), [cf], "istio.enabled needs istio.peerPrincipals");
    expect(v.set.concat(["node.ports.peer=http"]), [cf], "node.ports.peer");
    expect(v.set.concat(["spread.whenUnsatisfiable=Sometimes"]), [cf], "spread.whenUnsatisfiable");
    expect(v.set.concat(["nodee.store.size=1Gi"]), [cf], "nodee");
    expect(v.set.concat(["node.config.party=1"]), [cf],
      "node.config.party is set by the chart (from party, node.ports, node.clients and the mounts)");
    expect(v.set.concat(["node.ports.peer=7001"]), [cf],
      "cluster.file binds party 0 on tcp://*:7000 but node.ports.peer is 7001");
    expect(v.set.concat(["node.clients[0].name=a", "node.clients[0].public_key=short",
      "node.clients[0].roles[0]=owner"]), [cf], "public_key");
  },
};

if (!cases[caseName]) {
  console.log(`unknown case ${caseName}; cases: ${Object.keys(cases).join(" ")}`);
  process.exit(2);
}
await cases[caseName]();
console.log(`PASS: ${caseName}`);
