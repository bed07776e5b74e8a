#!/usr/bin/env python3
"""Total and online time of every sample on a local semi2k cluster with the
dealer and with OT-based preprocessing (background pool), for 2 and 3
parties. One `name value unit` line per figure; each figure is the median of
REPEAT runs.

usage: bench/preprocessing/compare.py [BUILD_DIR] [--repeat 3]"""
import argparse, json, os, re, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(smpc, d, manifest, parties, pre):
    cmd = [smpc, "run", os.path.join(d, manifest["program"]), "--protocol", "semi2k",
           "--parties", str(parties), "--preprocessing", pre, "--stats"]
    for name, f in manifest["inputs"].items():
        cmd += ["--input", f"{name}={os.path.join(d, f)}"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    m = re.search(r"stats \(party 0\): rounds \d+,.*online ([0-9.e+-]+) s", p.stderr)
    return wall, float(m.group(1)) if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir", nargs="?", default=os.path.join(root, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    smpc = os.path.join(a.build_dir, "bin", "smpc")
    samples = sorted(s for s in os.listdir(os.path.join(root, "samples"))
                     if os.path.exists(os.path.join(root, "samples", s, "sample.json")))
    for parties in (2, 3):
        for name in samples:
            d = os.path.join(root, "samples", name)
            manifest = json.load(open(os.path.join(d, "sample.json")))
            for pre in ("dealer", "ot"):
                runs = [run(smpc, d, manifest, parties, pre) for _ in range(a.repeat)]
                wall = statistics.median(r[0] for r in runs)
                online = statistics.median(r[1] for r in runs)
                print(f"preproc.n{parties}.{name}.{pre}.total {wall:.3f} s")
                print(f"preproc.n{parties}.{name}.{pre}.online {online:.4f} s", flush=True)


if __name__ == "__main__":
    main()
