#!/usr/bin/env python3
"""Online time against rounds x latency across hosts: a sample (default
stats) through three `smpc node`s on three network namespaces (veth +
bridge, tc tbf at 200 Mbit/s) and a client on a fourth, with 0, 10 and 50 ms
of one-way latency added by the transport (no netem in this kernel). Prints
one `name value unit` line per figure; `latency_ratio` = (online with
latency - online without) / (rounds x latency), 1.0 meaning each round costs
exactly one latency. Online time and rounds are the job's own `--stats`
(party 0's), so job admission and result fetching are not counted.

The nodes run warm, as a long-lived deployment does: a first job (not
timed; its online time is printed as `cold_online_latency_*`) makes each
node learn what the program uses, then every timed job starts once every
node's triple pool holds again what that job used of each kind, so it
takes its material from the pool
(`pool_waits_*`: requests that still waited for material made on demand,
matrix triples, truncation pairs of another shift and shuffle turns are
stocked for the program once it has run; the wait covers the stock too).

usage (root): python3 bench/netns/netns_latency.py [BUILD_DIR] [--sample stats] [--reps 3]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "netns"))
import netns_lib  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--sample", default="stats")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--latencies", default="0,10,50")
    a = ap.parse_args()
    why = netns_lib.netns_available()
    if why:
        sys.exit("netns_latency: " + why)
    smpc = os.path.join(a.build_dir, "bin", "smpc")
    d = os.path.join(ROOT, "samples", a.sample)
    manifest = json.load(open(os.path.join(d, "sample.json")))
    source = os.path.join(d, manifest["program"])
    inputs = {k: os.path.join(d, v) for k, v in manifest["inputs"].items()}
    outputs = sorted(json.load(open(os.path.join(d, "expected.json"))))
    types = netns_lib.input_types(open(source).read())
    topo = netns_lib.Topology(4)
    base = None
    try:
        for lat in [int(x) for x in a.latencies.split(",")]:
            with tempfile.TemporaryDirectory() as w:
                # A long peer_ms: on a loaded machine (the benchmark runs
                # niced) a starved node must not pass for a dead one.
                c = netns_lib.NodeCluster(smpc, topo, w, 3, latency_ms=lat, peer_ms=30000)
                c.start()
                try:
                    c.wait_ready(timeout=120)
                    binds, rules = [], []
                    for inp, path in sorted(inputs.items()):
                        typ, layout = types[inp]
                        r = c.client(["share", path, "--as", inp, "--type", typ, "--layout", layout,
                                      "--quiet"])
                        if r.returncode != 0:
                            sys.exit("share: " + r.stderr)
                        binds += ["--bind", "%s=%s" % (inp, inp)]
                        rules += ["--input", "%s=%s" % (inp, inp)]
                    rules += sum([["--output", o + "=client"] for o in outputs], [])
                    r = c.client(["approve", source] + rules)
                    if r.returncode != 0:
                        sys.exit("approve: " + r.stderr)

                    def job():
                        r = c.client(["submit", source] + binds + ["--wait", "--json", "--stats"],
                                     timeout=600)
                        if r.returncode != 0:
                            sys.exit("submit: %s %s" % (r.stdout, r.stderr))
                        return json.loads(r.stdout)["stats"]

                    cold_all = job()  # warms the nodes: not timed
                    cold = cold_all[0]
                    # What each node's job took of each pooled kind.
                    needs = [{k: v["used"] for k, v in st["pool"].items()} for st in cold_all]
                    times, waits, rounds = [], [], 0
                    for _ in range(a.reps):
                        c.wait_pool_holds(needs)
                        stats = job()[0]
                        rounds = int(stats["rounds"])
                        times.append(float(stats["online_seconds"]))
                        waits.append(int(stats["pool_waits"]))
                finally:
                    c.stop()
                online = statistics.median(times)
                prefix = "netns.nodes3.%s" % a.sample
                if lat == 0:
                    base = online
                    print("%s.rounds %d rounds" % (prefix, rounds))
                print("%s.cold_online_latency_%dms %.3f s" % (prefix, lat,
                                                              float(cold["online_seconds"])))
                print("%s.pool_waits_%dms %d requests" % (prefix, lat, max(waits)))
                print("%s.online_latency_%dms %.3f s" % (prefix, lat, online), flush=True)
                if lat and base is not None:
                    ideal = rounds * lat / 1000.0
                    print("%s.rounds_x_latency_%dms %.3f s" % (prefix, lat, ideal))
                    print("%s.latency_ratio_%dms %.3f ratio" % (prefix, lat, (online - base) / ideal),
                          flush=True)
    finally:
        topo.close()


if __name__ == "__main__":
    main()
