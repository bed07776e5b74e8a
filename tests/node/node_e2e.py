#!/usr/bin/env python3
"""End-to-end tests of `smpc node` and its client commands: real processes,
real loopback sockets, real CurveZMQ, real SQLite files.

usage: node_e2e.py SMPC CASE
"""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SMPC = os.path.abspath(sys.argv[1])
SAMPLES = os.path.join(HERE, "..", "..", "samples")
STATS = os.path.join(SAMPLES, "stats")
LONG = os.path.join(HERE, "..", "cluster", "long.smpc")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def smpc(args, timeout=120, check_rc=None):
    r = subprocess.run([SMPC] + args, capture_output=True, text=True, timeout=timeout)
    if check_rc is not None and r.returncode != check_rc:
        fail("smpc %s: exit %d (expected %d)\nstdout: %s\nstderr: %s"
             % (" ".join(args), r.returncode, check_rc, r.stdout, r.stderr))
    return r


def close(a, b, tol=1e-3):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


class Cluster:
    """N `smpc node` processes from `smpc cluster init`, with short timeouts."""

    def __init__(self, d, parties=3, edit=None, peer_ms=10000, upload_idle_ms=30000):
        # peer_ms: generous, so a loaded machine (other tests on the same
        # cores) does not starve a node into looking dead; kill_mid_job
        # shortens it to see a killed node quickly. upload_idle_ms likewise
        # (a slow client is not a dead one); uploads shortens it to see a
        # cut upload deleted.
        self.d = d
        self.n = parties
        smpc(["cluster", "init", "--parties", str(parties), "--out", d, "--base-port", "0"],
             check_rc=0)
        with open(os.path.join(d, "peers.json")) as f:
            peers = json.load(f)
        peers["timeouts"] = {"connect_ms": 5000, "peer_ms": peer_ms, "recv_ms": 60000}
        with open(os.path.join(d, "peers.json"), "w") as f:
            json.dump(peers, f)
        for i in range(parties):
            p = self.config_path(i)
            with open(p) as f:
                cfg = json.load(f)
            cfg["http"]["port"] = 0
            cfg["port_file"] = "ports%d.json" % i
            cfg["uploads"] = {"idle_timeout_ms": upload_idle_ms}
            # Small pools fill fast; bool words cover the stats sample's comparisons.
            cfg["pool"] = {"enabled": True, "memory_mb": 1,
                           "records": {"triples": 2048, "bool": 4096, "dabits": 1024,
                                       "edabits": 1024, "trunc": 1024}}
            cfg["jobs"]["accept_timeout_ms"] = 10000
            if edit:
                edit(i, cfg)
            with open(p, "w") as f:
                json.dump(cfg, f, indent=2)
        self.procs = {}
        self.logs = {}
        self.cluster = os.path.join(d, "cluster.json")

    def config_path(self, i):
        return os.path.join(self.d, "node%d.json" % i)

    def start(self, i):
        pf = os.path.join(self.d, "ports%d.json" % i)
        if os.path.exists(pf):
            os.remove(pf)
        log = open(os.path.join(self.d, "node%d.log" % i), "a")
        self.logs[i] = log
        self.procs[i] = subprocess.Popen([SMPC, "node", "--config", self.config_path(i)],
                                         stdout=log, stderr=log)

    def start_all(self):
        for i in range(self.n):
            self.start(i)
        self.wait_ready()

    def port(self, i):
        pf = os.path.join(self.d, "ports%d.json" % i)
        deadline = time.time() + 30
        while not os.path.exists(pf):
            if self.procs[i].poll() is not None:
                fail("node %d exited: %s" % (i, self.log(i)))
            if time.time() > deadline:
                fail("node %d did not start" % i)
            time.sleep(0.05)
        with open(pf) as f:
            return json.load(f)["http"]

    def http(self, i, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port(i), path),
                                        timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def wait_ready(self, nodes=None, timeout=30):
        deadline = time.time() + timeout
        for i in nodes if nodes is not None else range(self.n):
            while self.http(i, "/readyz")[0] != 200:
                if time.time() > deadline:
                    fail("node %d not ready: %s" % (i, self.http(i, "/readyz")))
                time.sleep(0.05)

    def stop(self, i, sig=signal.SIGTERM):
        p = self.procs.pop(i)
        p.send_signal(sig)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("node %d did not stop within 30 s of signal %d" % (i, sig))
        self.logs[i].close()
        return p.returncode

    def stop_all(self):
        for i in list(self.procs):
            self.stop(i)

    def log(self, i):
        with open(os.path.join(self.d, "node%d.log" % i)) as f:
            return f.read()

    def client(self, args, **kw):
        return smpc(args + ["--cluster", self.cluster], **kw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.procs.values():
            p.kill()
            p.wait()


def upload_stats(c):
    c.client(["share", os.path.join(STATS, "a.csv"), "--as", "payroll_a"], check_rc=0)
    c.client(["share", os.path.join(STATS, "b.csv"), "--as", "payroll_b"], check_rc=0)


STATS_RULES = ["--input", "a=payroll_a", "--input", "b=payroll_b", "--output", "mean=client",
               "--output", "variance=client", "--output", "histogram=client",
               "--output", "maximum=client"]
STATS_BIND = ["--bind", "a=payroll_a", "--bind", "b=payroll_b"]


def approve_stats(c, extra=()):
    c.client(["approve", os.path.join(STATS, "stats.smpc")] + STATS_RULES + list(extra),
             check_rc=0)


def check_stats(outputs):
    with open(os.path.join(STATS, "expected.json")) as f:
        want = json.load(f)
    for k, v in want.items():
        check(k in outputs, "output %s missing: %s" % (k, outputs))
        if isinstance(v, list):
            check(outputs[k] == v, "%s: %s != %s" % (k, outputs[k], v))
        else:
            check(close(outputs[k], v), "%s: %s != %s" % (k, outputs[k], v))


def submit_stats(c, extra=()):
    r = c.client(["submit", os.path.join(STATS, "stats.smpc")] + STATS_BIND +
                 ["--wait", "--json"] + list(extra))
    if r.returncode != 0:
        fail("submit failed: %s %s" % (r.stdout, r.stderr))
    return json.loads(r.stdout)


def check_clear(d, outputs, what="node job"):
    """The outputs equal the clear run of the stats sample on the same files."""
    path = os.path.join(d, "clear.json")
    if not os.path.exists(path):
        smpc(["run", os.path.join(STATS, "stats.smpc"), "--input",
              "a=" + os.path.join(STATS, "a.csv"), "--input", "b=" + os.path.join(STATS, "b.csv"),
              "--output-json", path], check_rc=0)
    with open(path) as f:
        clear = json.load(f)
    for k, v in clear.items():
        same = outputs[k] == v if isinstance(v, list) else close(outputs[k], v)
        check(same, "%s: %s differs from the clear run" % (what, k))


def wait_state(c, job, states, node=0, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = c.client(["jobs", "--node", str(node), "--json"])
        if r.returncode == 0:
            for j in json.loads(r.stdout)["jobs"]:
                if j["job"] == job and j["state"] in states:
                    return j
        time.sleep(0.1)
    fail("job %s never reached %s on node %d" % (job, states, node))


# ----------------------------------------------------------------- cases

def case_restart_then_submit():
    """Upload, restart every node, submit: expected.json and the clear run."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        c.stop_all()
        c.start_all()
        out = submit_stats(c)
        check(out["state"] == "done", "job not done: %s" % out)
        check_stats(out["outputs"])
        check_clear(d, out["outputs"])
        # Logs are JSON lines and hold no input value.
        for i in range(3):
            for line in c.log(i).splitlines():
                try:
                    rec = json.loads(line)
                except ValueError:
                    fail("node %d wrote a line that is not JSON: %r" % (i, line))
                check("msg" in rec and "level" in rec, "log record without msg/level: %r" % line)
                for secret in ("42.5", "81.2", "73.4"):
                    # Whole numbers only: a timestamp like 11:52:42.531 is no value.
                    check(not re.search(r"(?<![\d.])%s(?![\d])" % re.escape(secret), line),
                          "node %d logged a value: %r" % (i, line))


def run_four(c):
    """Four jobs submitted at once by four client processes, all correct."""
    results = [None] * 4

    def run(k):
        results[k] = submit_stats(c)
    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, res in enumerate(results):
        check(res is not None and res["state"] == "done", "job %d: %s" % (k, res))
        check_stats(res["outputs"])


def case_four_concurrent():
    """Four jobs submitted at once on a fresh cluster, all correct."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        run_four(c)


def case_four_after_one():
    """Four concurrent jobs after one job of the same program, all correct:
    the first job teaches the leader the program's material use, so the
    four ask for more than the small pool holds and each runs past the end
    of its pool lots into on-demand material."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        check_stats(submit_stats(c)["outputs"])
        run_four(c)


def case_protocols():
    """The stats sample through three nodes under rep3 and under shamir
    (`smpc submit --protocol`): expected.json and the clear run."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        for protocol in ("rep3", "shamir"):
            out = submit_stats(c, ["--protocol", protocol, "--stats"])
            check(out["state"] == "done", "%s: job not done: %s" % (protocol, out))
            check_stats(out["outputs"])
            check_clear(d, out["outputs"], protocol)
        r = c.client(["submit", os.path.join(STATS, "stats.smpc")] + STATS_BIND +
                     ["--protocol", "clear"])
        check(r.returncode != 0 and "--protocol" in r.stderr,
              "--protocol clear was not refused: %s %s" % (r.stdout, r.stderr))


def case_shamir_five():
    """Shamir sharing over five nodes (threshold 2): the stats sample, whose
    data two of them hold, agrees with expected.json and the clear run."""
    with tempfile.TemporaryDirectory() as d, Cluster(d, parties=5) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        out = submit_stats(c, ["--protocol", "shamir"])
        check(out["state"] == "done", "job not done: %s" % out)
        check_stats(out["outputs"])
        check_clear(d, out["outputs"], "shamir over 5 nodes")


def case_kill_mid_job():
    """A node killed mid-job: every node fails the job naming it, no output;
    the node restarts and the next job succeeds."""
    with tempfile.TemporaryDirectory() as d, Cluster(d, peer_ms=2000) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        with open(os.path.join(d, "x.csv"), "w") as f:
            f.write("1.0\n")
        with open(os.path.join(d, "y.csv"), "w") as f:
            f.write("1.0\n")
        c.client(["share", os.path.join(d, "x.csv"), "--as", "x", "--layout", "scalar"],
                 check_rc=0)
        c.client(["share", os.path.join(d, "y.csv"), "--as", "y", "--layout", "scalar"],
                 check_rc=0)
        c.client(["approve", LONG, "-D", "n=200000", "--input", "x=x", "--input", "y=y",
                  "--output", "r=client"], check_rc=0)
        r = c.client(["submit", LONG, "-D", "n=200000", "--bind", "x=x", "--bind", "y=y",
                      "--json"], check_rc=0)
        job = json.loads(r.stdout)["job"]
        wait_state(c, job, ["running"])
        time.sleep(0.5)
        c.procs[1].send_signal(signal.SIGKILL)
        c.procs[1].wait()
        c.procs.pop(1)
        for i in (0, 2):
            j = wait_state(c, job, ["failed"], node=i, timeout=30)
            check("party 1" in j.get("error", ""), "node %d error does not name party 1: %s"
                  % (i, j))
        r = c.client(["result", job, "--timeout", "5"])
        check(r.returncode == 1 and "failed" in r.stderr, "a failed job gave outputs: %s %s"
              % (r.stdout, r.stderr))
        # The surviving nodes still serve: their datasets are intact.
        r = c.client(["datasets", "--json"], check_rc=0)
        check(len(json.loads(r.stdout)["datasets"]) == 4, "datasets changed: %s" % r.stdout)
        c.start(1)
        c.wait_ready()
        j = wait_state(c, job, ["failed"], node=1)
        check("restarted" in j.get("error", ""), "node 1 after restart: %s" % j)
        out = submit_stats(c)
        check(out["state"] == "done", "next job not done: %s" % out)
        check_stats(out["outputs"])


def case_refusals():
    """Each refusal with its message."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        prog = os.path.join(STATS, "stats.smpc")
        # An unknown client key.
        smpc(["keygen", "--out", os.path.join(d, "stranger")], check_rc=0)
        r = c.client(["datasets", "--key", os.path.join(d, "stranger.key"), "--timeout", "5"])
        check(r.returncode == 1 and "refused this client's key: ask its admin to pin it" in
              r.stderr, "unknown key: %r" % r.stderr)
        # An unapproved program.
        r = c.client(["submit", prog] + STATS_BIND)
        # No node has approved it: whichever answers first is the one named.
        check(r.returncode == 1 and "refused the job: program" in r.stderr and
              re.search(r"is not approved on party [012]", r.stderr), "unapproved: %r" % r.stderr)
        # Approved on two nodes, not the third.
        c.client(["approve", prog] + STATS_RULES + ["--node", "0", "--node", "1"], check_rc=0)
        r = c.client(["submit", prog] + STATS_BIND)
        check(r.returncode == 1 and "party 2 refused the job: program" in r.stderr,
              "two of three: %r" % r.stderr)
        c.client(["approve", prog] + STATS_RULES + ["--node", "2"], check_rc=0)
        # A binding the approval does not allow (the approved program, via -D).
        wrong = ["submit", prog, "-D", "n=8", "-D", "m=6", "--bind", "a=payroll_a",
                 "--bind", "b=payroll_a"]
        r = c.client(wrong)
        check(r.returncode == 1 and "refused the job: the approval of program" in r.stderr and
              "does not allow dataset 'payroll_a' (owner client 'client') for input 'b'"
              in r.stderr, "binding: %r" % r.stderr)
        # Allowed by owner, but of the wrong shape.
        c.client(["approve", prog] + STATS_RULES + ["--input-owner", "b=client"], check_rc=0)
        r = c.client(wrong)
        check(r.returncode == 1 and "input 'b' is sfix[6] but dataset 'payroll_a' is sfix[8]"
              in r.stderr, "shape: %r" % r.stderr)
        # Analyst-only key with the right program: allowed; output to another client: refused.
        with open(os.path.join(d, "node0.json")) as f:
            key0 = json.load(f)["clients"][0]["public_key"]
        smpc(["keygen", "--out", os.path.join(d, "other")], check_rc=0)
        with open(os.path.join(d, "other.pub")) as f:
            other = f.read().strip()
        r = c.client(["submit", prog] + STATS_BIND + ["--to", "mean=" + other])
        check(r.returncode == 1 and "does not allow output 'mean' to go to client " in r.stderr,
              "output recipient: %r" % r.stderr)
        # --json on a refusal.
        r = c.client(["submit", prog] + STATS_BIND + ["--to", "mean=" + other, "--json"])
        j = json.loads(r.stdout)
        check(j["ok"] is False and j["code"] == "refused", "json refusal: %s" % r.stdout)
        check(key0, "no key")


def case_busy_queue():
    """A full queue refuses with 'busy'; a running job can be cancelled."""
    def edit(i, cfg):
        cfg["jobs"]["max_concurrent"] = 1
        cfg["jobs"]["queue"] = 1
    with tempfile.TemporaryDirectory() as d, Cluster(d, edit=edit) as c:
        c.start_all()
        with open(os.path.join(d, "x.csv"), "w") as f:
            f.write("1.0\n")
        c.client(["share", os.path.join(d, "x.csv"), "--as", "x", "--layout", "scalar"],
                 check_rc=0)
        c.client(["approve", LONG, "-D", "n=200000", "--input", "x=x", "--input", "y=x",
                  "--output", "r=client"], check_rc=0)
        args = ["submit", LONG, "-D", "n=200000", "--bind", "x=x", "--bind", "y=x", "--json"]
        first = json.loads(c.client(args, check_rc=0).stdout)["job"]
        second = json.loads(c.client(args, check_rc=0).stdout)["job"]
        r = c.client(args)
        check(r.returncode == 1 and "is busy" in r.stderr and json.loads(r.stdout)["code"] ==
              "busy", "third job: %r %r" % (r.stdout, r.stderr))
        wait_state(c, first, ["running"])
        wait_state(c, second, ["queued"])
        c.client(["cancel", first], check_rc=0)
        for i in range(3):
            j = wait_state(c, first, ["cancelled"], node=i)
            check("cancelled by client 'client'" in j.get("error", ""), "cancel: %s" % j)
        wait_state(c, second, ["running"])
        c.client(["cancel", second], check_rc=0)
        wait_state(c, second, ["cancelled"])


def case_warm_pool():
    """After an idle period the pool is full and the job's stats show no pool waits."""
    with tempfile.TemporaryDirectory() as d, Cluster(d) as c:
        c.start_all()
        upload_stats(c)
        approve_stats(c)
        deadline = time.time() + 90
        while True:
            full = True
            for i in range(3):
                s = json.loads(c.http(i, "/status.json")[1])
                kinds = s["pool"].get("kinds", [])
                full = full and kinds and all(k["level"] >= k["capacity"] for k in kinds)
            if full:
                break
            check(time.time() < deadline, "the pool did not fill within 90 s")
            time.sleep(0.2)
        # The full pool holds what the stats sample needs: every pooled kind
        # the job used came from the material reserved for it out of the
        # pool. (pool_waits also counts what the rings never hold, truncation
        # pairs of another shift than the fraction bits: stocked below once
        # the program has run.)
        out = submit_stats(c, ["--stats"])
        check(out["state"] == "done", "job not done: %s" % out)
        check_stats(out["outputs"])
        check(len(out["stats"]) == 3, "stats of every node: %s" % out)
        for s in out["stats"]:
            for kind, k in s["pool"].items():
                check(k["used"] <= k["reserved"], "%s not served from the pool: %s" % (kind, s))
        m = c.http(0, "/metrics")[1]
        for needle in ('smpc_pool_level{kind="triples"}', 'smpc_peer_up{peer="1"} 1',
                       'smpc_jobs{state="done"} 1', "smpc_client_refusals_total"):
            check(needle in m, "metrics lack %s:\n%s" % (needle, m))
        page = c.http(0, "/")[1]
        check("payroll_a" in page and "sfix[8]" in page, "status page: %s" % page[:500])
        check("42.5" not in page, "status page shows a value")
        # What the pool's rings never hold (truncation pairs of another
        # shift, matrix triples, shuffle turns) it stocks for the approved
        # programs it has seen run: their next run makes nothing on demand,
        # so it runs no OT setup of its own.
        kinds = os.path.join(d, "kinds.smpc")
        with open(kinds, "w") as f:
            f.write("param n: int;\ninput a: sfix[n] from party 0;\nfn main() {\n"
                    "  let x = reshape(a, 2, 4);\n  let g = x @ transpose(x);\n"
                    "  let s = shuffle(a);\n  output total = sum(s) to all;\n"
                    "  output gram = sum(reshape(g, 4)) to all;\n}\n")
        c.client(["approve", kinds, "--input", "a=payroll_a", "--output", "total=client",
                  "--output", "gram=client"], check_rc=0)

        def submit_kinds():
            r = c.client(["submit", kinds, "--bind", "a=payroll_a", "--wait", "--json",
                          "--stats"])
            check(r.returncode == 0, "submit failed: %s %s" % (r.stdout, r.stderr))
            out = json.loads(r.stdout)
            check(out["state"] == "done", "job not done: %s" % out)
            a = [float(x) for x in open(os.path.join(STATS, "a.csv")).read().split()]
            check(close(out["outputs"]["total"], sum(a)), "total: %s" % out["outputs"])
            gram = sum(sum(a[4 * i + t] * a[4 * j + t] for t in range(4))
                       for i in range(2) for j in range(2))
            check(close(out["outputs"]["gram"], gram), "gram: %s != %s" % (out["outputs"], gram))
            return out

        cold = submit_kinds()
        check(all(s["pool_waits"] > 0 for s in cold["stats"]),
              "a first run makes its shaped material on demand: %s" % cold["stats"])

        def stocked():
            st = [json.loads(c.http(i, "/status.json")[1])["pool"] for i in range(3)]
            # The leader decides what is stocked; the others make the same.
            want = st[0]["stock"]["wanted"]
            return want > 0 and all(s["stock"]["items"] >= want and
                                    all(k["level"] >= k["capacity"] for k in s["kinds"])
                                    for s in st)

        deadline = time.time() + 90
        while not stocked():
            check(time.time() < deadline, "the pool did not stock within 90 s")
            time.sleep(0.2)
        for out in (submit_stats(c, ["--stats"]), submit_kinds()):
            check(out["state"] == "done", "job not done: %s" % out)
            for s in out["stats"]:
                check(s["pool_waits"] == 0 and s["from_stock"] > 0,
                      "a warm job made material on demand: %s" % s)
        check_stats(submit_stats(c)["outputs"])


def peak_rss_kib(pid):
    """VmHWM of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    fail("no VmHWM for process %d" % pid)


def case_pool_memory():
    """With the pool on, a node's peak RSS stays within the pool's memory cap
    plus the documented fixed overhead (docs/node.md, "Memory") over the same
    node with the pool off: the OT batches' working memory counts against
    the cap."""
    # Enough triples and truncation pairs per refill that unbounded OT
    # batches would take tens of MiB; little enough to fill in seconds.
    cap_mb, slack_mb = 2, 8
    records = {"triples": 32768, "bool": 4096, "dabits": 4096, "edabits": 1024, "trunc": 8192}

    def edit_pool(enabled):
        def edit(i, cfg):
            cfg["pool"] = {"enabled": enabled, "memory_mb": cap_mb, "records": records}
        return edit

    def status(c, i):
        return json.loads(c.http(i, "/status.json")[1])

    with tempfile.TemporaryDirectory() as d, Cluster(d, edit=edit_pool(False)) as c:
        # Records must leave the cap's working share free.
        with open(c.config_path(0)) as f:
            cfg = json.load(f)
        cfg["pool"] = {"memory_mb": 1, "records": {"triples": 40000}}
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            json.dump(cfg, f)
        r = smpc(["node", "--config", bad], timeout=30, check_rc=1)
        check("pool.records: the records need 938 KiB, more than the 768 KiB pool.memory_mb "
              "leaves for records (a quarter is OT working memory); raise pool.memory_mb or "
              "lower the records" in r.stderr, "records over the cap: %s" % r.stderr)
        c.start_all()
        time.sleep(2)
        check(all(status(c, i)["pool"]["state"] == "disabled" for i in range(3)),
              "the pool is not disabled")
        base = max(peak_rss_kib(c.procs[i].pid) for i in range(3))
    with tempfile.TemporaryDirectory() as d, Cluster(d, edit=edit_pool(True)) as c:
        c.start_all()
        deadline = time.time() + 90
        while True:
            kinds = [status(c, i)["pool"].get("kinds", []) for i in range(3)]
            if all(k and all(x["level"] >= x["capacity"] for x in k) for k in kinds):
                break
            check(time.time() < deadline, "the pool did not fill within 90 s: %s" % kinds)
            time.sleep(0.2)
        time.sleep(1)  # the first heartbeat after the fill returns freed memory
        bound = base + ((cap_mb + slack_mb) << 10)
        for i in range(3):
            peak = peak_rss_kib(c.procs[i].pid)
            print("node %d: peak RSS %d KiB, pool off %d KiB, bound %d KiB" % (i, peak, base, bound))
            check(peak <= bound, "node %d peaked at %d KiB with a %d MiB pool, more than %d KiB "
                  "(%d KiB with the pool off + cap + %d MiB)" % (i, peak, cap_mb, bound, base,
                                                                  slack_mb))


def case_bad_store():
    """A garbage or truncated store makes the node refuse to start."""
    with tempfile.TemporaryDirectory() as d:
        c = Cluster(d, parties=2)
        db = os.path.join(d, "node0.db")
        with open(db, "wb") as f:
            f.write(os.urandom(8192))
        r = smpc(["node", "--config", c.config_path(0)], timeout=30)
        check(r.returncode == 1 and "is not a usable SQLite database" in r.stderr and
              "restore it from a backup" in r.stderr, "garbage store: %r" % r.stderr)
        os.remove(db)
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version=7")
        con.close()
        r = smpc(["node", "--config", c.config_path(0)], timeout=30)
        check(r.returncode == 1 and "has schema version 7, newer than this smpc" in r.stderr,
              "newer store: %r" % r.stderr)
        os.remove(db)
        # A real store, cut in half.
        c.start(0)
        c.port(0)
        c.stop(0)
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE filler(x)")
        con.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(1000),)] * 200)
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        with open(db, "r+b") as f:
            f.truncate(os.path.getsize(db) // 2)
        r = smpc(["node", "--config", c.config_path(0)], timeout=30)
        check(r.returncode == 1 and "restore it from a backup" in r.stderr,
              "truncated store: %r" % r.stderr)


def case_uploads():
    """Malformed files are refused before anything is sent; a cut upload leaves nothing."""
    with tempfile.TemporaryDirectory() as d, Cluster(d, upload_idle_ms=1500) as c:
        c.start_all()
        bad = os.path.join(d, "bad.csv")
        with open(bad, "w") as f:
            f.write("1.5\n2.5\nnot-a-number\n")
        r = c.client(["share", bad, "--as", "bad"])
        check(r.returncode == 1 and "bad.csv:3: input 'bad': field 1 is not a number" in r.stderr,
              "malformed: %r" % r.stderr)
        ragged = os.path.join(d, "ragged.csv")
        with open(ragged, "w") as f:
            f.write("1,2\n3\n")
        r = c.client(["share", ragged, "--as", "ragged"])
        check(r.returncode == 1 and "row 2 has 1 value, expected 2" in r.stderr, "ragged: %r"
              % r.stderr)
        for i in range(3):
            m = c.http(i, "/metrics")[1]
            check("smpc_uploads_total 0" in m, "node %d saw an upload: %s" % (i, m))
        # A big upload killed half-way: at its first progress line (10% sent,
        # so every node holds shares) node 2 is stopped, so the client cannot
        # finish (it needs node 2's answers) whatever the machine's speed;
        # then the client is killed.
        big = os.path.join(d, "big.csv")
        with open(big, "w") as f:
            f.write("".join("%d\n" % k for k in range(1500000)))
        p = subprocess.Popen([SMPC, "share", big, "--as", "big", "--type", "sint", "--cluster",
                              c.cluster], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        line = p.stderr.readline()
        check(line.startswith("share: "), "no progress line from smpc share: %r" % line)
        c.procs[2].send_signal(signal.SIGSTOP)
        try:
            time.sleep(0.2)
            check(p.poll() is None, "the upload ended before it could be cut: %s %s"
                  % (p.returncode, p.stderr.read() if p.returncode is not None else ""))
            p.kill()
            p.wait()
        finally:
            c.procs[2].send_signal(signal.SIGCONT)
        for i in range(3):
            ds = json.loads(c.client(["datasets", "--node", str(i), "--json"],
                                     check_rc=0).stdout)["datasets"]
            check(all(x["state"] != "ready" for x in ds), "node %d shows a ready half upload"
                  % i)
        # uploads.idle_timeout_ms = 1500, housekeeping every 200 ms.
        for i in range(3):
            deadline = time.time() + 30
            while True:
                ds = json.loads(c.client(["datasets", "--node", str(i), "--json"],
                                         check_rc=0).stdout)["datasets"]
                if ds == []:
                    break
                check(time.time() < deadline, "node %d kept a half upload: %s" % (i, ds))
                time.sleep(0.2)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print("usage: node_e2e.py SMPC CASE (cases: %s)" % ", ".join(sorted(CASES)))
        sys.exit(2)
    CASES[sys.argv[2]]()
    print("ok")
