//===- source_check.h - reject files that are not UTF-8 text --------------===//
#pragma once

#include "compiler/front/diagnostics.h"

namespace smpc::front {

/// Checks that buffer `id` is valid UTF-8 without control bytes other than
/// tab, CR and LF. Reports the first offending byte (offset and line) and
/// returns false; a binary file would otherwise flood the user with errors.
bool checkSourceText(Diagnostics &diags, unsigned id);

} // namespace smpc::front
