#!/usr/bin/env python3
"""Multi-host tests: three parties and a dealer on four hosts (network
namespaces joined by veth cables on a bridge, egress limited by tc tbf),
real `smpc party`/`smpc dealer` processes, CurveZMQ over the veth links.

usage: netns_test.py SMPC CASE      (root; exit 77 = skipped)
"""
import json
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
import netns_lib  # noqa: E402

SMPC = os.path.abspath(sys.argv[1])
CASE = sys.argv[2]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def close(got, want, tol):
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(
            close(g, w, tol) for g, w in zip(got, want))
    return abs(float(got) - float(want)) <= tol["abs"] + tol["rel"] * abs(float(want))


def sample(name):
    d = os.path.join(ROOT, "samples", name)
    manifest = json.load(open(os.path.join(d, "sample.json")))
    source = os.path.join(d, manifest["program"])
    inputs = {k: os.path.join(d, v) for k, v in manifest["inputs"].items()}
    owners = netns_lib.inputs_of(open(source).read())
    expected = json.load(open(os.path.join(d, "expected.json")))
    return source, inputs, owners, expected, manifest.get("tolerance", {"abs": 1e-3, "rel": 1e-3})


def wait_all(procs, timeout):
    results = {}
    for name, p in procs.items():
        try:
            out, err = p.communicate(timeout=timeout)
        except Exception:
            p.kill()
            out, err = p.communicate()
            fail("%s did not finish within %d s: %s" % (name, timeout, err))
        results[name] = (p.returncode, out, err)
    return results


def case_samples(topo, d):
    # Each sample the manifest runs with 3 parties, over the namespaces.
    c = netns_lib.SmpcCluster(SMPC, topo, d, 3)
    for i in range(len(topo.hosts)):
        check("tbf" in topo.qdisc(i) and "rate 200Mbit" in topo.qdisc(i),
              "host %d has no tbf qdisc: %s" % (i, topo.qdisc(i)))
    ran = 0
    for name in sorted(os.listdir(os.path.join(ROOT, "samples"))):
        if not os.path.exists(os.path.join(ROOT, "samples", name, "sample.json")):
            continue
        source, inputs, owners, expected, tol = sample(name)
        manifest = json.load(open(os.path.join(ROOT, "samples", name, "sample.json")))
        if 3 not in manifest.get("parties", [3]) or max(owners.values()) >= 3:
            continue
        prog = c.compile(source, inputs)
        res = wait_all(c.start(prog, inputs, owners, tag=name), 120)
        for who, (rc, _, err) in res.items():
            check(rc == 0, "%s: %s failed: %s" % (name, who, err))
        # Every output reaches its recipients; each value matches.
        seen = {}
        for i in range(3):
            for k, v in c.outputs(name, i).items():
                check(close(v, expected[k], tol), "%s: party %d got %s = %s, want %s" %
                      (name, i, k, v, expected[k]))
                seen[k] = v
        check(sorted(seen) == sorted(expected), "%s: outputs %s" % (name, sorted(seen)))
        ran += 1
    check(ran >= 2, "ran only %d samples" % ran)
    print("ran %d samples over 4 hosts" % ran)


def case_link_down(topo, d):
    # Party 2's cable is unplugged mid-job: every node fails cleanly and
    # names the lost party; after re-plugging, the next job succeeds.
    peer_ms = 4000  # the machine may be loaded: no false alarms on the healthy links
    c = netns_lib.SmpcCluster(SMPC, topo, d, 3, peer_ms=peer_ms)
    long_src = os.path.join(ROOT, "tests", "cluster", "long.smpc")
    long_in = {"x": os.path.join(ROOT, "tests", "cluster", "long_x.csv"),
               "y": os.path.join(ROOT, "tests", "cluster", "long_y.csv")}
    owners = netns_lib.inputs_of(open(long_src).read())
    prog = c.compile(long_src, long_in, ["n=200000"])
    procs = c.start(prog, long_in, owners, tag="long")
    why = netns_lib.wait_computing({i: procs[i] for i in range(3)})
    if why:
        fail("before the link went down: " + why)
    time.sleep(0.5)
    topo.set_link(2, False)
    t0 = time.monotonic()
    res = wait_all(procs, 30)
    elapsed = time.monotonic() - t0
    for who, (rc, out, err) in res.items():
        check(rc != 0, "%s succeeded although party 2 was cut off" % who)
        check(out.strip() == "", "%s printed outputs after a failure: %r" % (who, out))
        check(err.startswith("smpc: error: "), "%s: unclear error: %r" % (who, err))
    # Every node names the root cause: party 2 gone silent or disconnected,
    # whether it noticed that itself or a peer that noticed first failed the
    # job and said why in its Bye ("party 1 failed the job: party 2 has been
    # silent ..."), not merely that a peer ended the job.
    blame = re.compile(r"party 2 (has been silent|disconnected)")
    for who in (0, 1, "dealer"):
        err = res[who][2]
        print("%s: %s" % (who, err.strip()))
        check(blame.search(err), "%s does not blame party 2: %r" % (who, err))
    check(re.search(r"(party [01]|the dealer) (has been silent|disconnected)", res[2][2]),
          "party 2 does not report its lost links: %r" % res[2][2])
    for i in range(3):
        check(not os.path.exists(os.path.join(d, "long-out%d.json" % i)), "partial output %d" % i)
    # Every node noticed within the peer timeout plus a margin (no hang).
    check(elapsed < peer_ms / 1000 + 10, "failing took %.1f s" % elapsed)
    print("link down: every node failed within %.1f s" % elapsed)

    topo.set_link(2, True)
    source, inputs, owners, expected, tol = sample("stats")
    prog = c.compile(source, inputs)
    res = wait_all(c.start(prog, inputs, owners, tag="after"), 120)
    for who, (rc, _, err) in res.items():
        check(rc == 0, "after the link came back, %s failed: %s" % (who, err))
    for k, v in c.outputs("after", 0).items():
        check(close(v, expected[k], tol), "after: %s = %s, want %s" % (k, v, expected[k]))


def main():
    why = netns_lib.netns_available()
    if why:
        print("SKIP: " + why)
        sys.exit(77)
    cases = {"samples": case_samples, "link_down": case_link_down}
    if CASE not in cases:
        fail("unknown case " + CASE)
    topo = netns_lib.Topology(4)
    try:
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o700)
            cases[CASE](topo, d)
    finally:
        topo.close()
    print("PASS: " + CASE)


if __name__ == "__main__":
    main()
