//===- options.cpp - OptionTable: Boost.Program_options behind one table --===//
//
// Boost tokenizes (--name=value, --name value, -xVALUE, -x VALUE, --); this
// file turns its result and its exceptions into the table's handlers and
// into messages in the project's words, naming options as the user typed
// them.
//===----------------------------------------------------------------------===//
#include "runtime/cli/options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <iostream>
#include <sstream>

namespace smpc::cli {

namespace po = boost::program_options;

namespace {

// The hidden option Boost collects operands into; no user types this.
constexpr const char *kOperandKey = "smpc-operand--";

std::string joinOr(const std::vector<std::string> &items, const std::string &last) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i)
    s += (i == 0 ? "" : i + 1 == items.size() ? " " + last + " " : ", ") + items[i];
  return s;
}

} // namespace

std::string OptionTable::Option::spelling() const {
  return longName.empty() ? std::string("-") + shortName : "--" + longName;
}

OptionTable::OptionTable(std::string tool, std::string command, std::string synopsis,
                         std::string summary)
    : tool_(std::move(tool)), command_(std::move(command)), synopsis_(std::move(synopsis)),
      summary_(std::move(summary)) {}

OptionTable::Option &OptionTable::add(const std::string &spelling, const std::string &valueName,
                                      const std::string &help) {
  Option o;
  size_t comma = spelling.find(',');
  o.longName = spelling.substr(0, comma);
  if (comma != std::string::npos && comma + 1 < spelling.size()) o.shortName = spelling[comma + 1];
  o.valueName = valueName;
  o.help = help;
  options_.push_back(std::move(o));
  return options_.back();
}

OptionTable &OptionTable::flag(const std::string &spelling, const std::string &help, bool &out) {
  add(spelling, "", help).flagOut = &out;
  return *this;
}

OptionTable &OptionTable::value(const std::string &spelling, const std::string &valueName,
                                const std::string &help,
                                std::function<void(const std::string &)> set) {
  add(spelling, valueName, help).handle = std::move(set);
  return *this;
}

OptionTable &OptionTable::repeated(const std::string &spelling, const std::string &valueName,
                                   const std::string &help,
                                   std::function<void(const std::string &)> add_) {
  Option &o = add(spelling, valueName, help);
  o.handle = std::move(add_);
  o.repeat = true;
  return *this;
}

OptionTable &OptionTable::text(const std::string &spelling, const std::string &valueName,
                               const std::string &help, std::string &out) {
  return value(spelling, valueName, help, [&out](const std::string &v) { out = v; });
}

OptionTable &OptionTable::number(const std::string &spelling, const std::string &valueName,
                                 const std::string &help, uint64_t &out, uint64_t min,
                                 uint64_t max) {
  Option &o = add(spelling, valueName, help);
  std::string name = o.spelling();
  o.handle = [&out, min, max, name](const std::string &v) {
    uint64_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || n < min || n > max) {
      std::string range =
          max == UINT64_MAX
              ? (min == 0   ? "a non-negative integer"
                 : min == 1 ? "a positive integer"
                            : "an integer of at least " + std::to_string(min))
              : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
      throw UsageError(name + " takes " + range + ", got '" + v + "'");
    }
    out = n;
  };
  return *this;
}

OptionTable &OptionTable::choice(const std::string &spelling, const std::string &help,
                                 std::string &out, std::vector<std::string> choices) {
  std::string names;
  for (const auto &c : choices)
    names += (names.empty() ? "" : "|") + c;
  Option &o = add(spelling, names, help);
  std::string name = o.spelling();
  o.handle = [&out, choices, name](const std::string &v) {
    if (std::find(choices.begin(), choices.end(), v) == choices.end())
      throw UsageError(name + " takes " + joinOr(choices, "or") + ", got '" + v + "'");
    out = v;
  };
  return *this;
}

OptionTable &OptionTable::required() {
  options_.back().mandatory = true;
  return *this;
}

OptionTable &OptionTable::operand(const std::string &name, const std::string &noun,
                                  const std::string &help, std::string &out, bool required) {
  operand_ = Operand{name, noun, help, &out, required};
  return *this;
}

OptionTable::Option *OptionTable::find(const std::string &key) {
  for (Option &o : options_)
    if ((key.size() == 2 && key[0] == '-' && o.longName.empty() && key[1] == o.shortName) ||
        (!o.longName.empty() && key == o.longName))
      return &o;
  return nullptr;
}

bool OptionTable::given(std::string_view spelling) const {
  for (const Option &o : options_) {
    std::string s = o.longName + (o.shortName ? std::string(",") + o.shortName : "");
    if (s == spelling || o.longName == spelling) return o.seen;
  }
  return false;
}

std::string OptionTable::help() const {
  std::ostringstream h;
  h << "usage: " << tool_ << " " << command_ << (synopsis_.empty() ? "" : " ") << synopsis_ << "\n"
    << summary_ << "\n";
  std::vector<std::pair<std::string, std::string>> rows;
  if (operand_) rows.emplace_back(operand_->name, operand_->help);
  for (const Option &o : options_) {
    std::string left;
    if (o.shortName) left += std::string("-") + o.shortName;
    if (o.shortName && !o.longName.empty()) left += ", ";
    if (!o.longName.empty()) left += "--" + o.longName;
    if (!o.valueName.empty()) left += " " + o.valueName;
    rows.emplace_back(left, o.help + (o.mandatory ? " (required)" : ""));
  }
  rows.emplace_back("-h, --help", "print this help");
  size_t width = 0;
  for (const auto &r : rows)
    width = std::max(width, std::min<size_t>(r.first.size(), 28));
  bool optionsHeader = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!optionsHeader && !(operand_ && i == 0)) {
      h << "\noptions:\n";
      optionsHeader = true;
    } else if (i == 0) {
      h << "\n";
    }
    const auto &[left, text] = rows[i];
    h << "  " << left;
    std::string indent(width + 4, ' ');
    if (left.size() > width)
      h << "\n" << indent;
    else
      h << std::string(width + 2 - left.size(), ' ');
    for (char c : text)
      h << c << (c == '\n' ? indent : "");
    h << "\n";
  }
  return h.str();
}

void OptionTable::parseOrThrow(const std::vector<std::string> &args) {
  po::options_description desc;
  for (const Option &o : options_) {
    std::string name = o.longName + (o.shortName ? std::string(",") + o.shortName : "");
    if (o.valueName.empty())
      desc.add_options()(name.c_str(), "");
    else
      desc.add_options()(name.c_str(), po::value<std::string>(), "");
  }
  desc.add_options()(kOperandKey, po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add(kOperandKey, -1);

  // Names an option as the user typed it: the last token that spells it.
  auto typed = [&](const std::string &canonical) {
    std::string key = canonical.substr(canonical.find_first_not_of('-'));
    for (const Option &o : options_)
      if (o.longName == key || (o.longName.empty() && key.size() == 1 && key[0] == o.shortName))
        for (auto it = args.rbegin(); it != args.rend(); ++it) {
          if (o.shortName && it->rfind(std::string("-") + o.shortName, 0) == 0 &&
              it->rfind("--", 0) != 0)
            return std::string("-") + o.shortName;
          if (!o.longName.empty() && *it == "--" + o.longName) return "--" + o.longName;
        }
    return canonical;
  };

  po::parsed_options parsed(&desc);
  try {
    parsed =
        po::command_line_parser(args)
            .options(desc)
            .positional(pos)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run();
  } catch (const po::unknown_option &e) {
    throw UsageError("unknown option '" + e.get_option_name() + "' for `" + tool_ + " " + command_ +
                     "` (see " + tool_ + " " + command_ + " --help)");
  } catch (const po::invalid_command_line_syntax &e) {
    const std::string name = typed(e.get_option_name());
    if (e.kind() == po::invalid_command_line_syntax::missing_parameter ||
        e.kind() == po::invalid_command_line_syntax::empty_adjacent_parameter)
      throw UsageError(name + " needs a value");
    if (e.kind() == po::invalid_command_line_syntax::extra_parameter)
      throw UsageError(name + " takes no value");
    throw UsageError(std::string(e.what()) + " (see " + tool_ + " " + command_ + " --help)");
  } catch (const po::error &e) {
    throw UsageError(std::string(e.what()) + " (see " + tool_ + " " + command_ + " --help)");
  }

  std::vector<std::string> operands;
  for (const po::option &po : parsed.options) {
    if (po.string_key == kOperandKey) {
      operands.insert(operands.end(), po.value.begin(), po.value.end());
      continue;
    }
    Option *o = find(po.string_key);
    if (!o) // Boost only returns declared options
      throw UsageError("unknown option '" + po.string_key + "' for `" + tool_ + " " + command_ +
                       "`");
    std::string name = po.original_tokens.empty() ? o->spelling() : po.original_tokens[0];
    if (name.rfind("--", 0) == 0)
      name = name.substr(0, name.find('='));
    else if (name.size() > 2)
      name = name.substr(0, 2);
    if (o->seen && !o->repeat) throw UsageError(name + " is given twice; give it once");
    o->seen = true;
    if (o->flagOut) {
      *o->flagOut = true;
      continue;
    }
    const std::string v = po.value.empty() ? "" : po.value[0];
    // `--output-json --stats`: Boost takes the next option as the value;
    // the user forgot the value.
    if (po.original_tokens.size() == 2 && !v.empty() && v[0] == '-') {
      std::string key = v.substr(0, v.find('='));
      key =
          key.substr(key.find_first_not_of('-') == std::string::npos ? key.size()
                                                                     : key.find_first_not_of('-'));
      if ((v.rfind("--", 0) == 0 && find(key)) ||
          (v.size() == 2 && v[0] == '-' && find(std::string("-") + v[1])) || v == "-h" ||
          v == "--help")
        throw UsageError(name + " needs a value");
    }
    o->handle(v);
  }

  std::vector<std::string> missing;
  for (const Option &o : options_)
    if (o.mandatory && !o.seen) missing.push_back(o.spelling() + " " + o.valueName);
  const std::string self = "`" + tool_ + " " + command_ + "`";
  if (!missing.empty())
    throw UsageError(self + " needs " + joinOr(missing, "and") + " (see " + tool_ + " " + command_ +
                     " --help)");
  if (!operand_) {
    if (!operands.empty())
      throw UsageError(self + " takes no arguments, got '" + operands[0] + "'");
    return;
  }
  if (operands.size() > 1)
    throw UsageError(self + " takes one " + operand_->noun.substr(operand_->noun.find(' ') + 1) +
                     ", got '" + operands[0] + "' and '" + operands[1] + "'");
  if (operands.empty()) {
    if (operand_->mandatory)
      throw UsageError(self + " needs " + operand_->noun + ": " + tool_ + " " + command_ + " " +
                       synopsis_);
    return;
  }
  *operand_->out = operands[0];
}

std::optional<int> OptionTable::parse(const std::vector<std::string> &args) {
  for (const std::string &a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      std::cout << help();
      return kExitOk;
    }
  }
  try {
    parseOrThrow(args);
  } catch (const UsageError &e) {
    std::cerr << (tool_ + ": error: " + e.what() + "\n");
    return kExitUsage;
  }
  return std::nullopt;
}

} // namespace smpc::cli
