#!/usr/bin/env python3
"""Synthetic data for the fraud sample and its plaintext reference.

Two banks with 2^16 accounts each. Account ids are 10-digit numbers; about
8% of each bank's customers also bank with the other (the same person, so
the same id at both). Each account's transaction total over the period (whole
euros) is log-normal with a heavy tail. An account is flagged when it is at
both banks and its combined total exceeds THRESHOLD; each bank learns only
which of its own accounts are flagged.

The files are built in blocks of BLOCK accounts per bank, each pair of
blocks (row range) with its own shared customers, so the first BLOCK rows of
the four files are a small instance of the same kind whose answer is the
first BLOCK entries of expected.json: ctest runs that (sample.json ci_rows),
the slow suite the whole data.

Fixed seed: running this again writes identical files.
usage: python3 samples/fraud/make_data.py"""
import json, math, os, random

N = 1 << 16
BLOCK = 1 << 10
SHARED = 82  # per block: about 8% of each bank
THRESHOLD = 150000
SEED = 20261130

here = os.path.dirname(os.path.abspath(__file__))


def total(rng):
    return int(math.exp(rng.gauss(8.5, 1.6)))  # median about 4,900 euros


def main():
    rng = random.Random(SEED)
    blocks = N // BLOCK
    ids = rng.sample(range(10**9, 10**10), blocks * (2 * BLOCK - SHARED))
    a_ids, b_ids, shared = [], [], []
    for k in range(blocks):
        block = ids[k * (2 * BLOCK - SHARED):(k + 1) * (2 * BLOCK - SHARED)]
        common = block[:SHARED]
        a_block, b_block = common + block[SHARED:BLOCK], common + block[BLOCK:]
        rng.shuffle(a_block)
        rng.shuffle(b_block)
        a_ids += a_block
        b_ids += b_block
        shared += common
    a_tot = {i: total(rng) for i in a_ids}
    b_tot = {i: total(rng) for i in b_ids}
    flagged = {i for i in shared if a_tot[i] + b_tot[i] > THRESHOLD}
    for name, col in [("a_ids", a_ids), ("a_totals", [a_tot[i] for i in a_ids]),
                      ("b_ids", b_ids), ("b_totals", [b_tot[i] for i in b_ids])]:
        with open(os.path.join(here, name + ".csv"), "w") as f:
            f.write("".join(f"{v}\n" for v in col))
    expected = {
        "flagged_a": [int(i in flagged) for i in a_ids],
        "flagged_b": [int(i in flagged) for i in b_ids],
    }
    with open(os.path.join(here, "expected.json"), "w") as f:
        f.write("{\n")
        f.write(",\n".join(f'"{k}": {json.dumps(v, separators=(",", ":"))}'
                           for k, v in expected.items()))
        f.write("\n}\n")
    first = sum(expected["flagged_a"][:BLOCK])
    print(f"fraud: {N} accounts per bank, {len(shared)} shared, {len(flagged)} flagged "
          f"({first} in the first {BLOCK} rows)")


if __name__ == "__main__":
    main()
