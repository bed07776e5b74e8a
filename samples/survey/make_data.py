#!/usr/bin/env python3
"""Writes the survey sample's inputs: synthetic payrolls of three
organisations (fixed seed, so the files are reproducible). Each organisation
gives two files, one line per employee: salaryN.csv (annual salary in
thousands, two decimals) and womanN.csv (1 if the employee is a woman, else
0). The organisations differ in size and pay level; salaries are log-normal
with a few high earners, and women are paid about 10% less on average, so
the gender gap and its t statistic have something to find.

Run it after changing the model, then samples/reference.py, which computes
expected.json from the files in double precision:
    python3 samples/survey/make_data.py && python3 samples/reference.py"""
import math
import os
import random

SEED = 2026
HERE = os.path.dirname(os.path.abspath(__file__))

# (employees, median salary of men in thousands, share of women)
ORGS = [(64, 52.0, 0.45), (40, 61.0, 0.30), (52, 47.0, 0.55)]
GAP = 0.10     # women's median pay is this much below men's
SIGMA = 0.30   # spread of log salaries
FLOOR = 24.0   # minimum wage, in thousands


def main():
    rng = random.Random(SEED)
    for org, (n, median, women) in enumerate(ORGS):
        salaries, flags = [], []
        for _ in range(n):
            woman = rng.random() < women
            centre = median * (1 - GAP if woman else 1)
            s = max(FLOOR, centre * math.exp(rng.gauss(0, SIGMA)))
            salaries.append(round(s, 2))
            flags.append(int(woman))
        with open(os.path.join(HERE, f"salary{org}.csv"), "w") as f:
            f.writelines(f"{s:.2f}\n" for s in salaries)
        with open(os.path.join(HERE, f"woman{org}.csv"), "w") as f:
            f.writelines(f"{w}\n" for w in flags)
        print(f"organisation {org}: {n} employees, {sum(flags)} women")


if __name__ == "__main__":
    main()
