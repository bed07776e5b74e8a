//===- smpcc.cpp - the smpc compiler driver -------------------------------===//
//
//   smpcc check f.smpc [-D n=10] [-I dir]
//   smpcc compile f.smpc -o f.smpcb [-O0|-O2] [-D n=10] [-I dir] [--dump-ir-after=P]
//   smpcc disasm f.smpcb
//   smpcc cost f.smpc --parties N [-D n=10]
// Exit code 0 on success, 1 on user errors (diagnostics on stderr).
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "vm/bytecode/serialize.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;
using namespace smpc;

namespace {

constexpr const char *kUsage =
    "usage: smpcc <command> <file> [options]\n"
    "commands:\n"
    "  check   <f.smpc>            parse and check, print every error\n"
    "  compile <f.smpc> -o <out>   compile to bytecode (.smpcb)\n"
    "  disasm  <f.smpcb>           print bytecode readably\n"
    "  cost    <f.smpc> --parties N  rounds, preprocessing and traffic under semi2k\n";

int fail(const std::string &msg) {
  std::cerr << "smpcc: error: " << msg << "\n";
  return 1;
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

// Parses "-D name=value" entries into opts.defines.
bool parseDefines(const std::vector<std::string> &defs, compiler::Options &opts) {
  for (const auto &d : defs) {
    size_t eq = d.find('=');
    std::string name = d.substr(0, eq);
    if (eq == std::string::npos || name.empty()) {
      fail("-D needs name=value, got '" + d + "'");
      return false;
    }
    std::string val = d.substr(eq + 1);
    try {
      size_t used = 0;
      long long v = std::stoll(val, &used, 10);
      if (used != val.size()) throw std::invalid_argument("trailing");
      opts.defines[name] = v;
    } catch (const std::exception &) {
      fail("-D " + name + " needs an integer value, got '" + val + "'");
      return false;
    }
  }
  return true;
}

int run(int argc, char **argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 1 : 0;
  }
  std::string cmd = argv[1];
  if (cmd != "check" && cmd != "compile" && cmd != "disasm" && cmd != "cost")
    return fail("unknown command '" + cmd + "'; use check, compile, disasm or cost");

  po::options_description desc("options");
  std::vector<std::string> defines, includes, dumps;
  std::string output, file;
  int optLevel = 2, fracBits = 16;
  unsigned parties = 0;
  desc.add_options()("help,h", "show this help")(
      "output,o", po::value(&output), "output file (compile)")("opt,O", po::value(&optLevel),
                                                               "optimisation level: 0 or 2")(
      "define,D", po::value(&defines)->composing(), "set a param: -D n=10")(
      "include,I", po::value(&includes)->composing(), "add an import directory")(
      "dump-ir-after", po::value(&dumps)->composing(),
      "print the IR after a pass (or 'lower', 'all')")("parties", po::value(&parties),
                                                       "number of parties (cost)")(
      "frac-bits", po::value(&fracBits), "fixed-point fractional bits (default 16)")(
      "diagnostics-color", "color diagnostics")("file", po::value(&file), "input file");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error &e) {
    return fail(std::string(e.what()) + "; see smpcc --help");
  }
  if (vm.count("help")) {
    std::cout << kUsage << desc;
    return 0;
  }
  if (file.empty()) return fail("no input file; usage: smpcc " + cmd + " <file>");
  std::string text;
  if (!readFile(file, text)) return fail("cannot read '" + file + "'; check the path");

  if (cmd == "disasm") {
    bc::Program prog;
    std::string err;
    std::vector<uint8_t> bytes(text.begin(), text.end());
    if (!bc::readProgram(bytes, prog, err))
      return fail("'" + file + "' is not a valid smpc bytecode file: " + err);
    std::cout << bc::disassemble(prog);
    return 0;
  }

  compiler::Options opts;
  if (!parseDefines(defines, opts)) return 1;
  if (optLevel != 0 && optLevel != 2)
    return fail("-O takes 0 or 2, got " + std::to_string(optLevel));
  if (fracBits < 1 || fracBits > 30) return fail("--frac-bits must be between 1 and 30");
  opts.optLevel = optLevel;
  opts.fracBits = static_cast<uint8_t>(fracBits);
  opts.importPaths = includes;
  opts.dumpIrAfter = dumps;
  opts.dumpStream = &std::cout;
  opts.color = vm.count("diagnostics-color") > 0;

  if (cmd == "check") return compiler::check(file, text, opts, std::cerr) ? 0 : 1;
  if (cmd == "cost") {
    if (parties < 1) return fail("cost needs --parties N (at least 1)");
    auto r = compiler::cost(file, text, opts, parties, std::cerr);
    if (!r) return 1;
    std::cout << r->text;
    return 0;
  }
  if (output.empty()) return fail("compile needs an output file: -o <file.smpcb>");
  auto r = compiler::compile(file, text, opts, std::cerr);
  if (!r) return 1;
  std::vector<uint8_t> bytes = bc::writeProgram(r->program);
  std::ofstream out(output, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  out.close();
  if (!out) return fail("cannot write '" + output + "'");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    // Not expected; still never a stack trace.
    std::cerr << "smpcc: internal error: " << e.what() << "\n";
    return 2;
  }
}
