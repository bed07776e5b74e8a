#!/usr/bin/env python3
"""Online time against rounds x latency across hosts: a sample (default
stats) through three `smpc node`s on three network namespaces (veth +
bridge, tc tbf at 200 Mbit/s) and a client on a fourth, with 0, 10 and 50 ms
of one-way latency added by the transport (no netem in this kernel). Prints
one `name value unit` line per figure; `latency_ratio` = (online with
latency - online without) / (rounds x latency), 1.0 meaning each round costs
exactly one latency. Online time and rounds are the job's own `--stats`
(party 0's), so job admission and result fetching are not counted.

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
                c = netns_lib.NodeCluster(smpc, topo, w, 3, latency_ms=lat, peer_ms=5000)
                c.start()
                try:
                    c.wait_ready()
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
                    times, rounds = [], 0
                    for _ in range(a.reps):
                        r = c.client(["submit", source] + binds + ["--wait", "--json", "--stats"],
                                     timeout=600)
                        if r.returncode != 0:
                            sys.exit("submit: %s %s" % (r.stdout, r.stderr))
                        stats = json.loads(r.stdout)["stats"][0]
                        rounds = int(stats["rounds"])
                        times.append(float(stats["online_seconds"]))
                finally:
                    c.stop()
                online = statistics.median(times)
                prefix = "netns.nodes3.%s" % a.sample
                if lat == 0:
                    base = online
                    print("%s.rounds %d rounds" % (prefix, rounds))
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
