#!/usr/bin/env python3
"""A program that needs many triples runs to completion under semi2k with
the dealer, 2 parties, and no process of the job (smpc run, the parties,
the dealer) grows past a memory bound: the dealer client streams material
in a bounded window instead of fetching what the program header predicts
up front (#7 item 2, docs/preprocessing.md).

The peak RSS is the largest of every process the job waited for
(getrusage(RUSAGE_CHILDREN): Linux keeps the maximum over the whole tree).

usage: material_window.py SMPC --triples N --max-rss-mib M [--width W]
                          [--preprocessing dealer|ot]
  CI runs 10^7 triples with a bound that a run buffering its whole
  prediction would exceed; the slow suite (docs/testing.md) runs 10^8
  triples under 512 MiB. With --preprocessing ot the triples come from the
  OT pool, whose rings are bounded by their capacity."""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

PROGRAM = """// x = a * b^n elementwise: n rounds of `width` multiplications.
param n: int;
input a: sint[{w}] from party 0;
input b: sint[{w}] from party 1;
fn main() {{
  var x = a;
  for i in 0..n {{ x = x * b; }}
  output r = sum(x) to all;
}}
"""


def signed(v):
    v %= 1 << 64
    return v - (1 << 64) if v >= 1 << 63 else v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smpc")
    ap.add_argument("--triples", type=int, required=True)
    ap.add_argument("--max-rss-mib", type=float, required=True)
    ap.add_argument("--width", type=int, default=100000)
    ap.add_argument("--preprocessing", choices=["dealer", "ot"], default="dealer")
    args = ap.parse_args()
    w = args.width
    n = max(1, args.triples // w)
    a = [i % 1000 - 500 for i in range(w)]
    b = [(-1, 1, 2, 3)[i % 4] for i in range(w)]
    want = signed(sum(ai * pow(bi, n, 1 << 64) for ai, bi in zip(a, b)))
    with tempfile.TemporaryDirectory() as d:
        prog = os.path.join(d, "window.smpc")
        with open(prog, "w") as f:
            f.write(PROGRAM.format(w=w))
        for name, vals in (("a", a), ("b", b)):
            with open(os.path.join(d, name + ".csv"), "w") as f:
                f.write("\n".join(map(str, vals)) + "\n")
        cmd = [args.smpc, "run", prog, "-D", "n=%d" % n, "--protocol", "semi2k", "--parties",
               "2", "--preprocessing", args.preprocessing, "--input", "a=" + os.path.join(d, "a.csv"),
               "--input", "b=" + os.path.join(d, "b.csv")]
        print("running %d x %d = %d triples: %s" % (n, w, n * w, " ".join(cmd)), flush=True)
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    print("exit %d in %.1f s, peak RSS of the job's processes %.1f MiB (bound %.0f MiB)" %
          (r.returncode, secs, peak, args.max_rss_mib))
    if r.returncode != 0:
        sys.exit("FAIL: smpc run failed: " + r.stderr.strip())
    got = r.stdout.strip()
    if got != "r = %d" % want:
        sys.exit("FAIL: output %r, expected 'r = %d'" % (got, want))
    if peak > args.max_rss_mib:
        sys.exit("FAIL: peak RSS %.1f MiB exceeds %.0f MiB" % (peak, args.max_rss_mib))
    print("PASS")


if __name__ == "__main__":
    main()
