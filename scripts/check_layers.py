#!/usr/bin/env python3
"""Checks the include graph against the layers (docs/testing.md, `layering`).

compiler -> vm/bytecode <- vm <- runtime: the compiler and the VM share only
the bytecode format; the VM (and its crypto) never reaches up into runtime/
or the compiler; the compiler library never reaches into runtime/ (only its
driver, smpcc, shares the command-line tools' option tables in runtime/cli);
nothing in the product includes tests/. Usage:
  check_layers.py [repo root]     (exit 1 and one line per violation)
  check_layers.py --self-test     (a violation in a scratch tree is reported)
"""
import io
import os
import re
import sys
import tempfile
from contextlib import redirect_stdout

# (folder prefix, include prefixes it may use besides its own folder)
RULES = [
    ("vm/bytecode/", []),
    ("vm/crypto/", []),
    ("vm/", ["vm/"]),
    # smpcc is a tool like smpc: it shares their option tables (runtime/cli).
    ("compiler/driver/", ["compiler/", "vm/bytecode/", "runtime/cli/"]),
    ("compiler/", ["compiler/", "vm/bytecode/"]),
    ("runtime/", ["runtime/", "vm/", "compiler/api.h"]),
]
PROJECT_DIRS = {"vm", "compiler", "runtime", "tests", "bench", "grammar", "stdlib"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def rule_for(path):
    for prefix, allowed in RULES:
        if path.startswith(prefix):
            return prefix, allowed
    return None, None


def check(root):
    bad = 0
    for top in ("vm", "compiler", "runtime"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".h", ".cpp", ".inc", ".def")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                prefix, allowed = rule_for(path)
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for inc in INCLUDE.findall(text):
                    if inc.split("/")[0] not in PROJECT_DIRS:
                        continue  # LLVM, generated parser headers, ...
                    if inc.startswith(prefix) or any(inc.startswith(a) for a in allowed):
                        continue
                    print(f"check_layers: {path} includes {inc}, outside its layer ({prefix})")
                    bad += 1
    return 1 if bad else 0


def self_test():
    with tempfile.TemporaryDirectory() as root:
        files = {"vm/core/a.h": '#include "vm/bytecode/b.h"\n#include "runtime/net/mesh.h"\n',
                 "vm/crypto/prg.h": "#include <openssl/evp.h>\n",
                 "compiler/driver/smpcc.cpp": '#include "runtime/cli/options.h"\n',
                 "compiler/sema/s.cpp": '#include "runtime/cli/options.h"\n'}
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        out = io.StringIO()
        with redirect_stdout(out):
            rc = check(root)
        want = ["check_layers: compiler/sema/s.cpp includes runtime/cli/options.h, outside its layer (compiler/)",
                "check_layers: vm/core/a.h includes runtime/net/mesh.h, outside its layer (vm/)"]
        got = sorted(out.getvalue().splitlines())
        if rc != 1 or got != want:
            print(f"self-test failed: exit {rc}, output {got}")
            return 1
    print("self-test passed")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    return check(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(__file__)))


if __name__ == "__main__":
    sys.exit(main())
