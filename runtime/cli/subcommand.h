//===- subcommand.h - one entry of the `smpc` subcommand table ------------===//
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smpc::cli {

/// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;  // the program, its data or the run failed
inline constexpr int kExitUsage = 2; // bad command line

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string> &args); // args after the subcommand name
};

} // namespace smpc::cli
