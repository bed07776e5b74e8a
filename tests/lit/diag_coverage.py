#!/usr/bin/env python3
"""Fails when a diagnostic of compiler/front/diagnostics.def is produced by no
lit test.

The lit suite runs smpcc with SMPC_DIAG_COVERAGE_DIR set (lit.cfg.py); every
compiler run that reports diagnostics writes their names to a new file there.
Usage: diag_coverage.py <diagnostics.def> <coverage dir>
"""
import os
import re
import sys

# Diagnostics no test can provoke, each with the reason. Keep this short.
UNTESTABLE = {
    "ParserGaveUp": "defensive: ANTLR's recovering error strategy does not throw",
}


def main():
    def_path, cov_dir = sys.argv[1], sys.argv[2]
    rows = re.findall(r'^SMPC_DIAG\((\w+),\s*(\w+),\s*"(.*)"\)\s*$',
                      open(def_path, encoding="utf-8").read(), re.M)
    if not rows:
        print(f"diag_coverage: no SMPC_DIAG rows in {def_path}")
        return 1
    if not os.path.isdir(cov_dir) or not os.listdir(cov_dir):
        print(f"diag_coverage: {cov_dir} is empty; run the lit suite first (ctest -R lit)")
        return 1
    seen = set()
    for name in os.listdir(cov_dir):
        with open(os.path.join(cov_dir, name), encoding="utf-8") as f:
            seen.update(line.strip() for line in f)
    missing = [(n, sev, fmt) for n, sev, fmt in rows if n not in seen and n not in UNTESTABLE]
    stale = [n for n in UNTESTABLE if n in seen or n not in [r[0] for r in rows]]
    for n in stale:
        print(f"diag_coverage: {n} is listed as untestable but is tested or gone; remove it")
    for n, sev, fmt in missing:
        print(f"diag_coverage: {sev.lower()} {n} (\"{fmt}\") is produced by no lit test; "
              "add one under tests/lit/diag")
    tested = len(rows) - len(missing) - len(UNTESTABLE)
    print(f"diag_coverage: {tested} of {len(rows)} diagnostics are tested "
          f"({len(UNTESTABLE)} cannot be provoked)")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
