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

def quantile(sorted_v, q):
    # numpy.quantile's default (linear): position q (n - 1), interpolated.
    h = q * (len(sorted_v) - 1)
    i = int(h)
    j = min(i + 1, len(sorted_v) - 1)
    return sorted_v[i] + (sorted_v[j] - sorted_v[i]) * (h - i)

def survey(d):
    pay = sum((col(f"{d}/salary{o}.csv") for o in range(3)), [])
    woman = sum((col(f"{d}/woman{o}.csv") for o in range(3)), [])
    n = len(pay)
    s = sorted(pay)
    edges = [30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 100.0]
    hist = [sum(1 for v in pay if v < edges[0])]
    hist += [sum(1 for v in pay if lo <= v < hi) for lo, hi in zip(edges, edges[1:])]
    hist.append(sum(1 for v in pay if v >= edges[-1]))
    men = [v for v, w in zip(pay, woman) if not w]
    women = [v for v, w in zip(pay, woman) if w]
    mm, mw = sum(men) / len(men), sum(women) / len(women)
    svar = lambda g, m: sum((v - m) ** 2 for v in g) / (len(g) - 1)
    # Welch's t of men against women (scipy.stats.ttest_ind(men, women,
    # equal_var=False).statistic).
    t = (mm - mw) / (svar(men, mm) / len(men) + svar(women, mw) / len(women)) ** 0.5
    return {"mean": sum(pay) / n, "median": quantile(s, 0.5),
            "quartiles": [quantile(s, q) for q in (0.25, 0.5, 0.75)],
            "histogram": hist, "women": len(women), "mean_women": mw, "mean_men": mm,
            "gap_percent": 100 * (mm - mw) / mm, "t": t}

for name, fn in [("stats", stats), ("matmul", matmul_sample), ("scoring", scoring),
                 ("survey", survey)]:
    d = os.path.join(here, name)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(fn(d), f, indent=2)
        f.write("\n")
    print(name, "ok")
