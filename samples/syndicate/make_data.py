#!/usr/bin/env python3
"""Synthetic data for the syndicate sample and its plaintext reference.

Three banks with N customers each. Customer ids are 9-digit numbers (a
national registry number, the same at every bank); SHARED customers borrow
from all three banks, and PAIR customers from each pair of banks only (they
must not count). Each customer's outstanding loan at a bank is log-normal
(whole euros). The banks learn how many customers all three share, each its
own shared customers, each bank's total lending to them, and each its own
shared customers whose combined debt at the three banks exceeds THRESHOLD.

Fixed seed: running this again writes identical files.
usage: python3 samples/syndicate/make_data.py"""
import json, math, os, random

N = 256
SHARED = 24   # customers of all three banks
PAIR = 20     # customers of exactly two banks, per pair
THRESHOLD = 400000
SEED = 20261130

here = os.path.dirname(os.path.abspath(__file__))


def loan(rng):
    return int(math.exp(rng.gauss(11.0, 1.0)))  # median about 60,000 euros


def main():
    rng = random.Random(SEED)
    own = N - SHARED - 2 * PAIR
    ids = rng.sample(range(10**8, 10**9), SHARED + 3 * PAIR + 3 * own)
    shared, rest = ids[:SHARED], ids[SHARED:]
    pairs = [rest[i * PAIR:(i + 1) * PAIR] for i in range(3)]  # (0,1), (1,2), (0,2)
    rest = rest[3 * PAIR:]
    banks = []
    for b, pair_lists in enumerate([(0, 2), (0, 1), (1, 2)]):
        lst = shared + pairs[pair_lists[0]] + pairs[pair_lists[1]] + rest[b * own:(b + 1) * own]
        rng.shuffle(lst)
        banks.append(lst)
    loans = [{i: loan(rng) for i in lst} for lst in banks]
    common = set(shared)
    combined = {i: sum(l[i] for l in loans) for i in common}
    for b in range(3):
        with open(os.path.join(here, f"ids{b}.csv"), "w") as f:
            f.write("".join(f"{i}\n" for i in banks[b]))
        with open(os.path.join(here, f"loans{b}.csv"), "w") as f:
            f.write("".join(f"{loans[b][i]}\n" for i in banks[b]))
    expected = {"shared": len(common),
                "exposure": [sum(loans[b][i] for i in common) for b in range(3)]}
    for b in range(3):
        expected[f"shared{b}"] = [int(i in common) for i in banks[b]]
        expected[f"large{b}"] = [int(i in common and combined[i] > THRESHOLD) for i in banks[b]]
    with open(os.path.join(here, "expected.json"), "w") as f:
        f.write("{\n")
        f.write(",\n".join(f'"{k}": {json.dumps(v, separators=(",", ":"))}'
                           for k, v in expected.items()))
        f.write("\n}\n")
    print(f"syndicate: {N} customers per bank, {SHARED} at all three, "
          f"{sum(expected['large0'])} above {THRESHOLD}")


if __name__ == "__main__":
    main()
