//===- api.cpp - the compiler pipeline behind compiler/api.h --------------===//
//
// parse + imports -> params -> recursion check -> check and lower -> passes
// -> emit. The front end runs on a thread with a large stack, one for the
// whole process: the AST walks are recursive, and the parser's input
// limits bound their depth well within it.
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
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <sstream>
#include <unistd.h>

namespace smpc::compiler {

namespace {

constexpr size_t kStackBytes = size_t(256) << 20;

/// One long-lived thread with a kStackBytes stack that runs front ends in
/// turn. A tool compiles once, but a fuzzer, a test suite or a server
/// compiles over and over, and a fresh 256 MiB-stack thread per call cost
/// more than the compilation (under ASan, several milliseconds each).
/// Never destroyed: it may still wait for work when the process exits.
class BigStackThread {
public:
  /// Started once per process; nullptr if the thread cannot be created.
  static BigStackThread *get() {
    static BigStackThread *t = [] {
      auto *b = new BigStackThread;
      if (b->start()) return b;
      delete b;
      return static_cast<BigStackThread *>(nullptr);
    }();
    // A forked child (no exec) has no such thread: it runs its own.
    return t && t->pid_ == ::getpid() ? t : nullptr;
  }

  /// Runs `fn` there, one caller at a time; its exception is carried back.
  void run(const std::function<void()> &fn) {
    std::lock_guard one(callers_);
    std::exception_ptr error;
    {
      std::unique_lock lk(mu_);
      job_ = &fn;
      error_ = nullptr;
      cv_.notify_all();
      cv_.wait(lk, [&] { return job_ == nullptr; });
      error = error_;
    }
    if (error) std::rethrow_exception(error);
  }

  /// True on the thread itself (nested calls run inline).
  static bool onIt() { return tOnIt; }

private:
  bool start() {
    pid_ = ::getpid();
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return false;
    pthread_t th;
    const bool ok = pthread_attr_setstacksize(&attr, kStackBytes) == 0 &&
                    pthread_create(&th, &attr, &BigStackThread::loop, this) == 0;
    pthread_attr_destroy(&attr);
    if (ok) pthread_detach(th);
    return ok;
  }

  static void *loop(void *self) {
    auto *t = static_cast<BigStackThread *>(self);
    tOnIt = true;
    std::unique_lock lk(t->mu_);
    while (true) {
      t->cv_.wait(lk, [&] { return t->job_ != nullptr; });
      try {
        (*t->job_)();
      } catch (...) {
        t->error_ = std::current_exception();
      }
      t->job_ = nullptr;
      t->cv_.notify_all();
    }
  }

  static thread_local bool tOnIt;
  pid_t pid_ = 0;
  std::mutex callers_; // one job at a time
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void()> *job_ = nullptr;
  std::exception_ptr error_;
};

thread_local bool BigStackThread::tOnIt = false;

/// Runs `fn` on a thread with a kStackBytes stack (only touched pages are
/// committed), or inline if such a thread cannot be created.
/// An exception (e.g. std::bad_alloc) is carried back to the caller.
void withBigStack(const std::function<void()> &fn) {
  if (BigStackThread::onIt()) {
    fn();
    return;
  }
  if (BigStackThread *t = BigStackThread::get()) {
    t->run(fn);
    return;
  }
  // A forked child, or no thread: one for this call.
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
