// pumpcds: wiring only. Read the configuration, run the command.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/config.h"

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
  if (settings.command == "help" || settings.help) {
    std::cout << pumpcds::cli::usage(settings.command == "help" ? std::string() : settings.command);
    return 0;
  }
  if (settings.command == "serve") {
    return pumpcds::cli::runServe(settings, std::cout, std::cerr);
  }
  if (settings.command == "evaluate") {
    return pumpcds::cli::runEvaluate(settings, std::cout, std::cerr);
  }
  if (settings.command == "check") {
    return pumpcds::cli::runCheck(settings, std::cout, std::cerr);
  }
  if (settings.command == "audit" || settings.command == "feedback") {
    return pumpcds::cli::runSummary(settings, std::cout, std::cerr);
  }
  if (settings.command == "precheck") {
    return pumpcds::cli::runPrecheck(settings, std::cout, std::cerr);
  }
  if (settings.command == "codes") {
    return pumpcds::cli::runCodes(settings, std::cout, std::cerr);
  }
  return pumpcds::cli::runPolicies(settings, std::cout, std::cerr);
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
