// --help and the docs' options table, written from the option and command tables (cli/options.h).
#include <algorithm>
#include <cctype>
#include <vector>

#include "cli/options.h"

namespace pumpcds::cli {

std::string environmentVariable(std::string_view key) {
  std::string name = "PUMPCDS_";
  for (const char c : key) {
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string commandList(unsigned commands) {
  std::vector<std::string_view> names;
  for (const auto& command : commandSpecs()) {
    if ((commands & command.bit) != 0) {
      names.push_back(command.name);
    }
  }
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    list += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
  }
  return list;
}

namespace {

std::string flagWithValue(const OptionSpec& option) {
  return std::string(option.flag) + (option.value_name.empty() ? "" : " " + std::string(option.value_name));
}

// `text` after a first line that already holds `indent` columns, wrapped at 100 columns under that indent.
std::string wrapped(const std::string& text, size_t indent) {
  constexpr size_t kWidth = 100;
  std::string out;
  size_t column = indent;
  size_t at = 0;
  while (at < text.size()) {
    size_t space = text.find(' ', at);
    if (space == std::string::npos) {
      space = text.size();
    }
    const std::string word = text.substr(at, space - at);
    if (column > indent && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    at = space + 1;
  }
  return out;
}

std::string overview() {
  std::string out = "usage: pumpcds <command> [options]\ncommands:\n";
  for (const auto& command : commandSpecs()) {
    std::string name(command.name);
    name.resize(10, ' ');
    out += "  " + name + " " + std::string(command.summary) + "\n";
  }
  return out + "  version    print the version (also --version)\n"
               "  help       this text; `pumpcds help options` prints every option as a table\n"
               "Run `pumpcds <command> --help` for its options.\n";
}

} // namespace

std::string usage(const std::string& name) {
  const CommandSpec* command = findCommand(name);
  if (command == nullptr) {
    return overview();
  }
  std::string out =
      "usage: pumpcds " + std::string(command->synopsis) + "\n" + std::string(command->description);
  std::string_view section;
  bool any_key = false;
  for (const auto& option : optionSpecs()) {
    if ((option.commands & command->bit) == 0 || option.flag == "--help") {
      continue;
    }
    if (option.section != section) {
      section = option.section;
      out += std::string(section) + ":\n";
    }
    std::string flag = "  " + flagWithValue(option);
    flag.resize(std::max<size_t>(flag.size() + 1, 28), ' ');
    std::string help(option.help);
    if (option.repeatable) {
      help += " (repeatable)";
    }
    if (!option.default_value.empty() && option.default_value != "none") {
      help += "; default: " + std::string(option.default_value);
    }
    out += flag + wrapped(help, flag.size()) + "\n";
    any_key = any_key || !option.key.empty();
  }
  if (any_key) {
    out += "An option with a config key is also an environment variable and a key of the --config file:\n"
           "--fhir-ca-file is PUMPCDS_FHIR_CA_FILE and fhir_ca_file (`pumpcds help options` lists them).\n";
  }
  return out + std::string(command->exit_status);
}

std::string optionsTable() {
  std::string out = "| Option | Environment | Config key | Commands | Default | What it does |\n"
                    "|---|---|---|---|---|---|\n";
  const auto cell = [](std::string_view text) {
    std::string escaped;
    for (const char c : text) {
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    }
    return escaped;
  };
  for (const auto& option : optionSpecs()) {
    if (option.flag == "--help") {
      continue;
    }
    const bool everywhere = option.commands == kEveryCommand;
    out += "| `" + cell(flagWithValue(option)) + "` | " +
           (option.key.empty() ? std::string(option.flag == "--config" ? "`PUMPCDS_CONFIG`" : "")
                               : "`" + environmentVariable(option.key) + "`") +
           " | " + (option.key.empty() ? "" : "`" + std::string(option.key) + "`") + " | " +
           (everywhere ? "all" : commandList(option.commands)) + " | " + cell(option.default_value) + " | " +
           cell(option.help) + (option.repeatable ? " (repeatable)" : "") + " |\n";
  }
  return out;
}

} // namespace pumpcds::cli
