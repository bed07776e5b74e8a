"""Multi-host topologies in network namespaces for tests and benchmarks.

Every host is a network namespace with one veth link ("eth0", its own
address in 198.18.0.0/24, the range RFC 2544 sets aside for network tests)
to a bridge in a hub namespace: a switch with one cable per host. Egress of
every host is rate-limited with `tc tbf`; this kernel has no netem, so
latency comes from the transport's `latency_ms` (docs/network.md). A cable
is unplugged with `ip link set ... down` on the hub side.

Names carry a random suffix so concurrent runs never collide; everything is
torn down on close (also on SIGTERM/SIGINT). Needs root.
"""
import atexit
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time

SUBNET = "198.18.0"


def sh(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r


def netns_available():
    """None when namespaces work here, else the reason they do not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    name = "smpcprobe" + secrets.token_hex(3)
    r = sh("ip", "netns", "add", name, check=False)
    if r.returncode != 0:
        return "ip netns add failed: " + r.stderr.strip()
    sh("ip", "netns", "del", name, check=False)
    return None


class Topology:
    def __init__(self, hosts, rate="200mbit"):
        self.suffix = secrets.token_hex(3)
        self.hub = "smpchub" + self.suffix
        self.hosts = ["smpch%d%s" % (i, self.suffix) for i in range(hosts)]
        self.addrs = ["%s.%d" % (SUBNET, 10 + i) for i in range(hosts)]
        self.rate = rate
        self.procs = []
        self.closed = False
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        try:
            self._create()
        except Exception:
            self.close()
            raise

    def _on_signal(self, signum, _frame):
        self.close()
        sys.exit(128 + signum)

    def _create(self):
        sh("ip", "netns", "add", self.hub)
        sh("ip", "-n", self.hub, "link", "set", "lo", "up")
        sh("ip", "-n", self.hub, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.hub, "link", "set", "br0", "up")
        for i, (ns, addr) in enumerate(zip(self.hosts, self.addrs)):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", self.hub, "link", "add", self.port(i), "type", "veth",
               "peer", "name", "eth0", "netns", ns)
            sh("ip", "-n", self.hub, "link", "set", self.port(i), "master", "br0")
            sh("ip", "-n", self.hub, "link", "set", self.port(i), "up")
            sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
            # Token bucket on the host's egress: its uplink's bandwidth.
            sh("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf",
               "rate", self.rate, "burst", "256kb", "latency", "200ms")

    def port(self, i):
        return "p%d" % i

    def qdisc(self, i):
        return sh("ip", "netns", "exec", self.hosts[i], "tc", "qdisc", "show", "dev", "eth0").stdout

    def set_link(self, i, up):
        """Plugs (up) or unplugs (down) host i's cable at the switch."""
        sh("ip", "-n", self.hub, "link", "set", self.port(i), "up" if up else "down")

    def popen(self, i, args, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.Popen(["ip", "netns", "exec", self.hosts[i]] + list(args), text=True, **kw)
        self.procs.append(p)
        return p

    def run(self, i, args, timeout=60):
        return subprocess.run(["ip", "netns", "exec", self.hosts[i]] + list(args),
                              capture_output=True, text=True, timeout=timeout)

    def close(self):
        if self.closed:
            return
        self.closed = True
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for ns in self.hosts + [self.hub]:
            sh("ip", "netns", "del", ns, check=False)


def inputs_of(source):
    """{input name: owning party} from a program's `input x: T from party N;`."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"input\s+(\w+)\s*:[^;]*?from\s+party\s+(\d+)", source)}


def input_types(source):
    """{input name: (element type, layout)} of a program's inputs, as
    `smpc share --type T --layout L` takes them."""
    out = {}
    for m in re.finditer(r"input\s+(\w+)\s*:\s*(sfix|sint|sbool)\s*(\[[^\]]*\])?", source):
        dims = m.group(3)
        layout = "scalar" if not dims else ("matrix" if "," in dims else "vector")
        out[m.group(1)] = (m.group(2), layout)
    return out


class NodeCluster:
    """One `smpc node` per host 0..N-1 of a Topology (files from `smpc
    cluster init`, endpoints moved to the hosts' addresses); the client
    commands run on host N."""

    PEER, CLIENT, HTTP = 7000, 7100, 7200

    def __init__(self, smpc, topo, workdir, parties=3, latency_ms=0, peer_ms=1500,
                 accept_ms=10000):
        self.smpc, self.topo, self.n = smpc, topo, parties
        assert len(topo.hosts) >= parties + 1
        self.dir = os.path.join(workdir, "cluster")
        r = subprocess.run([smpc, "cluster", "init", "--parties", str(parties), "--out", self.dir],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("smpc cluster init: " + r.stderr)
        peers = self._load("peers.json")
        for p in peers["parties"]:
            p["endpoint"] = p["bind"] = "tcp://%s:%d" % (topo.addrs[p["id"]], self.PEER)
        peers["timeouts"] = {"connect_ms": 10000, "peer_ms": peer_ms, "recv_ms": 120000}
        peers["latency_ms"] = latency_ms
        self._save("peers.json", peers)
        for i in range(parties):
            cfg = self._load("node%d.json" % i)
            cfg["client_endpoint"] = "tcp://%s:%d" % (topo.addrs[i], self.CLIENT)
            cfg["http"] = {"host": topo.addrs[i], "port": self.HTTP}
            cfg["jobs"]["accept_timeout_ms"] = accept_ms
            self._save("node%d.json" % i, cfg)
        client = self._load("cluster.json")
        for node in client["nodes"]:
            node["endpoint"] = "tcp://%s:%d" % (topo.addrs[node["party"]], self.CLIENT)
        self._save("cluster.json", client)
        self.cluster = os.path.join(self.dir, "cluster.json")
        self.procs = {}

    def _load(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return json.load(f)

    def _save(self, name, obj):
        with open(os.path.join(self.dir, name), "w") as f:
            json.dump(obj, f, indent=2)

    def log_path(self, i):
        return os.path.join(self.dir, "node%d.log" % i)

    def log(self, i):
        with open(self.log_path(i)) as f:
            return f.read()

    def start(self):
        for i in range(self.n):
            log = open(self.log_path(i), "a")
            self.procs[i] = self.topo.popen(i, [self.smpc, "node", "--config",
                                                os.path.join(self.dir, "node%d.json" % i)],
                                            stdout=log, stderr=log)
            log.close()

    def ready(self, i):
        r = self.topo.run(i, [self.smpc, "healthcheck", "--timeout-ms", "1000",
                              "http://%s:%d/readyz" % (self.topo.addrs[i], self.HTTP)])
        return r.returncode == 0

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        for i in range(self.n):
            while not self.ready(i):
                if self.procs[i].poll() is not None:
                    raise RuntimeError("node %d exited: %s" % (i, self.log(i)))
                if time.monotonic() > deadline:
                    raise RuntimeError("node %d not ready within %d s: %s" % (i, timeout, self.log(i)))
                time.sleep(0.1)

    def status(self, i):
        """Node i's /status.json, fetched from the client host."""
        url = "http://%s:%d/status.json" % (self.topo.addrs[i], self.HTTP)
        r = self.topo.run(self.n, [sys.executable, "-c",
                                   "import sys, urllib.request; "
                                   "sys.stdout.write(urllib.request.urlopen(sys.argv[1], "
                                   "timeout=10).read().decode())", url])
        if r.returncode != 0:
            raise RuntimeError("status of node %d: %s" % (i, r.stderr))
        return json.loads(r.stdout)

    def pool_holds(self, needs):
        """Whether every node i's triple pool holds needs[i] ({kind: records},
        e.g. what a job used of each kind: its own `--stats`)."""
        wanted = 0  # the stock the leader (node 0) keeps; every node makes the same
        for i in range(self.n):
            try:
                st = self.status(i)
            except (RuntimeError, ValueError, subprocess.TimeoutExpired):
                return False  # a busy node answers later
            level = {k["kind"]: k["level"] for k in st["pool"].get("kinds", [])}
            if any(level.get(kind, 0) < n for kind, n in needs[i].items()):
                return False
            stock = st["pool"].get("stock", {"items": 0, "wanted": 0})
            if i == 0:
                wanted = stock["wanted"]
            if stock["items"] < wanted:
                return False
        return True

    def wait_pool_holds(self, needs, timeout=600):
        deadline = time.monotonic() + timeout
        while not self.pool_holds(needs):
            if time.monotonic() > deadline:
                raise RuntimeError("the triple pools did not refill within %d s" % timeout)
            time.sleep(0.5)

    def client(self, args, timeout=180):
        """Runs `smpc ARGS --cluster cluster.json` on the client host."""
        return self.topo.run(self.n, [self.smpc] + list(args) + ["--cluster", self.cluster],
                             timeout=timeout)

    def client_popen(self, args):
        return self.topo.popen(self.n, [self.smpc] + list(args) + ["--cluster", self.cluster])

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = {}
