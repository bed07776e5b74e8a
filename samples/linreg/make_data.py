#!/usr/bin/env python3
"""Writes the two hospitals' inputs for the linear-regression sample from the
diabetes data set that Debian's python3-sklearn ships (Efron et al., 2004),
and the expected coefficients computed in double precision.

Features: body-mass index / 4 and mean blood pressure / 14; target: disease
progression after one year / 50 (scaled so every column has unit-order
spread, which keeps 16-bit fixed point accurate). Hospital A gets the first
60 patients, hospital B the next 50."""
import csv, gzip, json, os

DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
here = os.path.dirname(os.path.abspath(__file__))

with gzip.open(os.path.join(DATA, "diabetes_data_raw.csv.gz"), "rt") as f:
    rows = [line.split() for line in f if line.strip()]
with gzip.open(os.path.join(DATA, "diabetes_target.csv.gz"), "rt") as f:
    target = [float(line) for line in f if line.strip()]

x = [(round(float(r[2]) / 4, 4), round(float(r[3]) / 14, 4)) for r in rows]
y = [round(t / 50, 4) for t in target]

def write(name, values):
    with open(os.path.join(here, name), "w") as f:
        for v in values:
            f.write(", ".join(f"{c:g}" for c in v) + "\n" if isinstance(v, tuple) else f"{v:g}\n")

write("xa.csv", x[:60]); write("ya.csv", y[:60])
write("xb.csv", x[60:110]); write("yb.csv", y[60:110])

X, Y = x[:110], y[:110]
N = len(X)
mx = [sum(r[j] for r in X) / N for j in range(2)]
my = sum(Y) / N
s = [[sum(r[i] * r[j] for r in X) / N - mx[i] * mx[j] for j in range(2)] for i in range(2)]
b = [sum(r[i] * t for r, t in zip(X, Y)) / N - mx[i] * my for i in range(2)]
det = s[0][0] * s[1][1] - s[0][1] * s[1][0]
beta = [(s[1][1] * b[0] - s[0][1] * b[1]) / det, (s[0][0] * b[1] - s[1][0] * b[0]) / det]
intercept = my - beta[0] * mx[0] - beta[1] * mx[1]
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump({"slopes": beta, "intercept": intercept}, f, indent=2)
    f.write("\n")
print(json.dumps({"slopes": beta, "intercept": intercept}))
