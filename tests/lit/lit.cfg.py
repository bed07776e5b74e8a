# lit configuration for the smpc compiler golden tests (diagnostics, robustness,
# lowering). Run through ctest (test `lit`) or directly:
#   python3 /usr/lib/llvm-14/build/utils/lit/lit.py -sv <build>/tests/lit
import os
import shutil
import lit.formats

config.name = "smpc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".smpc", ".test"]
config.excludes = ["inputs", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
smpcc = getattr(config, "smpcc", None) or os.environ.get("SMPCC", "smpcc")
smpc = getattr(config, "smpc", None) or os.environ.get("SMPC", "smpc")
filecheck = getattr(config, "filecheck", None) or "/usr/lib/llvm-14/bin/FileCheck"
not_tool = getattr(config, "not_tool", None) or "/usr/lib/llvm-14/bin/not"
config.substitutions.append(("%smpcc", smpcc))
config.substitutions.append(("%smpc", smpc))
config.substitutions.append(("%stdlib", getattr(config, "stdlib", "")))
config.substitutions.append(("FileCheck", filecheck))
config.substitutions.append(("%not", not_tool))
config.environment["SMPC_STDLIB"] = getattr(config, "stdlib", "")
if os.path.exists(smpc):
    config.available_features.add("smpc")

# Diagnostic coverage: every smpcc run records the diagnostics it reported in
# a fresh file here; the ctest test `diagnostics_coverage` reads them.
cov = getattr(config, "diag_coverage_dir", None)
if cov:
    shutil.rmtree(cov, ignore_errors=True)
    os.makedirs(cov, exist_ok=True)
    config.environment["SMPC_DIAG_COVERAGE_DIR"] = cov
