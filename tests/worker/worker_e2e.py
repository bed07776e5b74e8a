#!/usr/bin/env python3
"""`smpc node --nats` and `smpc worker` processes on a real nats-server -js:
a worker killed (SIGKILL) mid-job fails the job on every node, naming its
party, without outputs; a new worker comes up and the next job runs, then
the stats sample under rep3 and shamir on the workers.

usage: worker_e2e.py SMPC NATS_SERVER
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SMPC, NATS = os.path.abspath(sys.argv[1]), sys.argv[2]
STATS = os.path.join(ROOT, "samples", "stats")
LONG = os.path.join(ROOT, "tests", "cluster", "long.smpc")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def smpc(args, d, check_rc=None, timeout=120):
    r = subprocess.run([SMPC] + args + ["--cluster", os.path.join(d, "cluster.json")],
                       capture_output=True, text=True, timeout=timeout)
    if check_rc is not None and r.returncode != check_rc:
        fail("smpc %s: exit %d: %s %s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def job_state(d, job, node):
    r = smpc(["jobs", "--node", str(node), "--json"], d, check_rc=0)
    for j in json.loads(r.stdout)["jobs"]:
        if j["job"] == job:
            return j
    return {}


def wait_state(d, job, states, node, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        j = job_state(d, job, node)
        if j.get("state") in states:
            return j
        time.sleep(0.2)
    fail("job %s never reached %s on node %d" % (job, states, node))


def main():
    procs = []
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o700)
        try:
            port = free_port()
            procs.append(subprocess.Popen([NATS, "-js", "-a", "127.0.0.1", "-p", str(port),
                                           "-sd", os.path.join(d, "js")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            url = "nats://127.0.0.1:%d" % port
            subprocess.run([SMPC, "cluster", "init", "--parties", "3", "--out", d,
                            "--base-port", "0"], check=True, capture_output=True)
            # Refusals: no NATS there, a missing option.
            dead = "nats://127.0.0.1:%d" % free_port()
            for cmd in (["node", "--config", os.path.join(d, "node0.json"), "--nats", dead],
                        ["worker", "--config", os.path.join(d, "node0.json"), "--nats", dead,
                         "--advertise", "tcp://127.0.0.1:1"]):
                r = subprocess.run([SMPC] + cmd, capture_output=True, text=True, timeout=60)
                check(r.returncode == 1 and r.stderr.startswith(
                    "smpc: error: cannot connect to NATS at %s" % dead), "%s: %r" % (cmd[0], r.stderr))
            r = subprocess.run([SMPC, "worker", "--config", os.path.join(d, "node0.json"), "--nats",
                                url], capture_output=True, text=True, timeout=60)
            check(r.returncode == 2 and "--advertise" in r.stderr, "no --advertise: %r" % r.stderr)
            with open(os.path.join(d, "peers.json")) as f:
                peers = json.load(f)
            peers["timeouts"] = {"connect_ms": 5000, "peer_ms": 1500, "recv_ms": 60000}
            with open(os.path.join(d, "peers.json"), "w") as f:
                json.dump(peers, f)
            logs = {}
            for i in range(3):
                logs[i] = open(os.path.join(d, "node%d.log" % i), "w")
                procs.append(subprocess.Popen(
                    [SMPC, "node", "--config", os.path.join(d, "node%d.json" % i), "--nats", url],
                    stdout=logs[i], stderr=logs[i]))
            workers = {}

            def start_worker(i):
                ep = "tcp://127.0.0.1:%d" % free_port()
                w = subprocess.Popen([SMPC, "worker", "--config", os.path.join(d, "node%d.json" % i),
                                      "--nats", url, "--listen", ep, "--advertise", ep,
                                      "--meet-timeout-ms", "5000"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                procs.append(w)
                workers[i] = w
            for i in range(3):
                start_worker(i)
            smpc(["share", os.path.join(STATS, "a.csv"), "--as", "a"], d, check_rc=0)
            smpc(["share", os.path.join(STATS, "b.csv"), "--as", "b"], d, check_rc=0)
            for name in ("x", "y"):
                with open(os.path.join(d, name + ".csv"), "w") as f:
                    f.write("1.0\n")
                smpc(["share", os.path.join(d, name + ".csv"), "--as", name, "--layout", "scalar"],
                     d, check_rc=0)
            smpc(["approve", LONG, "-D", "n=200000", "--input", "x=x", "--input", "y=y",
                  "--output", "r=client"], d, check_rc=0)
            smpc(["approve", os.path.join(STATS, "stats.smpc"), "--input", "a=a", "--input",
                  "b=b", "--output", "mean=client", "--output", "variance=client", "--output",
                  "histogram=client", "--output", "maximum=client"], d, check_rc=0)

            # A long job runs on the workers; party 2's worker is killed.
            r = smpc(["submit", LONG, "-D", "n=200000", "--bind", "x=x", "--bind", "y=y",
                      "--json"], d, check_rc=0)
            job = json.loads(r.stdout)["job"]
            wait_state(d, job, ["running"], 0)
            time.sleep(3.0)
            check(job_state(d, job, 0).get("state") == "running", "the job ended too early")
            workers[2].send_signal(signal.SIGKILL)
            workers[2].wait()
            for i in range(3):
                j = wait_state(d, job, ["failed"], i, timeout=30)
                check("party 2" in j.get("error", ""), "node %d does not name party 2: %s" % (i, j))
            r = smpc(["result", job, "--timeout", "5"], d)
            check(r.returncode == 1 and "failed" in r.stderr, "outputs of a failed job: %s %s"
                  % (r.stdout, r.stderr))
            # A new worker for party 2; the next job runs.
            start_worker(2)
            r = smpc(["submit", os.path.join(STATS, "stats.smpc"), "--bind", "a=a", "--bind",
                      "b=b", "--wait", "--json"], d)
            check(r.returncode == 0, "next job: %s %s" % (r.stdout, r.stderr))
            out = json.loads(r.stdout)
            with open(os.path.join(STATS, "expected.json")) as f:
                want = json.load(f)
            check(out["outputs"]["histogram"] == want["histogram"], "next job: %s" % out)
            check(abs(out["outputs"]["mean"] - want["mean"]) < 1e-3, "next job: %s" % out)
            # The honest-majority protocols run on workers as on the nodes:
            # the stored additive shares imported, the outputs exported back.
            for protocol in ("rep3", "shamir"):
                r = smpc(["submit", os.path.join(STATS, "stats.smpc"), "--bind", "a=a", "--bind",
                          "b=b", "--protocol", protocol, "--wait", "--json"], d)
                check(r.returncode == 0, "%s: %s %s" % (protocol, r.stdout, r.stderr))
                out = json.loads(r.stdout)["outputs"]
                check(out["histogram"] == want["histogram"], "%s: %s" % (protocol, out))
                for k in ("mean", "variance", "maximum"):
                    check(abs(out[k] - want[k]) < 1e-3 * max(1.0, abs(want[k])),
                          "%s: %s: %s" % (protocol, k, out))
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
    print("PASS: worker killed mid-job")


main()
