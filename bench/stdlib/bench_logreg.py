#!/usr/bin/env python3
"""Logistic-regression training on the hospitals sample: seconds per epoch.

Two parties (party 0 holds hospitals 0 and 1, party 1 hospital 2), semi2k
with dealer and with OT preprocessing, next to the same bytecode under the
clear protocol and the same algorithm in plain Python (double precision).
Each configuration runs the sample's program with E1 and E2 epochs; the
figure is (wall(E2) - wall(E1)) / (E2 - E1), so start-up, input sharing,
standardisation and testing cancel out.

usage: bench_logreg.py SMPC [--epochs E1,E2] [--ot-epochs E1,E2]
prints `name value unit` lines."""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "samples", "hospitals")

PROGRAM = """import ml;
param n0: int;
param n1: int;
param m0: int;
param m1: int;
input x0: sfix[n0, 30] from party 0;
input y0: sfix[n0] from party 0;
input tx0: sfix[m0, 30] from party 0;
input ty0: sfix[m0] from party 0;
input x1: sfix[n1, 30] from party 1;
input y1: sfix[n1] from party 1;
input tx1: sfix[m1, 30] from party 1;
input ty1: sfix[m1] from party 1;
fn main() {
  let x = concat(x0, x1);
  let scaler = standard_scaler(x);
  let model = logreg_fit(standardize(x, scaler), concat(y0, y1), EPOCHS, 1.0, 1.0);
  let pred = logreg_predict(standardize(concat(tx0, tx1), scaler), model);
  output model = model to all;
  output accuracy = accuracy(pred, concat(ty0, ty1)) to all;
}
"""


def read(name):
    with open(os.path.join(SAMPLE, name)) as f:
        return [l.strip() for l in f if l.strip()]


def inputs(tmp):
    """Party 0: hospitals 0 and 1; party 1: hospital 2."""
    files = {}
    for kind in ["x", "y", "tx", "ty"]:
        for party, hs in [(0, [0, 1]), (1, [2])]:
            path = os.path.join(tmp, f"{kind}{party}.csv")
            with open(path, "w") as f:
                for h in hs:
                    f.write("\n".join(read(f"{kind}{h}.csv")) + "\n")
            files[f"{kind}{party}"] = path
    return files


def run(smpc, tmp, files, epochs, protocol, pre):
    prog = os.path.join(tmp, f"lr{epochs}.smpc")
    with open(prog, "w") as f:
        f.write(PROGRAM.replace("EPOCHS", str(epochs)))
    cmd = [smpc, "run", prog, "--protocol", protocol]
    if protocol != "clear":
        cmd += ["--parties", "2", "--preprocessing", pre]
    for k, v in files.items():
        cmd += ["--input", f"{k}={v}"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    return t


def plaintext_epoch():
    """One epoch of the same algorithm in pure Python on the standardised
    training rows (no NumPy needed)."""
    rows = [[float(v) for v in l.split(",")] for h in range(3) for l in read(f"x{h}.csv")]
    ys = [float(v) for h in range(3) for v in read(f"y{h}.csv")]
    n, d = len(rows), len(rows[0])
    mu = [sum(r[j] for r in rows) / n for j in range(d)]
    inv = [1 / math.sqrt(sum((r[j] - mu[j]) ** 2 for r in rows) / n) for j in range(d)]
    rows = [[(r[j] - mu[j]) * inv[j] for j in range(d)] for r in rows]
    w, b = [0.0] * d, 0.0
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        err = [1 / (1 + math.exp(-(sum(r[j] * w[j] for j in range(d)) + b))) - y
               for r, y in zip(rows, ys)]
        g = [sum(rows[i][j] * err[i] for i in range(n)) for j in range(d)]
        w = [w[j] * (1 - 1 / n) - g[j] / n for j in range(d)]
        b -= sum(err) / n
    return (time.perf_counter() - t0) / reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smpc")
    ap.add_argument("--epochs", default="1,11")
    ap.add_argument("--ot-epochs", default="1,3")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = inputs(tmp)
        for protocol, pre, eps in [("clear", None, a.epochs), ("semi2k", "dealer", a.epochs),
                                   ("semi2k", "ot", a.ot_epochs)]:
            e1, e2 = (int(v) for v in eps.split(","))
            t1 = run(a.smpc, tmp, files, e1, protocol, pre)
            t2 = run(a.smpc, tmp, files, e2, protocol, pre)
            name = f"logreg.hospitals.{protocol}" + (f".2p.{pre}" if pre else "")
            print(f"{name}.seconds_per_epoch {(t2 - t1) / (e2 - e1):.4f} s", flush=True)
            print(f"{name}.seconds_total_{e2}_epochs {t2:.3f} s", flush=True)
    print(f"logreg.hospitals.plaintext_python.seconds_per_epoch {plaintext_epoch():.4f} s")
    print(f"load_average {os.getloadavg()[0]:.1f} 1")


if __name__ == "__main__":
    main()
