#!/usr/bin/env python3
"""Runs one sample end to end with `smpc run` and compares every output with
the sample's expected.json (computed in double precision by
samples/reference.py or the sample's own make_data.py). Integers and booleans
must match exactly; fixed-point values within the sample's tolerance (abs +
rel * |expected|; "tolerance": {"outputs": {name: {...}}} overrides it for
one output). Under a secure protocol the rounds party 0 ran must equal what
`smpcc cost --protocol P --parties N` predicts for the program (when the
prediction is exact).

A manifest's "ci_rows": N runs every protocol on the first N rows of each
input only, against the first N entries of each expected output: the
sample's data is built so that its first N rows are an instance of their own
(samples/fraud: 2^16 ids per bank whole, 1,024 in CI). --all-rows runs the
whole data (the slow suite, docs/testing.md).

usage: run_sample.py SMPC SAMPLE_DIR [--protocol clear|semi2k|rep3|shamir] [--parties N]
                     [--preprocessing dealer|ot] [--compare-clear] [--all-rows]"""
import argparse, json, os, re, subprocess, sys, tempfile


def cut_inputs(sample_dir, manifest, rows, tmp):
    """A copy of the manifest whose inputs are the first `rows` lines of each file."""
    cut = dict(manifest, inputs={})
    for name, f in manifest["inputs"].items():
        path = os.path.join(tmp, os.path.basename(f))
        with open(os.path.join(sample_dir, f)) as src, open(path, "w") as dst:
            dst.writelines(line for _, line in zip(range(rows), src))
        cut["inputs"][name] = path
    return cut


def data_args(sample_dir, manifest):
    args = []
    for name, f in manifest["inputs"].items():
        args += ["--input", f"{name}={os.path.join(sample_dir, f)}"]
    for k, v in manifest.get("defines", {}).items():
        args += ["-D", f"{k}={v}"]
    return args


def run(smpc, sample_dir, manifest, protocol, parties, preprocessing):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        cmd = [smpc, "run", os.path.join(sample_dir, manifest["program"]), "--protocol", protocol]
        if protocol != "clear":
            cmd += ["--parties", str(parties)]
            if preprocessing:
                cmd += ["--preprocessing", preprocessing]
        cmd += data_args(sample_dir, manifest)
        cmd += ["--output-json", out]
        if protocol != "clear":
            cmd += ["--stats"]
        print("$", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        if p.returncode != 0:
            raise SystemExit(f"FAIL: smpc exited with {p.returncode}")
        with open(out) as f:
            got = json.load(f)
        if protocol != "clear":
            m = re.search(r"^stats \(party 0\): rounds (\d+),", p.stderr, re.M)
            if not m:
                raise SystemExit("FAIL: no rounds in the --stats output")
            check_rounds(smpc, sample_dir, manifest, protocol, parties, int(m.group(1)))
        return got


def check_rounds(smpc, sample_dir, manifest, protocol, parties, rounds):
    smpcc = os.path.join(os.path.dirname(smpc), "smpcc")
    cmd = [smpcc, "cost", os.path.join(sample_dir, manifest["program"]), "--protocol", protocol,
           "--parties", str(parties)] + data_args(sample_dir, manifest)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: smpcc cost exited with {p.returncode}: {p.stderr}")
    cost = dict(line.split(": ", 1) for line in p.stdout.splitlines() if ": " in line)
    if cost.get("exact") == "yes" and int(cost["rounds"]) != rounds:
        raise SystemExit(f"FAIL: {rounds} rounds run, smpcc cost predicts {cost['rounds']}")
    print(f"rounds {rounds}, smpcc cost {cost['rounds']} (exact: {cost.get('exact')})")


def close(got, want, tol, path, errors):
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            errors.append(f"{path}: expected {len(want)} elements, got {got!r}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            close(g, w, tol, f"{path}[{i}]", errors)
    elif isinstance(want, bool):
        if got not in (want, int(want)):
            errors.append(f"{path}: expected {want}, got {got!r}")
    elif isinstance(want, int):
        if got != want:
            errors.append(f"{path}: expected {want}, got {got!r}")
    else:
        if not isinstance(got, (int, float)) or abs(got - want) > tol["abs"] + tol["rel"] * abs(want):
            errors.append(f"{path}: expected {want} (tolerance {tol}), got {got!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smpc")
    ap.add_argument("sample_dir")
    ap.add_argument("--protocol", default="clear")
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--preprocessing", default=None)
    ap.add_argument("--all-rows", action="store_true",
                    help="run on the whole data despite the manifest's ci_rows")
    ap.add_argument("--compare-clear", action="store_true",
                    help="also run under clear and require agreement with it")
    a = ap.parse_args()
    with open(os.path.join(a.sample_dir, "sample.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(a.sample_dir, "expected.json")) as f:
        expected = json.load(f)
    per_output = manifest["tolerance"].get("outputs", {})
    tol_of = lambda name: per_output.get(name, manifest["tolerance"])
    rows = None if a.all_rows else manifest.get("ci_rows")
    tmp = tempfile.TemporaryDirectory()
    if rows:
        manifest = cut_inputs(a.sample_dir, manifest, rows, tmp.name)
        expected = {k: v[:rows] if isinstance(v, list) else v for k, v in expected.items()}
    got = run(a.smpc, a.sample_dir, manifest, a.protocol, a.parties, a.preprocessing)
    errors = []
    for name, want in expected.items():
        if name not in got:
            errors.append(f"{name}: missing from the outputs")
        else:
            close(got[name], want, tol_of(name), name, errors)
    if a.compare_clear and a.protocol != "clear":
        ref = run(a.smpc, a.sample_dir, manifest, "clear", 0, None)
        for name, want in ref.items():
            # Each truncation may round up by one unit in the secure
            # protocols: allow the sample tolerance around the clear result.
            close(got.get(name), want, tol_of(name), f"{name} (vs clear)", errors)
    if errors:
        print("\n".join(errors))
        raise SystemExit("FAIL")
    print(f"PASS {os.path.basename(a.sample_dir)} {a.protocol}")


if __name__ == "__main__":
    main()
