// Every option and every command of `pumpcds`, each described once. The parser (cli/config.cpp), the
// --help text and the options table of docs/configuration.md are all made from these two tables, so an
// option is added in one place: one row of optionSpecs().
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config.h"

namespace pumpcds::cli {

/// The commands an option belongs to, as bits.
enum CommandBit : unsigned {
  kServe = 1U << 0,
  kEvaluate = 1U << 1,
  kCheck = 1U << 2,
  kPrecheck = 1U << 3,
  kPolicies = 1U << 4,
  kCodes = 1U << 5,
  kAudit = 1U << 6,
  kFeedback = 1U << 7,
  kEveryCommand = 0xffU,
};

struct OptionSpec {
  std::string_view flag;       ///< "--port"
  std::string_view value_name; ///< "N" in "--port N"; "" for a switch
  /// The --config file key ("port"), and with it the environment variable (PUMPCDS_PORT); "" for an
  /// option given only on the command line.
  std::string_view key;
  unsigned commands;              ///< CommandBit: where it may be given
  std::string_view section;       ///< the heading it is listed under in --help
  std::string_view default_value; ///< what holds without it, in words
  std::string_view help;
  /// Applies one value (from the file, the environment or the flag; "" for a bare switch). `where` names
  /// the source for errors: "--port", "PUMPCDS_PORT" or "FILE: port".
  Status (*apply)(Config& config, const std::string& value, const std::string& where);
  bool repeatable = false; ///< each use adds a value
};

struct CommandSpec {
  std::string_view name;
  CommandBit bit;
  std::string_view synopsis; ///< the usage line(s) after "usage: pumpcds "
  std::string_view summary;  ///< one line for `pumpcds --help`
  std::string_view description;
  std::string_view exit_status;
  int (*run)(const Config& config, std::ostream& out, std::ostream& err); ///< returns the exit status
};

const std::vector<OptionSpec>& optionSpecs();
const std::vector<CommandSpec>& commandSpecs();
const CommandSpec* findCommand(std::string_view name);

/// PUMPCDS_<KEY>: the environment variable of a config key.
std::string environmentVariable(std::string_view key);
/// "serve, evaluate or check": the commands in `commands`.
std::string commandList(unsigned commands);

/// The --help text of a command ("" for the overview).
std::string usage(const std::string& command);
/// The options table of docs/configuration.md (Markdown), printed by `pumpcds help options`.
std::string optionsTable();

} // namespace pumpcds::cli
