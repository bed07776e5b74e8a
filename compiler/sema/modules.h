//===- modules.h - the main file, its imports and its parameters ----------===//
#pragma once

#include "compiler/front/ast.h"
#include "compiler/front/diagnostics.h"
#include "compiler/sema/const_eval.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace smpc::sema {

struct SemaProgram {
  // [0] is the main file; imported modules may be shared with other
  // compilations (parsed once per process), hence const.
  std::vector<std::shared_ptr<const front::Module>> modules;
  std::map<std::string, const front::FnDecl *> fns; // every function, by name
  ConstEnv params;                                  // bound parameter values
};

/// Parses `path` and, transitively, every module it imports (searching the
/// importing file's directory, then `importPaths`, then `stdlibDir`). Reports
/// duplicate functions and declarations imports may not contain. Returns
/// false when a file does not parse or an import is missing.
bool loadModules(front::Diagnostics &d, const std::string &path, const std::string &source,
                 const std::vector<std::string> &importPaths, const std::string &stdlibDir,
                 SemaProgram &out);

/// Binds every `param` of the main file: -D value, else its default, else an
/// error saying which -D to pass. Returns false when some param has no value
/// (sizes would be unknown, so checking stops there).
bool bindParams(front::Diagnostics &d, const std::map<std::string, int64_t> &defines,
                SemaProgram &p);

/// Names that user functions may not take: the builtins (builtins.def).
bool isBuiltinName(const std::string &name);

/// A builtin's signature from builtins.def.
struct BuiltinInfo {
  const char *name;
  unsigned minArgs, maxArgs; // positional arguments
  bool axis;                 // also takes `axis=`
};
/// nullptr when `name` is not a builtin.
const BuiltinInfo *builtinInfo(const std::string &name);

} // namespace smpc::sema
