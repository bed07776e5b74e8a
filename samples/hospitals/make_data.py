#!/usr/bin/python3
"""Writes the three hospitals' inputs for the logistic-regression sample from
the breast-cancer data set that Debian's python3-sklearn ships (Wisconsin
diagnostic, 569 patients, 30 features, label 1 = benign), and expected.json.

The split is fixed (seed 0): 20% of the patients, stratified by label, are
held out for testing; the training and the test patients are each dealt to
the three hospitals at random, so every hospital holds some of both. Each
feature is given in a unit (a power of ten, public, part of the schema) that
puts its standard deviation between 1 and 10; values keep 4 decimals.

expected.json holds, for the comparison with `smpc run`:
  - model: the weights and intercept that the same algorithm as hospitals.smpc
    (pooled standardisation, then 50 epochs of full-batch gradient descent
    with learning rate 1 and scikit-learn's default L2 penalty C = 1)
    reaches in double precision;
  - accuracy: the held-out accuracy of scikit-learn's LogisticRegression
    (default settings) trained on the same standardised training rows. The
    end-to-end test requires the secure model's held-out accuracy within one
    percentage point of it.
Needs Debian's python3-sklearn (run with /usr/bin/python3); the tests only
read the files this writes."""
import json
import os

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 0
EPOCHS, LR, L2 = 50, 1.0, 1.0  # keep in step with hospitals.smpc
HERE = os.path.dirname(os.path.abspath(__file__))

X, y = load_breast_cancer(return_X_y=True)
unit = 10.0 ** -np.floor(np.log10(X.std(axis=0)))
X = np.round(X * unit, 4)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
rng = np.random.default_rng(SEED)
train_parts = np.array_split(rng.permutation(len(ytr)), 3)
test_parts = np.array_split(rng.permutation(len(yte)), 3)


def write(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for r in rows:
            f.write((", ".join(f"{v:g}" for v in r) if np.ndim(r) else f"{r:g}") + "\n")


for h, (tr, te) in enumerate(zip(train_parts, test_parts)):
    write(f"x{h}.csv", Xtr[tr])
    write(f"y{h}.csv", ytr[tr])
    write(f"tx{h}.csv", Xte[te])
    write(f"ty{h}.csv", yte[te])

# The rows in the order hospitals.smpc concatenates them.
order_tr = np.concatenate(train_parts)
order_te = np.concatenate(test_parts)
Xtr, ytr, Xte, yte = Xtr[order_tr], ytr[order_tr], Xte[order_te], yte[order_te]

# Plaintext reference of the secure algorithm, in double precision.
mu = Xtr.mean(axis=0)
inv = 1 / np.sqrt(Xtr.var(axis=0))
Z, Zt = (Xtr - mu) * inv, (Xte - mu) * inv
n = len(ytr)
w, b = np.zeros(X.shape[1]), 0.0
for _ in range(EPOCHS):
    err = 1 / (1 + np.exp(-(Z @ w + b))) - ytr
    w = w * (1 - LR * L2 / n) - Z.T @ err * LR / n
    b = b - err.sum() * LR / n
ours = float(np.mean(((Zt @ w + b) >= 0) == yte))

sc = StandardScaler().fit(Xtr)
clf = LogisticRegression().fit(sc.transform(Xtr), ytr)
sk = float(clf.score(sc.transform(Xte), yte))

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"model": [float(v) for v in np.append(w, b)], "accuracy": sk}, f, indent=2)
    f.write("\n")
print(f"train {n} rows {[len(p) for p in train_parts]}, test {len(yte)} rows "
      f"{[len(p) for p in test_parts]}")
print(f"held-out accuracy: scikit-learn {sk:.4f}, this algorithm in double precision {ours:.4f}")
