//===- shared_options.cpp - the declarations of shared options ------------===//
#include "runtime/cli/shared_options.h"

#include "runtime/data/inputs.h"
#include "vm/bytecode/limits.h"
#include "vm/bytecode/protocols.h"

#include <charconv>
#include <iostream>

namespace smpc::cli {

std::pair<std::string, int64_t> parseDefine(const std::string &arg) {
  size_t eq = arg.find('=');
  int64_t v = 0;
  if (eq != std::string::npos && eq > 0) {
    const char *b = arg.data() + eq + 1, *e = arg.data() + arg.size();
    auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc() && r.ptr == e && b != e) return {arg.substr(0, eq), v};
  }
  throw UsageError("-D takes NAME=INTEGER, got '" + arg + "'");
}

void addSourceOptions(OptionTable &t, SourceOptions &out) {
  t.repeated("define,D", "NAME=VALUE", "set a compile-time parameter (.smpc only); repeat",
             [&out](const std::string &v) {
               auto [name, value] = parseDefine(v);
               out.defines[name] = value;
               out.given.push_back("-D");
             });
  t.repeated("include,I", "DIR", "add an import directory (.smpc only); repeat",
             [&out](const std::string &v) {
               out.importPaths.push_back(v);
               out.given.push_back("-I");
             });
  t.value("opt,O", "LEVEL", "optimisation level: -O0 or -O2 (default; .smpc only)",
          [&out](const std::string &v) {
            if (v != "0" && v != "2") throw UsageError("-O takes 0 or 2, got " + v);
            out.optLevel = v == "0" ? 0 : 2;
            out.given.push_back("-O");
          });
  t.value("frac-bits", "F", "fixed-point fraction bits, 1 to 30 (default 16; .smpc only)",
          [&out](const std::string &v) {
            int f = 0;
            auto r = std::from_chars(v.data(), v.data() + v.size(), f);
            if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || f < 1 || f > 30)
              throw UsageError("--frac-bits must be between 1 and 30, got '" + v + "'");
            out.fracBits = uint8_t(f);
            out.given.push_back("--frac-bits");
          });
}

void addInputOption(OptionTable &t, std::map<std::string, std::string> &files,
                    const std::string &help) {
  t.repeated("input", "NAME=FILE", help, [&files](const std::string &v) {
    std::pair<std::string, std::string> arg;
    try {
      arg = data::parseInputArg(v);
    } catch (const data::DataError &e) {
      throw UsageError(e.what());
    }
    if (!files.emplace(arg).second) throw UsageError("input '" + arg.first + "' is given twice");
  });
}

std::vector<std::string> protocolChoices(bool withClear) {
  std::vector<std::string> v;
  for (const bc::ProtocolInfo &p : bc::kProtocolInfo)
    if (withClear || p.name != bc::info(bc::ProtocolId::Clear).name) v.emplace_back(p.name);
  return v;
}

void addProtocolOption(OptionTable &t, std::string &out, const std::string &help, bool withClear) {
  t.choice("protocol", help, out, protocolChoices(withClear));
}

void addPartiesOption(OptionTable &t, uint32_t &out, const std::string &help) {
  t.value("parties", "N", help, [&out](const std::string &v) {
    uint64_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1 ||
        n > bc::kMaxParties)
      throw UsageError("--parties takes an integer from 1 to " + std::to_string(bc::kMaxParties) +
                       ", got '" + v + "'");
    out = uint32_t(n);
  });
}

void addPreprocessingOption(OptionTable &t, std::string &out, const std::string &help) {
  t.choice("preprocessing", help, out, {"dealer", "ot"});
}

void addMaxStepsOption(OptionTable &t, uint64_t &out) {
  t.number("max-steps", "N", "stop after N instructions (0: no limit)", out, 0, UINT64_MAX);
}

void addStatsOption(OptionTable &t, bool &out) {
  t.flag("stats", "print rounds, bytes and preprocessing use to stderr", out);
}

void addOutputJsonOption(OptionTable &t, std::string &out, const std::string &help) {
  t.text("output-json", "FILE", help, out);
}

void addJsonOption(OptionTable &t, bool &out) {
  t.flag("json", "print the result as one JSON document on stdout", out);
}

void addVerboseOption(OptionTable &t, bool &out) {
  t.flag("verbose", "log connections and progress to stderr (never data)", out);
}

void addClusterOption(OptionTable &t, std::string &out) {
  t.text("config", "CLUSTER.json", "the cluster configuration (docs/network.md)", out);
}

void addKeyOption(OptionTable &t, std::string &out, const std::string &help) {
  t.text("key", "FILE", help, out);
}

void addKeyFdOption(OptionTable &t, uint64_t &out) {
  t.number("key-fd", "N",
           "read the secret key from inherited descriptor N instead of a file (a pipe: no key "
           "on disk)",
           out, 3, 1u << 20);
}

std::optional<int> checkKeySource(const std::string &command, const std::string &keyPath,
                                  uint64_t keyFd) {
  if (keyPath.empty() == (keyFd == 0)) {
    std::cerr << ("smpc: error: `smpc " + command + "` needs " +
                  (keyFd ? std::string("only one of --key FILE and --key-fd N")
                         : std::string("--key FILE or --key-fd N")) +
                  " (see smpc " + command + " --help)\n");
    return kExitUsage;
  }
  return std::nullopt;
}

} // namespace smpc::cli
