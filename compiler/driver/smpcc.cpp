//===- smpcc.cpp - the smpc compiler driver -------------------------------===//
//
//   smpcc check f.smpc [-D n=10] [-I dir] [--input a=a.csv]
//   smpcc compile f.smpc -o f.smpcb [-O0|-O2] [-D n=10] [--dump-ir-after=P]
//   smpcc disasm f.smpcb
//   smpcc cost f.smpc [--parties N] [--protocol semi2k|rep3|shamir] [--input a=a.csv]
// Options are declared in one table per command (runtime/cli/options.h),
// the ones `smpc` also takes in runtime/cli/shared_options.h. Exit code 0 on
// success, 1 on errors in the program or its data, 2 on a bad command line.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "runtime/cli/load_program.h"
#include "runtime/cli/options.h"
#include "runtime/cli/shared_options.h"
#include "vm/bytecode/protocols.h"
#include "vm/bytecode/serialize.h"

#include <fstream>
#include <iostream>

using namespace smpc;
using namespace smpc::cli;

namespace {

constexpr const char *kUsage =
    "usage: smpcc <command> <file> [options]\n"
    "commands:\n"
    "  check   <f.smpc>            parse and check, print every error\n"
    "  compile <f.smpc> -o <out>   compile to bytecode (.smpcb)\n"
    "  disasm  <f.smpcb>           print bytecode readably\n"
    "  cost    <f.smpc>            rounds, preprocessing and traffic under a protocol\n"
    "`smpcc <command> --help` describes a command's options.\n";

int fail(const std::string &msg, int code = kExitFail) {
  std::cerr << ("smpcc: error: " + msg + "\n");
  return code;
}

// What check, compile and cost share.
struct SourceJob {
  std::string file;
  SourceOptions src;
  std::map<std::string, std::string> inputs;
  std::vector<std::string> dumps;
  bool color = false;

  void declare(OptionTable &t) {
    t.operand("FILE.smpc", "a source", "the program", file);
    addSourceOptions(t, src);
    addInputOption(t, inputs,
                   "a data file for input NAME: parameters that size the input take its shape");
    t.repeated("dump-ir-after", "PASS", "print the IR after a pass (or 'lower', 'all'); repeat",
               [this](const std::string &v) { dumps.push_back(v); });
    t.flag("diagnostics-color", "color diagnostics", color);
  }

  // The source text and the compiler options, or an exit code.
  std::optional<int> prepare(std::string &text, compiler::Options &opts) const {
    std::string why;
    if (!readSmallFile(file, text, why)) return fail("cannot read '" + file + "': it " + why);
    auto o = sourceOptions("smpcc", file, text, src, inputs, nullptr, std::cerr);
    if (!o) return kExitFail;
    opts = *o;
    opts.dumpIrAfter = dumps;
    opts.dumpStream = &std::cout;
    opts.color = color;
    return std::nullopt;
  }
};

OptionTable table(const std::string &cmd, const std::string &synopsis, const std::string &summary) {
  return OptionTable("smpcc", cmd, synopsis, summary);
}

int check(const std::vector<std::string> &args) {
  SourceJob job;
  OptionTable t = table("check", "FILE.smpc [options]", "parse and check, print every error");
  job.declare(t);
  if (auto rc = t.parse(args)) return *rc;
  std::string text;
  compiler::Options opts;
  if (auto rc = job.prepare(text, opts)) return *rc;
  return compiler::check(job.file, text, opts, std::cerr) ? kExitOk : kExitFail;
}

int compile(const std::vector<std::string> &args) {
  SourceJob job;
  std::string output;
  OptionTable t = table("compile", "FILE.smpc -o FILE.smpcb [options]", "compile to bytecode");
  job.declare(t);
  t.text("output,o", "FILE.smpcb", "the bytecode file to write", output).required();
  if (auto rc = t.parse(args)) return *rc;
  std::string text;
  compiler::Options opts;
  if (auto rc = job.prepare(text, opts)) return *rc;
  auto r = compiler::compile(job.file, text, opts, std::cerr);
  if (!r) return kExitFail;
  std::vector<uint8_t> bytes = bc::writeProgram(r->program);
  std::ofstream out(output, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  out.close();
  if (!out) return fail("cannot write '" + output + "'");
  return kExitOk;
}

int cost(const std::vector<std::string> &args) {
  SourceJob job;
  uint32_t parties = 0;
  std::string protocol = "semi2k";
  OptionTable t = table("cost", "FILE.smpc [options]",
                        "rounds, preprocessing and traffic per party under a protocol");
  job.declare(t);
  addPartiesOption(t, parties,
                   "number of parties (default: the program's minimum, at least the protocol's)");
  addProtocolOption(t, protocol, "the protocol to price (default semi2k; clear has no cost)",
                    false);
  if (auto rc = t.parse(args)) return *rc;
  const bc::ProtocolId id = *bc::protocolFromName(protocol);
  if (parties)
    if (std::string why = bc::checkParties(id, parties, "--parties"); !why.empty())
      return fail(why, kExitUsage);
  std::string text;
  compiler::Options opts;
  if (auto rc = job.prepare(text, opts)) return *rc;
  auto r = compiler::cost(job.file, text, opts, parties, std::cerr, id);
  if (!r) return kExitFail;
  std::cout << r->text;
  return kExitOk;
}

int disasm(const std::vector<std::string> &args) {
  std::string file;
  OptionTable t = table("disasm", "FILE.smpcb", "print bytecode readably");
  t.operand("FILE.smpcb", "a bytecode file", "the program", file);
  if (auto rc = t.parse(args)) return *rc;
  bc::Program prog;
  try {
    prog = readProgramFile(file);
  } catch (const std::exception &e) {
    std::string what = e.what();
    if (what.rfind("cannot read", 0) == 0) return fail(what);
    return fail("'" + file +
                "' is not a valid smpc bytecode file: " + what.substr(what.find(": ") + 2));
  }
  std::cout << bc::disassemble(prog);
  return kExitOk;
}

int run(int argc, char **argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    (argc < 2 ? std::cerr : std::cout) << kUsage;
    return argc < 2 ? kExitUsage : kExitOk;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "check") return check(args);
  if (cmd == "compile") return compile(args);
  if (cmd == "cost") return cost(args);
  if (cmd == "disasm") return disasm(args);
  return fail("unknown command '" + cmd + "'; use check, compile, disasm or cost", kExitUsage);
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    // Not expected; still never a stack trace.
    std::cerr << ("smpcc: error: " + errorText(e) + "\n");
    return kExitFail;
  }
}
