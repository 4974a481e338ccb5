#include "cli/config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>

#include "base/text.h"
#include "cli/options.h"
#include "fhir/json_read.h"

namespace pumpcds::cli {
namespace {

std::string knownConfigKeys() {
  std::string keys;
  for (const auto& spec : optionSpecs()) {
    if (!spec.key.empty()) {
      keys += (keys.empty() ? "" : ", ") + std::string(spec.key);
    }
  }
  return keys;
}

// The option whose `field` (&OptionSpec::flag, &OptionSpec::key) is `value`; an empty value names none.
const OptionSpec* findOption(std::string_view OptionSpec::*field, std::string_view value) {
  for (const auto& spec : optionSpecs()) {
    if (!value.empty() && spec.*field == value) {
      return &spec;
    }
  }
  return nullptr;
}

// One environment and one config file serve every command: a setting another command uses is not read,
// so not refused, for this one.
Status applyConfigFile(Config& config, const std::string& path, const CommandSpec& command) {
  const auto read = base::readWholeFile(path);
  if (!read) {
    return invalidArgument("--config: cannot read '" + path + "'");
  }
  const std::string& content = *read;
  rapidjson::Document document;
  document.Parse(content.data(), content.size());
  if (document.HasParseError()) {
    return invalidArgument(path + ": " + fhir::describeParseError(document, content));
  }
  if (!document.IsObject()) {
    return invalidArgument(path + ": expected a JSON object of settings");
  }
  for (const auto& member : document.GetObject()) {
    const std::string key = member.name.GetString();
    const OptionSpec* spec = findOption(&OptionSpec::key, key);
    if (spec == nullptr) {
      return invalidArgument(path + ": unknown key '" + key + "' (known: " + knownConfigKeys() + ")");
    }
    if ((spec->commands & command.bit) == 0) {
      continue;
    }
    std::string value;
    if (member.value.IsString()) {
      value = member.value.GetString();
    } else if (member.value.IsInt64()) {
      value = std::to_string(member.value.GetInt64());
    } else if (member.value.IsBool()) {
      value = member.value.GetBool() ? "true" : "false";
    } else if (member.value.IsArray() && key == "fhir_server_allow") {
      for (const auto& host : member.value.GetArray()) {
        if (!host.IsString()) {
          return invalidArgument(path + ": key '" + key + "' must list host names as strings");
        }
        value += std::string(value.empty() ? "" : ",") + host.GetString();
      }
    } else {
      return invalidArgument(path + ": key '" + key + "' must be a string, a whole number or true/false");
    }
    PUMPCDS_RETURN_IF_ERROR(spec->apply(config, value, path + ": " + key));
  }
  return {};
}

// Where the store lives unless told: the XDG state directory of the user running it, or /var/lib.
std::string defaultDataDir(const std::vector<std::string>& environment) {
  std::string state;
  std::string home;
  for (const auto& entry : environment) {
    if (entry.rfind("XDG_STATE_HOME=", 0) == 0) {
      state = entry.substr(15);
    } else if (entry.rfind("HOME=", 0) == 0) {
      home = entry.substr(5);
    }
  }
  if (!state.empty()) {
    return state + "/pumpcds";
  }
  return home.empty() ? "/var/lib/pumpcds" : home + "/.local/state/pumpcds";
}

// What a precheck needs: one population, something to check, somewhere to write; or `merge DIR...`.
Status checkPrecheck(Config& config, const std::vector<std::string>& positional) {
  if (config.precheck.out_dir.empty()) {
    return invalidArgument("precheck needs --out DIR: where results.ndjson, summary.csv and report.html go");
  }
  if (!positional.empty() && positional.front() == "merge") {
    if (positional.size() < 2) {
      return invalidArgument("precheck merge takes the --out directories of the shard runs");
    }
    config.precheck.merge_dirs.assign(positional.begin() + 1, positional.end());
    return {};
  }
  if (!positional.empty()) {
    return invalidArgument("unexpected argument '" + positional.front() + "' for 'precheck'");
  }
  const int populations = static_cast<int>(!config.precheck.bulk_dir.empty()) +
                          static_cast<int>(!config.precheck.bundles_dir.empty()) +
                          static_cast<int>(!config.source.fhir_server.empty());
  if (populations != 1) {
    return invalidArgument(
        "precheck needs exactly one population: --bulk DIR, --bundles DIR or --fhir-server "
        "URL with --patient ID... or --group ID");
  }
  if (!config.source.fhir_server.empty() && config.source.patients.empty() == config.precheck.group.empty()) {
    return invalidArgument("precheck --fhir-server needs --patient ID (repeatable) or --group ID, not both");
  }
  if (config.source.fhir_server.empty() &&
      (!config.source.patients.empty() || !config.precheck.group.empty())) {
    return invalidArgument("--patient and --group go with --fhir-server");
  }
  if (config.source.order_codes.empty() && !config.precheck.own_orders) {
    return invalidArgument("precheck needs --order CODE (a hypothetical order for everyone) or --own-orders "
                           "(each patient's own pump orders), or both");
  }
  if (config.precheck.own_orders && !config.source.fhir_server.empty()) {
    return invalidArgument("--own-orders reads a bulk export or bundles; with --fhir-server give --order");
  }
  return {};
}

} // namespace

Result<Config> parseConfig(const std::vector<std::string>& arguments,
                           const std::vector<std::string>& environment) {
  Config config;
  if (arguments.empty()) {
    config.command = "help";
    return config;
  }
  config.command = arguments.front();
  if (config.command == "--help" || config.command == "-h" || config.command == "help") {
    config.command = "help";
    config.help_topic = arguments.size() > 1 ? arguments[1] : "";
    if (!config.help_topic.empty() && config.help_topic != "options" &&
        findCommand(config.help_topic) == nullptr) {
      return invalidArgument("no help on '" + config.help_topic + "' (try a command's name, or options)");
    }
    return config;
  }
  if (config.command == "--version" || config.command == "version") {
    config.command = "version";
    return config;
  }
  const CommandSpec* command = findCommand(config.command);
  if (command == nullptr) {
    std::string known;
    for (const auto& each : commandSpecs()) {
      known += (known.empty() ? "" : ", ") + std::string(each.name);
    }
    return invalidArgument("unknown command '" + config.command + "' (expected " + known + ")");
  }
  // Flags are read first only to find --config; they are applied last so that they win.
  std::vector<std::pair<const OptionSpec*, std::string>> flags;
  std::vector<std::string> positional;
  for (size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i] == "-h" ? std::string("--help") : arguments[i];
    if (argument.rfind("--", 0) != 0) {
      positional.push_back(argument);
      continue;
    }
    const auto equals = argument.find('=');
    const std::string name = argument.substr(0, equals);
    const OptionSpec* spec = findOption(&OptionSpec::flag, name);
    if (spec == nullptr) {
      return invalidArgument("unknown option '" + name + "' for '" + config.command + "'; see pumpcds " +
                             config.command + " --help");
    }
    if (equals != std::string::npos) {
      flags.emplace_back(spec, argument.substr(equals + 1));
    } else if (spec->value_name.empty()) {
      flags.emplace_back(spec, "");
    } else if (i + 1 < arguments.size()) {
      flags.emplace_back(spec, arguments[++i]);
    } else {
      return invalidArgument(name + ": expected a value");
    }
  }
  // The check that a flag belongs to its command, from the table.
  for (const auto& [spec, value] : flags) {
    if ((spec->commands & command->bit) == 0) {
      return invalidArgument(std::string(spec->flag) + " goes with " + commandList(spec->commands) +
                             ", not '" + config.command + "'; see pumpcds " + config.command + " --help");
    }
  }
  std::string config_file;
  for (const auto& entry : environment) {
    if (entry.rfind("PUMPCDS_CONFIG=", 0) == 0) {
      config_file = entry.substr(15);
    }
  }
  for (const auto& [spec, value] : flags) {
    if (spec->flag == "--config") {
      config_file = value;
    }
  }
  if (!config_file.empty()) {
    PUMPCDS_RETURN_IF_ERROR(applyConfigFile(config, config_file, *command));
  }
  for (const auto& spec : optionSpecs()) {
    if (spec.key.empty() || (spec.commands & command->bit) == 0) {
      continue;
    }
    const std::string variable = environmentVariable(spec.key);
    for (const auto& entry : environment) {
      if (entry.rfind(variable + "=", 0) == 0) {
        PUMPCDS_RETURN_IF_ERROR(spec.apply(config, entry.substr(variable.size() + 1), variable));
      }
    }
  }
  for (const auto& [spec, value] : flags) {
    PUMPCDS_RETURN_IF_ERROR(spec->apply(config, value, std::string(spec->flag)));
  }
  if (config.help) {
    return config;
  }
  if (config.command == "evaluate") {
    if (positional.empty()) {
      return invalidArgument("evaluate takes one or more REQUEST.json files");
    }
    config.request_files = positional;
  } else if (config.command == "check") {
    if (!positional.empty()) {
      return invalidArgument("unexpected argument '" + positional.front() + "' for 'check'");
    }
    if (config.source.patients.size() > 1) {
      return invalidArgument("check takes one --patient; for several, use precheck --fhir-server");
    }
    if (config.source.fhir_server.empty() || config.source.patients.empty() ||
        config.source.order_codes.empty()) {
      return invalidArgument("check needs --fhir-server URL, --patient ID and --order CODE");
    }
  } else if (config.command == "codes") {
    if (positional.empty() || positional.front() != "unknown") {
      return invalidArgument("codes takes `unknown` and one or more record files");
    }
    if (positional.size() < 2) {
      return invalidArgument("codes unknown takes one or more record files (hook requests or FHIR Bundles)");
    }
    config.request_files.assign(positional.begin() + 1, positional.end());
  } else if (config.command == "precheck") {
    PUMPCDS_RETURN_IF_ERROR(checkPrecheck(config, positional));
  } else if (config.command == "policies" && positional.size() == 1 && positional.front() == "test") {
    config.run_policy_tests = true;
  } else if (!positional.empty()) {
    return invalidArgument("unexpected argument '" + positional.front() + "' for '" + config.command + "'");
  }
  if (config.store.data_dir.empty()) {
    config.store.data_dir = defaultDataDir(environment);
  }
  return config;
}

} // namespace pumpcds::cli
