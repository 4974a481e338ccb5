// pumpcds: wiring only. Read the configuration, run the command.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/config.h"
#include "cli/options.h"

extern char** environ;

namespace {

int run(int argc, char** argv) {
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  auto config = pumpcds::cli::parseConfig(arguments, environment);
  if (!config.isOk()) {
    std::cerr << "pumpcds: " << config.status().message() << "\n";
    return 2;
  }
  const auto& settings = config.value();
  if (settings.command == "version") {
    std::cout << "pumpcds " << PUMPCDS_VERSION << "\n";
    return 0;
  }
  if (settings.command == "help" && settings.help_topic == "options") {
    std::cout << pumpcds::cli::optionsTable();
    return 0;
  }
  if (settings.command == "help" || settings.help) {
    std::cout << pumpcds::cli::usage(settings.command == "help" ? settings.help_topic : settings.command);
    return 0;
  }
  return pumpcds::cli::findCommand(settings.command)->run(settings, std::cout, std::cerr);
}

} // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    // Only a bug or an exhausted machine gets here: say so rather than abort silently.
    std::cerr << "pumpcds: internal error: " << error.what() << "\n";
    return 1;
  }
}
