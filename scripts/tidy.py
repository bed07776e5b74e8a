#!/usr/bin/env python3
"""clang-tidy-14 with the checks of .clang-tidy (bugprone, performance,
function size); any finding fails (exit 1). Needs the compile commands of a
build: scripts/build.sh writes build/compile_commands.json.

  scripts/tidy.py            the lines changed since the merge base with main
                             (on main itself: since HEAD~1); what CI runs
  scripts/tidy.py --all      every source of the build (slow suite: about
                             15 CPU minutes)
  scripts/tidy.py FILE...    these files, every line

SMPC_TIDY_BASE=REV compares with REV; SMPC_BUILD_DIR names the build;
SMPC_JOBS the parallel runs (default: the number of cores).
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = re.compile(r".*\.(cpp|h)$")


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def build_sources(build):
    """The project's own sources in the build (no generated ones)."""
    out = []
    for e in json.load(open(os.path.join(build, "compile_commands.json"))):
        f = os.path.relpath(os.path.join(e["directory"], e["file"]), ROOT)
        if not f.startswith("..") and not f.startswith("build") and os.path.exists(
                os.path.join(ROOT, f)):
            out.append(f)
    return out


def changed_lines():
    """{file: [[first, last], ...]} of the lines added since the base."""
    base = os.environ.get("SMPC_TIDY_BASE")
    if not base:
        head = git("rev-parse", "HEAD")
        try:
            base = git("merge-base", "main", "HEAD")
        except subprocess.CalledProcessError:
            base = head
        if base == head:
            base = git("rev-parse", "-q", "--verify", "HEAD~1")
    diff = git("diff", "-U0", "--diff-filter=d", base, "--", "*.cpp", "*.h")
    lines, name = {}, None
    for l in diff.splitlines():
        if l.startswith("+++ "):
            name = l[6:] if l.startswith("+++ b/") else None
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", l)
        if m and name:
            first, count = int(m.group(1)), int(m.group(2) or 1)
            if count:
                lines.setdefault(name, []).append([first, first + count - 1])
    return lines


FINDING = re.compile(r"^(\S+?):\d+:\d+: error: ")


def run(build, path, line_filter):
    # GCC-only options of some targets (-Wno-restrict) are unknown to clang.
    cmd = ["clang-tidy-14", "-p", build, "--quiet", "--extra-arg=-Wno-unknown-warning-option", path]
    if line_filter is not None:
        cmd.insert(1, "-line-filter=" + json.dumps([{"name": path, "lines": line_filter}]))
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    # "N warnings generated." is noise: the findings are on stdout.
    out = p.stdout.strip()
    if p.returncode != 0:
        # The ANTLR 4.9 runtime headers do not compile with clang (a deleted
        # default constructor in misc/InterpreterDataReader.h), so every file
        # that includes them gets that error: it is not this project's
        # finding. The checks still run on the file itself.
        files = [m.group(1) for m in map(FINDING.match, out.splitlines()) if m]
        if files and all(f.startswith("/usr/include/antlr4-runtime/") for f in files):
            return 0, f"tidy: {path}: only errors inside the ANTLR runtime headers (not counted)"
    return p.returncode, out


def main(argv):
    build = os.path.join(ROOT, os.environ.get("SMPC_BUILD_DIR", "build"))
    if not os.path.exists(os.path.join(build, "compile_commands.json")):
        print(f"tidy: {build}/compile_commands.json is missing; run scripts/build.sh first")
        return 1
    if argv == ["--all"]:
        jobs = {f: None for f in build_sources(build)}
    elif argv:
        jobs = {f: None for f in argv}
    else:
        jobs = {f: l for f, l in changed_lines().items() if SOURCE.match(f)}
    if not jobs:
        print("tidy: no changed C++ lines")
        return 0
    print(f"tidy: {len(jobs)} file(s)")
    bad = 0
    workers = int(os.environ.get("SMPC_JOBS", os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for rc, out in pool.map(lambda kv: run(build, kv[0], kv[1]), jobs.items()):
            if out:
                print(out)
            bad += rc != 0
    if bad:
        print(f"tidy: findings in {bad} file(s); fix them, or add NOLINT(check) with the reason")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
