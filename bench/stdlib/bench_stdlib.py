#!/usr/bin/env python3
"""Sort, PSI and max under semi2k (2 parties, dealer), next to plaintext.

Each case runs `smpc run --protocol semi2k --parties 2 --preprocessing
dealer` (parties and dealer in one process, real encryption over local
sockets) on seeded random data, twice: the program itself, and a baseline
with the same inputs and an output of the same size but no computation. The
figure `<case>_s` is the difference of the wall times (the computation
alone: compile, start-up, input sharing and output cancel out); `<case>_total_s`
is the whole run. `<case>_plain_s` is the same computation in plain Python
on the same data (sorted(), set intersection, max()), and `<case>_rounds`
the rounds `--stats` reports.

Targets (docs/benchmarks.md): sort of 2^16 keys under 2 s, PSI of 2^16 x
2^16 ids under 5 s, max of 10^6 under 1 s, on the 2-core reference machine.

usage: bench_stdlib.py SMPC [--cases sort,psi_size,psi_sum,max] [--sort-n N]
                            [--psi-n N] [--max-n N]
prints `name value unit` lines."""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

SEED = 7


def write(path, values):
    with open(path, "w") as f:
        f.write("".join(f"{v}\n" for v in values))


def run(smpc, tmp, name, source, files, protocol="semi2k"):
    prog = os.path.join(tmp, name + ".smpc")
    with open(prog, "w") as f:
        f.write(source)
    cmd = [smpc, "run", prog, "--protocol", protocol, "--stats"]
    if protocol != "clear":
        cmd += ["--parties", "2", "--preprocessing", "dealer"]
    for k, v in files.items():
        cmd += ["--input", f"{k}={v}"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    m = re.search(r"rounds:?\s*(\d+)", p.stderr)
    return t, int(m.group(1)) if m else -1


def plain(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def cases(rng, tmp, a):
    """(name, program, baseline, files, plaintext seconds) per case."""
    out = {}
    n = a.sort_n
    keys = [rng.randrange(-2**63, 2**63) for _ in range(n)]
    write(os.path.join(tmp, "keys.csv"), keys)
    head = f"param n: int;\ninput k: sint[n] from party 0;\nfn main() {{\n"
    out["sort"] = (head + "  output s = sort(k) to party 0;\n}\n",
                   head + "  output s = k to party 0;\n}\n",
                   {"k": os.path.join(tmp, "keys.csv")}, plain(sorted, keys))

    n = a.psi_n
    shared = n // 8
    ids = rng.sample(range(1, 2**62), 2 * n - shared)
    ia, ib = ids[:n], ids[:shared] + ids[n:]
    rng.shuffle(ib)
    va, vb = [rng.randrange(10**6) for _ in range(n)], [rng.randrange(10**6) for _ in range(n)]
    for name, col in [("ia", ia), ("ib", ib), ("va", va), ("vb", vb)]:
        write(os.path.join(tmp, name + ".csv"), col)
    psi_files = {k: os.path.join(tmp, k + ".csv") for k in ["ia", "ib", "va", "vb"]}
    head = ("import psi;\nparam n: int;\ninput ia: sint[n] from party 0;\n"
            "input va: sint[n] from party 0;\ninput ib: sint[n] from party 1;\n"
            "input vb: sint[n] from party 1;\nfn main() {\n")
    base = head + "  output s = sum(ia) + sum(va) + sum(ib) + sum(vb) to all;\n}\n"

    def plain_size():
        return len(set(ia) & set(ib))

    def plain_sum():
        da = dict(zip(ia, va))
        return sum(da[i] + v for i, v in zip(ib, vb) if i in da)

    out["psi_size"] = (head + "  output s = intersection_size(ia, ib) + sum(va) + sum(vb) to all;\n}\n",
                       base, psi_files, plain(plain_size))
    out["psi_sum"] = (head + "  output s = sum(intersection_sums(ia, va, ib, vb)) to all;\n}\n",
                      base, psi_files, plain(plain_sum))

    n = a.max_n
    xs = [rng.randrange(-2**40, 2**40) for _ in range(n)]
    write(os.path.join(tmp, "x.csv"), xs)
    head = "param n: int;\ninput x: sint[n] from party 0;\nfn main() {\n"
    out["max"] = (head + "  output m = max(x) to all;\n}\n",
                  head + "  output m = x[0] to all;\n}\n",
                  {"x": os.path.join(tmp, "x.csv")}, plain(max, xs))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smpc")
    ap.add_argument("--cases", default="sort,psi_size,psi_sum,max")
    ap.add_argument("--sort-n", type=int, default=1 << 16)
    ap.add_argument("--psi-n", type=int, default=1 << 16)
    ap.add_argument("--max-n", type=int, default=10**6)
    a = ap.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        all_cases = cases(rng, tmp, a)
        for name in a.cases.split(","):
            prog, base, files, plain_s = all_cases[name]
            t, rounds = run(a.smpc, tmp, name, prog, files)
            tb, _ = run(a.smpc, tmp, name + "_base", base, files)
            print(f"{name}_s {t - tb:.3f} s", flush=True)
            print(f"{name}_total_s {t:.3f} s")
            print(f"{name}_plain_s {plain_s:.6f} s")
            print(f"{name}_rounds {rounds} rounds", flush=True)
    print(f"load_1min {os.getloadavg()[0]:.2f} processes")


if __name__ == "__main__":
    main()
