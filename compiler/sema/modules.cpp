//===- modules.cpp - the main file, its imports and its parameters --------===//
#include "compiler/sema/modules.h"

#include "compiler/front/parser.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

namespace smpc::sema {

namespace fs = std::filesystem;

namespace {
constexpr BuiltinInfo kBuiltins[] = {
#define SMPC_BUILTIN(Name, Min, Max, Axis) {Name, Min, Max, Axis != 0},
#include "compiler/sema/builtins.def"
};
} // namespace

const BuiltinInfo *builtinInfo(const std::string &n) {
  for (const BuiltinInfo &b : kBuiltins)
    if (n == b.name) return &b;
  return nullptr;
}

bool isBuiltinName(const std::string &n) {
  return builtinInfo(n) != nullptr;
}

static bool readFile(const fs::path &p, std::string &out) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

namespace {

/// Imported files parsed once per process. A node, a test suite or a fuzzer
/// compiles many programs that import the same stdlib modules, and parsing
/// those (tens of KB) cost more than the rest of the compilation. An entry
/// is reused for the same path and the same text only, and only if parsing
/// it reported nothing, so every compilation reports exactly what it would
/// without the cache. Lowering reads the AST only (const), and one entry
/// may serve several threads.
class ImportCache {
public:
  struct Entry {
    std::shared_ptr<const std::string> text; // the AST's locations point into it
    std::shared_ptr<const front::Module> module;
  };

  std::optional<Entry> find(const std::string &path, const std::string &text) {
    std::lock_guard lk(mu_);
    auto it = entries_.find(path);
    if (it == entries_.end() || *it->second.text != text) return std::nullopt;
    return it->second;
  }

  void put(const std::string &path, Entry e) {
    std::lock_guard lk(mu_);
    if (auto it = entries_.find(path); it != entries_.end()) {
      bytes_ -= it->second.text->size();
      entries_.erase(it);
    }
    if (e.text->size() > kMaxBytes) return;
    // Bounded, for a long-running process that imports ever new files:
    // start over when full.
    if (bytes_ + e.text->size() > kMaxBytes) {
      entries_.clear();
      bytes_ = 0;
    }
    bytes_ += e.text->size();
    entries_.emplace(path, std::move(e));
  }

  static ImportCache &get() {
    static auto *cache = new ImportCache; // never destroyed: compiles may run at exit
    return *cache;
  }

private:
  static constexpr size_t kMaxBytes = size_t(1) << 20; // of source text (the stdlib: ~50 KB)
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  size_t bytes_ = 0;
};

/// Parses the imported file `path` with contents `text`, or takes it from
/// the cache. Returns nullptr after reporting its syntax errors.
std::shared_ptr<const front::Module> parseImport(front::Diagnostics &d, const std::string &path,
                                                 std::string text) {
  ImportCache &cache = ImportCache::get();
  if (auto hit = cache.find(path, text)) {
    d.addSharedFile(path, hit->text);
    return hit->module;
  }
  auto shared = std::make_shared<const std::string>(std::move(text));
  const unsigned errors = d.errorCount(), warnings = d.warningCount();
  std::shared_ptr<front::Module> m = front::parseModule(d, d.addSharedFile(path, shared));
  if (!m) return nullptr;
  for (auto &f : m->fns)
    f->imported = true;
  if (d.errorCount() == errors && d.warningCount() == warnings) cache.put(path, {shared, m});
  return m;
}

} // namespace

static void addFns(front::Diagnostics &d, const front::Module &m, SemaProgram &out) {
  for (const auto &f : m.fns) {
    if (isBuiltinName(f->name)) {
      d.emit(f->loc, front::diag::FunctionNamedLikeBuiltin, f->name);
      continue;
    }
    auto [it, fresh] = out.fns.emplace(f->name, f.get());
    if (!fresh) {
      d.emit(f->loc, front::diag::FunctionRedefined, f->name);
      d.emit(it->second->loc, front::diag::FirstDefinitionHere);
    }
  }
}

bool loadModules(front::Diagnostics &d, const std::string &path, const std::string &source,
                 const std::vector<std::string> &importPaths, const std::string &stdlibDir,
                 SemaProgram &out) {
  bool ok = true;
  auto main = front::parseModule(d, d.addFile(path, source));
  if (!main) return false;
  std::set<std::string> loaded; // canonical paths of imported files
  std::error_code ec;
  loaded.insert(fs::weakly_canonical(path, ec).string());
  out.modules.push_back(std::move(main));
  addFns(d, *out.modules[0], out);

  // Breadth-first over imports; each file is loaded once, so import cycles
  // are harmless.
  for (size_t i = 0; i < out.modules.size(); ++i) {
    std::vector<front::ImportDecl> imports = out.modules[i]->imports;
    fs::path here = fs::path(out.modules[i]->path).parent_path();
    for (const auto &imp : imports) {
      std::vector<fs::path> dirs;
      dirs.push_back(here.empty() ? fs::path(".") : here);
      for (const auto &p : importPaths)
        dirs.push_back(p);
      dirs.push_back(stdlibDir);
      std::string text;
      fs::path found;
      for (const auto &dir : dirs)
        if (readFile(dir / (imp.name + ".smpc"), text)) {
          found = dir / (imp.name + ".smpc");
          break;
        }
      if (found.empty()) {
        std::string searched;
        for (const auto &dir : dirs)
          searched += (searched.empty() ? "" : ", ") + dir.string();
        d.emit(imp.loc, front::diag::ModuleNotFound, imp.name, searched);
        ok = false;
        continue;
      }
      std::string canon = fs::weakly_canonical(found, ec).string();
      if (!loaded.insert(canon).second) continue;
      auto m = parseImport(d, found.string(), std::move(text));
      if (!m) {
        ok = false;
        continue;
      }
      for (const auto &p : m->params)
        d.emit(p.loc, front::diag::ParamInImportedModule, p.name);
      for (const auto &in : m->inputs)
        d.emit(in.loc, front::diag::InputInImportedModule, in.name);
      out.modules.push_back(std::move(m));
      addFns(d, *out.modules.back(), out);
    }
  }
  // Duplicate or misnamed functions are reported but checking goes on;
  // a file that does not parse or cannot be found stops it.
  return ok;
}

bool bindParams(front::Diagnostics &d, const std::map<std::string, int64_t> &defines,
                SemaProgram &p) {
  bool allBound = true;
  for (const auto &param : p.modules[0]->params) {
    // A wrong type is reported, but the value is still bound so that the
    // rest of the program can be checked.
    if (param.type.elem != "int" || !param.type.dims.empty())
      d.emit(param.type.loc, front::diag::ParamNotInt, param.name);
    if (p.params.count(param.name)) {
      d.emit(param.loc, front::diag::ParamRedeclared, param.name);
      continue;
    }
    auto it = defines.find(param.name);
    if (it != defines.end()) {
      p.params[param.name] = it->second;
    } else if (param.init) {
      if (auto v = evalConst(d, *param.init, p.params, "a param default"))
        p.params[param.name] = *v;
      else
        allBound = false;
    } else {
      d.emit(param.loc, front::diag::ParamWithoutValue, param.name);
      allBound = false;
    }
  }
  return allBound;
}

} // namespace smpc::sema
