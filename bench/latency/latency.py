#!/usr/bin/env python3
"""Latency benchmark: runs each sample on a local semi2k cluster with no added
latency and with LATENCY_MS of one-way delay on every link (the transport's
latency_ms option, docs/network.md; the kernel here has no tc netem), and
prints one `name value unit` line per figure. The online time under latency
should be close to rounds x latency: the figure `*.latency_ratio` is
(time with latency - time without) / (rounds x latency).

usage: bench/latency/latency.py [BUILD_DIR] [--parties N] [--latency-ms L]"""
import argparse, json, os, re, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(smpc, sample_dir, manifest, parties, latency_ms):
    cmd = [smpc, "run", os.path.join(sample_dir, manifest["program"]), "--protocol", "semi2k",
           "--parties", str(parties), "--stats"]
    for name, f in manifest["inputs"].items():
        cmd += ["--input", f"{name}={os.path.join(sample_dir, f)}"]
    env = dict(os.environ, SMPC_LATENCY_MS=str(latency_ms))
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    elapsed = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    m = re.search(r"stats \(party 0\): rounds (\d+),.*online ([0-9.e+-]+) s", p.stderr)
    if not m:
        sys.exit(f"no round count in the --stats output of {sample_dir}")
    return elapsed, int(m.group(1)), float(m.group(2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir", nargs="?", default=os.path.join(root, "build"))
    ap.add_argument("--parties", type=int, default=2)
    ap.add_argument("--latency-ms", type=int, default=10)
    a = ap.parse_args()
    smpc = os.path.join(a.build_dir, "bin", "smpc")
    samples = sorted(d for d in os.listdir(os.path.join(root, "samples"))
                     if os.path.exists(os.path.join(root, "samples", d, "sample.json")))
    for name in samples:
        d = os.path.join(root, "samples", name)
        with open(os.path.join(d, "sample.json")) as f:
            manifest = json.load(f)
        wall0, rounds, base = run(smpc, d, manifest, a.parties, 0)
        wall1, _, slow = run(smpc, d, manifest, a.parties, a.latency_ms)
        ideal = rounds * a.latency_ms / 1000.0
        prefix = f"latency.n{a.parties}.{name}"
        print(f"{prefix}.rounds {rounds} rounds")
        print(f"{prefix}.online_no_latency {base:.3f} s")
        print(f"{prefix}.online_latency_{a.latency_ms}ms {slow:.3f} s")
        print(f"{prefix}.wall_no_latency {wall0:.3f} s")
        print(f"{prefix}.wall_latency_{a.latency_ms}ms {wall1:.3f} s")
        print(f"{prefix}.rounds_x_latency {ideal:.3f} s")
        print(f"{prefix}.latency_ratio {(slow - base) / ideal if ideal else 0:.3f} ratio", flush=True)


if __name__ == "__main__":
    main()
