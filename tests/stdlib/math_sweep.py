#!/usr/bin/env python3
"""Measures the accuracy of stdlib/math.smpc against double precision.

Runs each function through `smpc run` on points covering its whole
documented domain (under `clear`: a dense sweep including every edge of the
function's pieces and the raw values next to them; under `semi2k`: a random
sample drawn with a fixed seed) and reports the largest absolute error over
the points where |f(x)| < 1 and the largest relative error over the points
where |f(x)| >= 1: the error bound is max(abs, rel |f(x)|). With
--check, fails when a figure exceeds the bound documented in the table of
docs/stdlib.md, which is where the bounds live. Saturation outside the
domain is checked too.

usage: math_sweep.py SMPC [--protocol clear|semi2k|rep3|shamir] [--parties N]
                     [--preprocessing dealer|ot] [--density D] [--samples N]
                     [--seed S] [--only f,g] [--check DOCS/stdlib.md]"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

ULP = 2.0 ** -16
CHUNK = 1 << 17


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


# name: (f, domain lo, domain hi, kind, points outside the domain -> value)
# kind "unit": edges at integers of u = x * xscale; "pow2": edges at powers
# of two (x > 0); "pow2±": both signs.
FUNCS = {
    "exp": (math.exp, -12.0, 15.0, ("unit", 1), {-20.0: 0.0, -1000.0: 0.0, 15.5: math.exp(15),
                                                   1000.0: math.exp(15)}),
    "exp2": (lambda x: 2.0 ** x, -17.0, 22.0, ("unit", 1), {-30.0: 0.0, 22.0: 2.0 ** 22,
                                                              5000.0: 2.0 ** 22}),
    "sigmoid": (sigmoid, -12.0, 12.0, ("unit", 1), {-100.0: 0.0, 13.0: 1.0, 30000.0: 1.0,
                                                     -30000.0: 0.0}),
    "tanh": (math.tanh, -7.0, 7.0, ("unit", 2), {-9.0: -1.0, 7.5: 1.0, 30000.0: 1.0}),
    "log": (math.log, 2.0 ** -16, 2.0 ** 29, ("pow2", 0),
            {0.0: -17 * math.log(2), -3.0: -17 * math.log(2), 2.0 ** 30: 29 * math.log(2)}),
    "log2": (math.log2, 2.0 ** -16, 2.0 ** 29, ("pow2", 0), {0.0: -17.0, 2.0 ** 31: 29.0}),
    "log10": (math.log10, 2.0 ** -16, 2.0 ** 29, ("pow2", 0),
              {-1.0: -17 * math.log10(2), 2.0 ** 29: 29 * math.log10(2)}),
    "sqrt": (math.sqrt, 2.0 ** -16, 2.0 ** 29, ("pow2", 0),
             {0.0: 0.0, -5.0: 0.0, 2.0 ** 30: 2.0 ** 14.5}),
    "invsqrt": (lambda x: 1 / math.sqrt(x), 2.0 ** -16, 2.0 ** 29, ("pow2", 0),
                {0.0: 256.0, -2.0: 256.0, 2.0 ** 31: 2.0 ** -14.5}),
    "recip": (lambda x: 1 / x, 2.0 ** -16, 2.0 ** 16, ("pow2±", 0),
              {0.0: 65536.0, 2.0 ** 17: 0.0, -(2.0 ** 20): 0.0}),
}
# pow(x, k): x^k for these exponents over |x| up to where |x^k| < 2^20.
POW_EXPONENTS = [2, 3, 5, -1, -2]


def raw(v):
    return round(v / ULP)


def sweep_points(name, density, rng, samples):
    """Fixed-point inputs (as raw integers) in the domain of `name`."""
    f, lo, hi, (kind, xscale), _ = FUNCS[name]
    pts = set()
    if kind == "unit":
        # Every piece edge, the raw values beside it, and `density` points per
        # unit of u.
        u_lo, u_hi = lo * xscale, hi * xscale
        for k in range(int(u_lo), int(u_hi) + 1):
            e = raw(k / xscale)
            pts.update({e - 1, e, e + 1})
        n = int((hi - lo) * xscale * density)
        pts.update(raw(lo) + (raw(hi) - raw(lo)) * i // n for i in range(n))
    else:
        # Each binade [2^j, 2^(j+1)): its edges and `density` points.
        j_lo, j_hi = int(math.log2(lo)), int(math.log2(hi))
        for j in range(j_lo, j_hi):
            a, b = raw(2.0 ** j), raw(2.0 ** (j + 1))
            pts.update({a, a + 1, b - 1})
            step = max(1, (b - a) // density)
            pts.update(range(a, b, step))
        if kind == "pow2±":
            pts |= {-p for p in pts}
    pts = sorted(p for p in pts if raw(lo) <= abs(p) < raw(hi) or kind != "pow2±" and
                 raw(lo) <= p < raw(hi))
    if samples:
        pts = rng.sample(pts, min(samples, len(pts)))
    return pts


def run_smpc(smpc, jobs, args, tmp):
    """Runs every (name, expression of x, raw inputs) of `jobs` in one program
    (one input and one output per job) and returns the outputs by name."""
    lines = ["import math;"]
    cmd = [smpc, "run", os.path.join(tmp, "sweep.smpc"), "--protocol", args.protocol]
    body = []
    for name, expr, xs_raw in jobs:
        lines.append(f"input {name}: sfix[{len(xs_raw)}] from party 0;")
        body.append(f"  output {name} = {expr.format(x=name)} to all;")
        data = os.path.join(tmp, f"{name}.csv")
        with open(data, "w") as fh:
            fh.write("\n".join(repr(r * ULP) for r in xs_raw) + "\n")
        cmd += ["--input", f"{name}={data}"]
    lines += ["fn main() {"] + body + ["}"]
    with open(os.path.join(tmp, "sweep.smpc"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    out = os.path.join(tmp, "out.json")
    cmd += ["--output-json", out]
    if args.protocol != "clear":
        cmd += ["--parties", str(args.parties)]
        if args.preprocessing:
            cmd += ["--preprocessing", args.preprocessing]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3000)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited with {p.returncode}")
    with open(out) as fh:
        got = json.load(fh)
    return {k: v if isinstance(v, list) else [v] for k, v in got.items()}


def measure(xs_raw, ys, f):
    abs_err, rel_err, worst, worst_rel = 0.0, 0.0, None, 0.0
    for r, y in zip(xs_raw, ys):
        x = r * ULP
        want = f(x)
        e = abs(y - want)
        if abs(want) < 1:
            if e > abs_err:
                abs_err, worst = e, x
        elif e / abs(want) > rel_err:
            rel_err, worst_rel = e / abs(want), x
    return abs_err, rel_err, worst


def documented_bounds(path):
    """{name: (abs bound, rel bound)} from the accuracy table of docs/stdlib.md:
    rows `| `name(x)` | domain | abs | rel | ...` with numbers like 3e-5, or
    a dash where the function has no outputs of that size."""
    bounds = {}
    num = r"\s*([0-9.e+-]+|—)\s*"
    with open(path) as fh:
        for line in fh:
            # The domain cell may hold escaped pipes (\|x\|).
            m = re.match(r"\|\s*`(\w+)\(x(?:, k)?\)`\s*\|(?:[^|\\]|\\.)*\|" + num + r"\|" +
                         num + r"\|", line)
            if m:
                val = lambda g: float("inf") if g == "—" else float(g)
                bounds[m.group(1)] = (val(m.group(2)), val(m.group(3)))
    return bounds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smpc")
    ap.add_argument("--protocol", default="clear")
    ap.add_argument("--parties", type=int, default=2)
    ap.add_argument("--preprocessing", default=None)
    ap.add_argument("--density", type=int, default=256,
                    help="points per unit piece or per binade")
    ap.add_argument("--samples", type=int, default=0,
                    help="random sample of this many points per function (0: all)")
    ap.add_argument("--seed", type=int, default=20240610)
    ap.add_argument("--only", default="")
    ap.add_argument("--check", default=None, help="docs/stdlib.md: fail above its bounds")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    names = [n for n in list(FUNCS) + ["pow"] if not args.only or n in args.only.split(",")]
    bounds = documented_bounds(args.check) if args.check else {}
    failures = []
    print(f"seed {args.seed}, protocol {args.protocol}")
    # One program for everything: under semi2k each run starts a cluster.
    jobs, plan = [], []
    for name in names:
        if name == "pow":
            for k in POW_EXPONENTS:
                top = 2.0 ** (20 / abs(k))
                lo = 2.0 ** -4 if k < 0 else 0.0
                n = 2 * args.density
                xs = sorted({raw(lo + (top - lo) * i / n) for i in range(n)} |
                            {-raw(lo + (top - lo) * i / n) for i in range(1, n)})
                if args.samples:
                    xs = rng.sample(xs, min(args.samples, len(xs)))
                tag = f"pow_{k}".replace("-", "m")
                jobs.append((tag, "pow({x}, %d)" % k, xs))
                plan.append(("pow", tag, lambda x, k=k: x ** k, xs))
        else:
            xs = sweep_points(name, args.density, rng, args.samples)
            jobs.append((f"{name}_in", name + "({x})", xs))
            plan.append((name, f"{name}_in", FUNCS[name][0], xs))
            outside = FUNCS[name][4]
            jobs.append((f"{name}_out", name + "({x})", [raw(v) for v in outside]))
    # Vectors of at most CHUNK elements, so that the comparison matrices
    # (pieces x elements) stay far below the 2^24-element limit.
    parts = []
    for tag, expr, xs in jobs:
        for i in range(0, len(xs), CHUNK):
            parts.append((f"{tag}_c{i // CHUNK}", expr, xs[i:i + CHUNK]))
    # Several parts per program (under semi2k each run starts a cluster),
    # as many as keep its registers within the bytecode's limits.
    out, batch, size = {}, [], 0
    for part in parts + [None]:
        if part is None or (batch and size + len(part[2]) > CHUNK):
            with tempfile.TemporaryDirectory() as tmp:
                out.update(run_smpc(args.smpc, batch, args, tmp))
            batch, size = [], 0
        if part is not None:
            batch.append(part)
            size += len(part[2])
    got = {tag: sum((out[f"{tag}_c{i // CHUNK}"] for i in range(0, len(xs), CHUNK)), [])
           for tag, _, xs in jobs}
    results = {}
    for name, tag, f, xs in plan:
        a, r, w = measure(xs, got[tag], f)
        prev = results.get(name, (0.0, 0.0, None, 0))
        results[name] = (max(prev[0], a), max(prev[1], r), w if a >= prev[0] else prev[2],
                         prev[3] + len(xs))
    for name in names:
        if name != "pow":
            for (v, want), y in zip(FUNCS[name][4].items(), got[f"{name}_out"]):
                if abs(y - want) > 4 * ULP + 1e-4 * abs(want):
                    failures.append(f"{name}({v}) = {y}, expected the saturation value {want}")
        abs_err, rel_err, worst, count = results[name]
        line = (f"{name:8} points {count:6}  max abs error {abs_err:.3g} "
                f"({abs_err / ULP:.2f} units)  max rel error {rel_err:.3g}")
        if worst is not None:
            line += f"  worst at x = {worst:.6g}"
        print(line, flush=True)
        if args.check:
            if name not in bounds:
                failures.append(f"{name}: no accuracy row in {args.check}")
                continue
            ab, rb = bounds[name]
            if abs_err > ab:
                failures.append(f"{name}: absolute error {abs_err:.3g} above the documented {ab}")
            if rel_err > rb:
                failures.append(f"{name}: relative error {rel_err:.3g} above the documented {rb}")
    if failures:
        print("\n".join(failures))
        raise SystemExit(f"FAIL (seed {args.seed})")
    print("PASS")


if __name__ == "__main__":
    main()
