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
        p = subprocess.Popen(["ip", "netns", "exec", self.hosts[i]] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
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


def cpu_seconds(pid):
    """CPU time a process has used so far (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def wait_computing(procs, timeout=60):
    """Waits until every process ({name: Popen}; `ip netns exec` execs the
    command, so the pid is the node's) has computed a little: the job runs,
    its mesh is connected. A fixed sleep is not enough on a loaded machine,
    where start-up alone can take seconds. Returns None, or why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, p in procs.items():
            if p.poll() is not None:
                return "%s ended early: %s" % (name, p.stderr.read())
        if all(cpu_seconds(p.pid) >= 0.3 for p in procs.values()):
            return None
        time.sleep(0.1)
    return "the job did not start computing within %d s" % timeout


def inputs_of(source):
    """{input name: owning party} from a program's `input x: T from party N;`."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"input\s+(\w+)\s*:[^;]*?from\s+party\s+(\d+)", source)}


class SmpcCluster:
    """Keys, a cluster file and `smpc party`/`smpc dealer` processes, one per
    host of a Topology (the dealer on the last host)."""

    def __init__(self, smpc, topo, workdir, parties, latency_ms=0, peer_ms=1500, port=7000):
        self.smpc, self.topo, self.dir, self.n = smpc, topo, workdir, parties
        assert len(topo.hosts) >= parties + 1
        cfg = {"job_id": "netns", "parties": [],
               "timeouts": {"connect_ms": 10000, "peer_ms": peer_ms, "recv_ms": 120000},
               "latency_ms": latency_ms}
        for i in range(parties + 1):
            name = "party%d" % i if i < parties else "dealer"
            r = subprocess.run([smpc, "keygen", "--out", os.path.join(workdir, name)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("keygen: " + r.stderr)
            node = {"endpoint": "tcp://%s:%d" % (topo.addrs[i], port),
                    "public_key": open(os.path.join(workdir, name + ".pub")).read().strip()}
            if i < parties:
                node["id"] = i
                cfg["parties"].append(node)
            else:
                cfg["dealer"] = node
        self.config = os.path.join(workdir, "cluster.json")
        with open(self.config, "w") as f:
            json.dump(cfg, f)

    def compile(self, source, inputs, defines=()):
        """Bytecode of a .smpc program (parameters inferred from the inputs)."""
        base = os.path.join(self.dir, os.path.splitext(os.path.basename(source))[0])
        args = [self.smpc, "disasm", source]
        for d in defines:
            args += ["-D", d]
        for name, path in inputs.items():
            args += ["--input", "%s=%s" % (name, path)]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("disasm: " + r.stderr)
        with open(base + ".s", "w") as f:
            f.write(r.stdout)
        r = subprocess.run([self.smpc, "asm", base + ".s", "-o", base + ".smpcb"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("asm: " + r.stderr)
        return base + ".smpcb"

    def start(self, program, inputs, owners, stats=False, tag="job"):
        """Starts the dealer and every party; returns {name: Popen}."""
        procs = {"dealer": self.topo.popen(self.n, [
            self.smpc, "dealer", "--config", self.config, "--key",
            os.path.join(self.dir, "dealer.key"), "--program", program])}
        for i in range(self.n):
            args = [self.smpc, "party", "--config", self.config, "--id", str(i), "--key",
                    os.path.join(self.dir, "party%d.key" % i), "--program", program,
                    "--output-json", os.path.join(self.dir, "%s-out%d.json" % (tag, i))]
            for name, path in inputs.items():
                if owners[name] == i:
                    args += ["--input", "%s=%s" % (name, path)]
            if stats:
                args.append("--stats")
            procs[i] = self.topo.popen(i, args)
        return procs

    def outputs(self, tag, i):
        with open(os.path.join(self.dir, "%s-out%d.json" % (tag, i))) as f:
            return json.load(f)
