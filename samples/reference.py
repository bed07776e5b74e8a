#!/usr/bin/env python3
"""Plaintext reference for the samples: computes each sample's expected.json
from its CSV inputs in double precision, independently of smpc. Run it after
changing a sample's data:  python3 samples/reference.py"""
import json, os

here = os.path.dirname(os.path.abspath(__file__))

def col(path):
    return [float(l) for l in open(path) if l.strip()]

def mat(path):
    return [[float(v) for v in l.split(",")] for l in open(path) if l.strip()]

def matmul(a, b):
    return [[sum(a[i][t] * b[t][j] for t in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]

def transpose(a):
    return [list(r) for r in zip(*a)]

def stats(d):
    allv = col(f"{d}/a.csv") + col(f"{d}/b.csv")
    n = len(allv)
    mu = sum(allv) / n
    var = sum((v - mu) ** 2 for v in allv) / n
    edges = [40.0, 55.0, 70.0]
    hist, below = [], n
    for e in edges:
        above = sum(1 for v in allv if v >= e)
        hist.append(below - above)
        below = above
    hist.append(below)
    return {"mean": mu, "variance": var, "histogram": hist, "maximum": max(allv)}

def matmul_sample(d):
    a, b = mat(f"{d}/a.csv"), mat(f"{d}/b.csv")
    c = matmul(a, b)
    sq = matmul(c, transpose(c))
    return {"product": c, "product_t": transpose(c),
            "trace_of_square": sum(sq[i][i] for i in range(len(sq)))}

def scoring(d):
    w, bias = col(f"{d}/weights.csv"), col(f"{d}/bias.csv")[0]
    thr = col(f"{d}/threshold.csv")[0]
    x = mat(f"{d}/applicants.csv")
    scores = [sum(r[j] * w[j] for j in range(len(w))) + bias for r in x]
    approved = [s > thr for s in scores]
    return {"scores": scores, "approved": approved, "approved_count": sum(approved)}

for name, fn in [("stats", stats), ("matmul", matmul_sample), ("scoring", scoring)]:
    d = os.path.join(here, name)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(fn(d), f, indent=2)
        f.write("\n")
    print(name, "ok")
