//===- api.cpp - the compiler pipeline behind compiler/api.h --------------===//
//
// parse + imports -> params -> recursion check -> check and lower -> passes
// -> emit. The front end runs on a thread with a large stack: the AST walks
// are recursive, and the parser's input limits bound their depth well
// within it.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"

#include "compiler/backend/backend.h"
#include "compiler/front/diagnostics.h"
#include "compiler/front/parser.h"
#include "compiler/lower/lower.h"
#include "compiler/sema/modules.h"
#include "compiler/sema/recursion.h"
#include "compiler/sema/types.h"
#include "vm/bytecode/serialize.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <functional>
#include <pthread.h>
#include <sstream>

namespace smpc::compiler {

namespace {

constexpr size_t kStackBytes = size_t(256) << 20;

/// Runs `fn` on a thread with a kStackBytes stack (only touched pages are
/// committed), or inline if such a thread cannot be created.
/// An exception (e.g. std::bad_alloc) is carried back to the caller.
void withBigStack(const std::function<void()> &fn) {
  struct Job {
    const std::function<void()> *fn;
    std::exception_ptr error;
  } job{&fn, nullptr};
  auto tramp = [](void *p) -> void * {
    auto *j = static_cast<Job *>(p);
    try {
      (*j->fn)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_t th;
  bool started = false;
  if (pthread_attr_init(&attr) == 0) {
    started = pthread_attr_setstacksize(&attr, kStackBytes) == 0 &&
              pthread_create(&th, &attr, tramp, &job) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) {
    fn();
    return;
  }
  pthread_join(th, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

bool wants(const std::vector<std::string> &list, const std::string &name) {
  for (const auto &s : list)
    if (s == name || s == "all") return true;
  return false;
}

/// Checks the --dump-ir-after names: "lower", "all" or a registered pass.
bool validDumps(const Options &opts, std::ostream &diags) {
  std::vector<std::string> known{"lower", "all"};
  for (const auto &p : backend::passNames())
    known.push_back(p);
  for (const auto &d : opts.dumpIrAfter)
    if (std::find(known.begin(), known.end(), d) == known.end()) {
      std::string list;
      for (const auto &k : known)
        list += (list.empty() ? "" : ", ") + k;
      front::Diagnostics(diags, opts.color).emit({}, front::diag::UnknownDumpPass, d, list);
      return false;
    }
  return true;
}

/// Front end: source to a verified, lowered module. Returns false after
/// printing diagnostics.
bool frontEnd(const std::string &path, const std::string &source, const Options &opts,
              std::ostream &diags, ir::Module &mod) {
  if (!validDumps(opts, diags)) return false;
  bool ok = false;
  withBigStack([&] {
    front::Diagnostics d(diags, opts.color);
    sema::SemaProgram prog;
    if (!sema::loadModules(d, path, source, opts.importPaths, defaultStdlibDir(), prog)) return;
    if (!sema::bindParams(d, opts.defines, prog)) return;
    // A -D that names no param is most likely a typo; say so, but go on.
    for (const auto &[name, value] : opts.defines) {
      bool declared = false;
      for (const auto &p : prog.modules[0]->params)
        declared |= p.name == name;
      if (!declared) d.emit({}, front::diag::UnusedDefine, name);
    }
    auto recursive = sema::findRecursion(d, prog);
    lower::lowerProgram(d, prog, recursive, opts.fracBits, mod);
    if (d.hasErrors()) return;
    std::string err = ir::verify(mod);
    if (!err.empty()) {
      diags << "smpcc: internal compiler error: the lowered IR is invalid: " << err << "\n";
      return;
    }
    if (wants(opts.dumpIrAfter, "lower")) {
      std::ostream &out = opts.dumpStream ? *opts.dumpStream : diags;
      out << "// -----// IR after lower //----- //\n" << ir::print(mod);
    }
    ok = true;
  });
  return ok;
}

bool optimise(ir::Module &mod, const Options &opts, std::ostream &diags) {
  backend::PassOptions po;
  po.optLevel = opts.optLevel;
  po.dumpAfter = opts.dumpIrAfter;
  po.dump = opts.dumpStream ? opts.dumpStream : &diags;
  std::string err = backend::runPasses(mod, po);
  if (!err.empty()) {
    diags << "smpcc: internal compiler error: " << err << "\n";
    return false;
  }
  return true;
}

} // namespace

std::string defaultStdlibDir() {
  if (const char *env = std::getenv("SMPC_STDLIB"); env && *env) return env;
  return SMPC_STDLIB_DIR;
}

std::optional<std::vector<InputSignature>> inspectInputs(const std::string &path,
                                                         const std::string &source,
                                                         const Options &opts, std::ostream &diags) {
  std::optional<std::vector<InputSignature>> out;
  withBigStack([&] {
    front::Diagnostics d(diags, opts.color);
    auto m = front::parseModule(d, d.addFile(path, source));
    if (!m) return;
    std::vector<InputSignature> sigs;
    for (const auto &in : m->inputs) {
      InputSignature s;
      s.name = in.name;
      s.party = in.party;
      s.elem = in.type.elem;
      if (auto t = sema::elemFromName(in.type.elem)) s.type = t->t.elem;
      for (const auto &dim : in.type.dims) {
        std::string p;
        if (dim->kind == front::ExprKind::Name)
          for (const auto &decl : m->params)
            if (decl.name == dim->name) {
              p = dim->name;
              if (decl.init) s.defaulted.push_back(p);
            }
        s.dimParams.push_back(p);
      }
      sigs.push_back(std::move(s));
    }
    out = std::move(sigs);
  });
  return out;
}

std::vector<std::string> declaredParams(const std::string &path, const std::string &source) {
  std::vector<std::string> out;
  withBigStack([&] {
    std::ostringstream sink;
    front::Diagnostics d(sink, false);
    if (auto m = front::parseModule(d, d.addFile(path, source)))
      for (const auto &p : m->params)
        out.push_back(p.name);
  });
  return out;
}

bool check(const std::string &path, const std::string &source, const Options &opts,
           std::ostream &diags) {
  ir::Module mod;
  return frontEnd(path, source, opts, diags, mod);
}

std::optional<Result> compile(const std::string &path, const std::string &source,
                              const Options &opts, std::ostream &diags) {
  ir::Module mod;
  if (!frontEnd(path, source, opts, diags, mod)) return std::nullopt;
  if (!optimise(mod, opts, diags)) return std::nullopt;
  Result r;
  r.program = backend::emit(mod);
  // The VM will verify the program again; checking here turns a program
  // over the format's limits (e.g. too many elements in total) into a
  // compile-time error instead of a load-time one.
  std::string err = bc::verifyProgram(r.program);
  if (!err.empty()) {
    front::Diagnostics(diags, opts.color).emit({}, front::diag::InvalidBytecodeOutput, err);
    return std::nullopt;
  }
  return r;
}

std::optional<CostReport> cost(const std::string &path, const std::string &source,
                               const Options &opts, uint32_t parties, std::ostream &diags,
                               bc::ProtocolId protocol) {
  ir::Module mod;
  if (!frontEnd(path, source, opts, diags, mod)) return std::nullopt;
  if (!optimise(mod, opts, diags)) return std::nullopt;
  // Every protocol needs its minimum of parties even when the program names
  // fewer (two for semi2k, three for rep3 and shamir).
  if (parties == 0)
    parties = std::max<uint32_t>(bc::info(protocol).minParties, backend::minParties(mod));
  backend::Cost c = backend::estimate(mod, parties, protocol);
  CostReport r;
  r.parties = parties;
  r.rounds = c.rounds;
  r.bytesPerParty = c.bytesPerParty;
  r.needs = c.needs;
  r.text = c.text;
  return r;
}

} // namespace smpc::compiler
