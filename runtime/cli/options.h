//===- options.h - the option table of one command, parsed one way -------===//
//
// Every subcommand of `smpc` and `smpcc` declares its options in one
// OptionTable: spelling, value name, help line, and what to do with the
// value. Options that several commands take are declared once in
// shared_options.h. Parsing is Boost.Program_options; `--help` and every
// usage error are generated from the table, so all commands word them alike.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::cli {

/// Exit codes of every command of `smpc` and `smpcc`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;  // the program, its data or the run failed
inline constexpr int kExitUsage = 2; // bad command line

/// A bad command line. The message is one sentence without the
/// `tool: error:` prefix; value checks throw it from their handlers.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class OptionTable {
public:
  /// `tool` is "smpc" or "smpcc", `command` the subcommand ("run"),
  /// `synopsis` what follows the command in the usage line and `summary`
  /// the one-line description --help prints under it.
  OptionTable(std::string tool, std::string command, std::string synopsis, std::string summary);

  // Spellings: "name" (--name), "name,x" (--name and -x) or ",x" (-x only).
  // Handlers receive the value as typed and throw UsageError when it is bad.

  /// A switch without a value.
  OptionTable &flag(const std::string &spelling, const std::string &help, bool &out);
  /// An option with a value, given at most once.
  OptionTable &value(const std::string &spelling, const std::string &valueName,
                     const std::string &help, std::function<void(const std::string &)> set);
  /// An option with a value that may be repeated; `add` runs once per use,
  /// in command-line order.
  OptionTable &repeated(const std::string &spelling, const std::string &valueName,
                        const std::string &help, std::function<void(const std::string &)> add);
  /// A string value.
  OptionTable &text(const std::string &spelling, const std::string &valueName,
                    const std::string &help, std::string &out);
  /// An integer value in [min, max].
  OptionTable &number(const std::string &spelling, const std::string &valueName,
                      const std::string &help, uint64_t &out, uint64_t min, uint64_t max);
  /// One of `choices`; the value name in --help lists them.
  OptionTable &choice(const std::string &spelling, const std::string &help, std::string &out,
                      std::vector<std::string> choices);
  /// Makes the option declared last mandatory.
  OptionTable &required();

  /// The operand (the argument that is no option), e.g. "PROG" described as
  /// "a program". Commands without operand() take none.
  OptionTable &operand(const std::string &name, const std::string &noun, const std::string &help,
                       std::string &out, bool required = true);

  /// Parses the arguments after the command name. Returns nullopt when the
  /// command should go on; otherwise the exit code, after printing --help
  /// (kExitOk) or `tool: error: ...` (kExitUsage) to stderr.
  std::optional<int> parse(const std::vector<std::string> &args);

  /// The --help text, generated from the table.
  std::string help() const;

  /// True if the option (named by its spelling, e.g. "frac-bits") was given.
  bool given(std::string_view spelling) const;

private:
  struct Option {
    std::string longName;  // "" when short only
    char shortName = 0;    // 0 when long only
    std::string valueName; // "" for a flag
    std::string help;
    std::function<void(const std::string &)> handle;
    bool *flagOut = nullptr;
    bool repeat = false, mandatory = false, seen = false;
    std::string spelling() const; // "--name" or "-x", as messages name it
  };
  struct Operand {
    std::string name, noun, help;
    std::string *out = nullptr;
    bool mandatory = true;
  };
  Option &add(const std::string &spelling, const std::string &valueName, const std::string &help);
  Option *find(const std::string &key);
  void parseOrThrow(const std::vector<std::string> &args);

  std::string tool_, command_, synopsis_, summary_;
  std::vector<Option> options_;
  std::optional<Operand> operand_;
};

} // namespace smpc::cli
