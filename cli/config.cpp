#include "cli/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/text.h"

namespace pumpcds::cli {
namespace {

struct OptionSpec {
  std::string flag; // --port
  std::string env;  // PUMPCDS_PORT
  std::string key;  // port
  bool takes_value;
};

// Whether `command` uses the setting `key`: a setting another command uses (one environment and one config
// file serve every command) is not read, so not refused, for this one.
bool usedBy(std::string_view key, std::string_view command) {
  const auto in = [command](std::initializer_list<std::string_view> commands) {
    return std::find(commands.begin(), commands.end(), command) != commands.end();
  };
  if (key == "data_dir" || key == "database") {
    return in({"serve", "audit", "feedback"});
  }
  if (key == "format") {
    return in({"audit", "feedback"});
  }
  if (key == "policies") {
    return in({"serve", "evaluate", "check", "policies", "codes", "precheck"});
  }
  if (key == "now" || key.rfind("fhir_", 0) == 0 || key == "allow_insecure_fhir") {
    return key == "fhir_server" ? in({"check", "precheck"}) : in({"serve", "evaluate", "check", "precheck"});
  }
  if (key == "token_file") {
    return in({"check", "precheck"});
  }
  return in({"serve"}); // listening, TLS, who may call, limits, prefetch
}

const std::vector<OptionSpec>& optionSpecs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--host", "PUMPCDS_HOST", "host", true},
      {"--port", "PUMPCDS_PORT", "port", true},
      {"--admin-port", "PUMPCDS_ADMIN_PORT", "admin_port", true},
      {"--admin-host", "PUMPCDS_ADMIN_HOST", "admin_host", true},
      {"--no-metrics", "PUMPCDS_NO_METRICS", "no_metrics", false},
      {"--policies", "PUMPCDS_POLICIES", "policies", true},
      {"--now", "PUMPCDS_NOW", "now", true},
      {"--threads", "PUMPCDS_THREADS", "threads", true},
      {"--max-queued", "PUMPCDS_MAX_QUEUED", "max_queued", true},
      {"--max-body-bytes", "PUMPCDS_MAX_BODY_BYTES", "max_body_bytes", true},
      {"--allowed-origin", "PUMPCDS_ALLOWED_ORIGIN", "allowed_origin", true},
      {"--tls-cert", "PUMPCDS_TLS_CERT", "tls_cert", true},
      {"--tls-key", "PUMPCDS_TLS_KEY", "tls_key", true},
      {"--tls-client-ca", "PUMPCDS_TLS_CLIENT_CA", "tls_client_ca", true},
      {"--allow-plain-http", "PUMPCDS_ALLOW_PLAIN_HTTP", "allow_plain_http", false},
      {"--issuers", "PUMPCDS_ISSUERS", "issuers", true},
      {"--public-url", "PUMPCDS_PUBLIC_URL", "public_url", true},
      {"--jwt-skew-seconds", "PUMPCDS_JWT_SKEW_SECONDS", "jwt_skew_seconds", true},
      {"--allow-unauthenticated", "PUMPCDS_ALLOW_UNAUTHENTICATED", "allow_unauthenticated", false},
      {"--protect-discovery", "PUMPCDS_PROTECT_DISCOVERY", "protect_discovery", false},
      {"--fhir-deadline-ms", "PUMPCDS_FHIR_DEADLINE_MS", "fhir_deadline_ms", true},
      {"--fhir-max-pages", "PUMPCDS_FHIR_MAX_PAGES", "fhir_max_pages", true},
      {"--fhir-max-resources", "PUMPCDS_FHIR_MAX_RESOURCES", "fhir_max_resources", true},
      {"--fhir-ca-file", "PUMPCDS_FHIR_CA_FILE", "fhir_ca_file", true},
      {"--allow-insecure-fhir", "PUMPCDS_ALLOW_INSECURE_FHIR", "allow_insecure_fhir", false},
      {"--fhir-server-allow", "PUMPCDS_FHIR_SERVER_ALLOW", "fhir_server_allow", true},
      {"--prefetch", "PUMPCDS_PREFETCH", "prefetch", true},
      {"--fhir-server", "PUMPCDS_FHIR_SERVER", "fhir_server", true},
      {"--patient", "", "", true},
      {"--order", "", "", true},
      {"--drug", "", "", true},
      {"--token-file", "PUMPCDS_TOKEN_FILE", "token_file", true},
      {"--config", "PUMPCDS_CONFIG", "", true},
      {"--cds", "", "", false},
      {"--data-dir", "PUMPCDS_DATA_DIR", "data_dir", true},
      {"--database", "PUMPCDS_DATABASE", "database", true},
      {"--format", "", "format", true},
      {"--bulk", "", "", true},
      {"--bundles", "", "", true},
      {"--group", "", "", true},
      {"--own-orders", "", "", false},
      {"--jobs", "", "", true},
      {"--shard", "", "", true},
      {"--out", "", "", true},
      {"--help", "", "", false},
  };
  return kSpecs;
}

Result<long> parseNumber(const std::string& text, const std::string& where, long min, long max) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return invalidArgument(where + ": expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

// The FHIR fetch's integer limits: key, field, accepted range.
struct BoundedInt {
  std::string_view key;
  int Config::*field;
  long min;
  long max;
};
constexpr BoundedInt kBoundedInts[] = {
    {"fhir_deadline_ms", &Config::fhir_deadline_ms, 50, 60000},
    {"fhir_max_pages", &Config::fhir_max_pages, 1, 1000},
    {"fhir_max_resources", &Config::fhir_max_resources, 1, 1000000},
    {"jwt_skew_seconds", &Config::jwt_skew_seconds, 0, 600},
    {"max_queued", &Config::max_queued, 0, 4096},
};

const BoundedInt* findBoundedInt(std::string_view key) {
  for (const auto& option : kBoundedInts) {
    if (option.key == key) {
      return &option;
    }
  }
  return nullptr;
}

// A switch's value: empty (the bare flag), 1/true/yes or 0/false/no.
Result<bool> parseSwitch(const std::string& value, const std::string& where) {
  if (value.empty() || value == "1" || value == "true" || value == "yes") {
    return true;
  }
  if (value == "0" || value == "false" || value == "no") {
    return false;
  }
  return invalidArgument(where + ": expected true or false, got '" + value + "'");
}

// Applies one option value (from any source) to the config.
Status apply(Config& config, const std::string& key, const std::string& value, const std::string& where) {
  if (key == "host") {
    if (value.empty()) {
      return invalidArgument(where + ": expected a host name or address");
    }
    config.host = value;
  } else if (key == "port") {
    PUMPCDS_ASSIGN_OR_RETURN(const long port, parseNumber(value, where, 0, 65535));
    config.port = static_cast<int>(port);
  } else if (key == "admin_port") {
    PUMPCDS_ASSIGN_OR_RETURN(const long port, parseNumber(value, where, 0, 65535));
    config.admin_port = static_cast<int>(port);
  } else if (key == "admin_host") {
    if (value.empty()) {
      return invalidArgument(where + ": expected a host name or address");
    }
    config.admin_host = value;
  } else if (key == "no_metrics") {
    PUMPCDS_ASSIGN_OR_RETURN(const bool off, parseSwitch(value, where));
    config.metrics = !off;
  } else if (key == "policies") {
    config.policies = value;
  } else if (key == "now") {
    config.now = fhir::Date::parse(value);
    if (!config.now) {
      return invalidArgument(where + ": expected a date YYYY-MM-DD, got '" + value + "'");
    }
  } else if (key == "threads") {
    PUMPCDS_ASSIGN_OR_RETURN(const long threads, parseNumber(value, where, 1, 256));
    config.threads = static_cast<int>(threads);
  } else if (key == "max_body_bytes") {
    PUMPCDS_ASSIGN_OR_RETURN(const long bytes, parseNumber(value, where, 1024, 1L << 30));
    config.max_body_bytes = static_cast<size_t>(bytes);
  } else if (key == "allowed_origin") {
    config.allowed_origin = value;
  } else if (const BoundedInt* option = findBoundedInt(key)) {
    PUMPCDS_ASSIGN_OR_RETURN(const long number, parseNumber(value, where, option->min, option->max));
    config.*(option->field) = static_cast<int>(number);
  } else if (key == "fhir_ca_file") {
    config.fhir_ca_file = value;
  } else if (key == "allow_insecure_fhir") {
    PUMPCDS_ASSIGN_OR_RETURN(config.allow_insecure_fhir, parseSwitch(value, where));
  } else if (key == "allow_unauthenticated") {
    PUMPCDS_ASSIGN_OR_RETURN(config.allow_unauthenticated, parseSwitch(value, where));
  } else if (key == "allow_plain_http") {
    PUMPCDS_ASSIGN_OR_RETURN(config.allow_plain_http, parseSwitch(value, where));
  } else if (key == "data_dir") {
    if (value.empty()) {
      return invalidArgument(where + ": expected a directory");
    }
    config.data_dir = value;
  } else if (key == "database") {
    if (value != "none" && value.rfind("sqlite:", 0) != 0 && value.rfind("postgres://", 0) != 0 &&
        value.rfind("postgresql://", 0) != 0) {
      // Not echoed: a database URL may hold a password.
      return invalidArgument(where + ": expected sqlite:PATH, postgres://USER@HOST[:PORT]/DATABASE or none");
    }
    if (value == "sqlite:") {
      return invalidArgument(where + ": sqlite: needs the path of the database file");
    }
    config.database = value;
  } else if (key == "format") {
    if (value != "text" && value != "csv" && value != "json") {
      return invalidArgument(where + ": expected text, csv or json, got '" + value + "'");
    }
    config.format = value;
  } else if (key == "protect_discovery") {
    PUMPCDS_ASSIGN_OR_RETURN(config.protect_discovery, parseSwitch(value, where));
  } else if (key == "tls_cert") {
    config.tls_cert = value;
  } else if (key == "tls_key") {
    config.tls_key = value;
  } else if (key == "tls_client_ca") {
    config.tls_client_ca = value;
  } else if (key == "issuers") {
    config.issuers = value;
  } else if (key == "public_url") {
    if (value.rfind("https://", 0) != 0 && value.rfind("http://", 0) != 0) {
      return invalidArgument(where + ": expected the absolute URL EHRs call this service at, got '" + value +
                             "'");
    }
    config.public_url = value;
  } else if (key == "fhir_server_allow") {
    config.fhir_server_allow.clear();
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string host(fhir::trimmed(rest.substr(0, comma)));
      if (!host.empty()) {
        config.fhir_server_allow.push_back(host);
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  } else if (key == "prefetch") {
    if (value != "full" && value != "minimal") {
      return invalidArgument(where + ": expected full or minimal, got '" + value + "'");
    }
    config.prefetch = value;
  } else if (key == "fhir_server") {
    config.fhir_server = value;
  } else if (key == "token_file") {
    config.token_file = value;
  }
  return {};
}

std::string knownConfigKeys() {
  std::string keys;
  for (const auto& spec : optionSpecs()) {
    if (!spec.key.empty()) {
      keys += (keys.empty() ? "" : ", ") + spec.key;
    }
  }
  return keys;
}

Status applyConfigFile(Config& config, const std::string& path, const std::string& command) {
  const auto read = fhir::readWholeFile(path);
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
    bool known = false;
    for (const auto& spec : optionSpecs()) {
      known = known || (!spec.key.empty() && spec.key == key);
    }
    if (!known) {
      return invalidArgument(path + ": unknown key '" + key + "' (known: " + knownConfigKeys() + ")");
    }
    if (!usedBy(key, command)) {
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
    if (Status status = apply(config, key, value, path + ": " + key); !status.isOk()) {
      return status;
    }
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

bool isPrecheckFlag(const std::string& flag) {
  return flag == "--bulk" || flag == "--bundles" || flag == "--group" || flag == "--own-orders" ||
         flag == "--jobs" || flag == "--shard" || flag == "--out";
}

Status applyPrecheckFlag(Config& config, const std::string& flag, const std::string& value) {
  if (flag == "--bulk") {
    config.bulk_dir = value;
  } else if (flag == "--bundles") {
    config.bundles_dir = value;
  } else if (flag == "--group") {
    config.group = value;
  } else if (flag == "--own-orders") {
    config.own_orders = true;
  } else if (flag == "--out") {
    config.out_dir = value;
  } else if (flag == "--jobs") {
    PUMPCDS_ASSIGN_OR_RETURN(const long jobs, parseNumber(value, flag, 1, 256));
    config.jobs = static_cast<int>(jobs);
  } else if (flag == "--shard") {
    const auto slash = value.find('/');
    if (slash == std::string::npos) {
      return invalidArgument("--shard: expected K/N (shard K of N, K from 0 to N-1), got '" + value + "'");
    }
    PUMPCDS_ASSIGN_OR_RETURN(const long shards, parseNumber(value.substr(slash + 1), "--shard N", 1, 100000));
    PUMPCDS_ASSIGN_OR_RETURN(const long shard,
                             parseNumber(value.substr(0, slash), "--shard K", 0, shards - 1));
    config.shard = static_cast<int>(shard);
    config.shards = static_cast<int>(shards);
  }
  return {};
}

// What a precheck needs: one population, something to check, somewhere to write; or `merge DIR...`.
Status checkPrecheck(Config& config, const std::vector<std::string>& positional) {
  if (config.out_dir.empty()) {
    return invalidArgument("precheck needs --out DIR: where results.ndjson, summary.csv and report.html go");
  }
  if (!positional.empty() && positional.front() == "merge") {
    if (positional.size() < 2) {
      return invalidArgument("precheck merge takes the --out directories of the shard runs");
    }
    config.merge_dirs.assign(positional.begin() + 1, positional.end());
    return {};
  }
  if (!positional.empty()) {
    return invalidArgument("unexpected argument '" + positional.front() + "' for 'precheck'");
  }
  const int populations = static_cast<int>(!config.bulk_dir.empty()) +
                          static_cast<int>(!config.bundles_dir.empty()) +
                          static_cast<int>(!config.fhir_server.empty());
  if (populations != 1) {
    return invalidArgument(
        "precheck needs exactly one population: --bulk DIR, --bundles DIR or --fhir-server "
        "URL with --patient ID... or --group ID");
  }
  if (!config.fhir_server.empty() && config.patients.empty() == config.group.empty()) {
    return invalidArgument("precheck --fhir-server needs --patient ID (repeatable) or --group ID, not both");
  }
  if (config.fhir_server.empty() && (!config.patients.empty() || !config.group.empty())) {
    return invalidArgument("--patient and --group go with --fhir-server");
  }
  if (config.order_codes.empty() && !config.own_orders) {
    return invalidArgument("precheck needs --order CODE (a hypothetical order for everyone) or --own-orders "
                           "(each patient's own pump orders), or both");
  }
  if (config.own_orders && !config.fhir_server.empty()) {
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
    return config;
  }
  if (config.command == "--version" || config.command == "version") {
    config.command = "version";
    return config;
  }
  if (config.command != "serve" && config.command != "evaluate" && config.command != "check" &&
      config.command != "policies" && config.command != "codes" && config.command != "audit" &&
      config.command != "feedback" && config.command != "precheck") {
    return invalidArgument(
        "unknown command '" + config.command +
        "' (expected serve, evaluate, check, precheck, policies, codes, audit or feedback)");
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
    const OptionSpec* spec = nullptr;
    for (const auto& candidate : optionSpecs()) {
      spec = candidate.flag == name ? &candidate : spec;
    }
    if (spec == nullptr) {
      return invalidArgument("unknown option '" + name + "' for '" + config.command + "'; see pumpcds " +
                             config.command + " --help");
    }
    if (!spec->takes_value) {
      flags.emplace_back(spec, "");
      continue;
    }
    if (equals != std::string::npos) {
      flags.emplace_back(spec, argument.substr(equals + 1));
    } else if (i + 1 < arguments.size()) {
      flags.emplace_back(spec, arguments[++i]);
    } else {
      return invalidArgument(name + ": expected a value");
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
    if (Status status = applyConfigFile(config, config_file, config.command); !status.isOk()) {
      return status;
    }
  }
  for (const auto& spec : optionSpecs()) {
    if (spec.env.empty() || spec.key.empty() || !usedBy(spec.key, config.command)) {
      continue;
    }
    for (const auto& entry : environment) {
      if (entry.rfind(spec.env + "=", 0) == 0) {
        if (Status status = apply(config, spec.key, entry.substr(spec.env.size() + 1), spec.env);
            !status.isOk()) {
          return status;
        }
      }
    }
  }
  for (const auto& [spec, value] : flags) {
    if (spec->flag == "--cds") {
      config.cds = true;
    } else if (spec->flag == "--patient") {
      config.patient = value;
      config.patients.push_back(value);
    } else if (spec->flag == "--order") {
      config.order_codes.push_back(value);
    } else if (spec->flag == "--drug") {
      config.drug_codes.push_back(value);
    } else if (spec->flag == "--help") {
      config.help = true;
    } else if (isPrecheckFlag(spec->flag)) {
      if (config.command != "precheck") {
        return invalidArgument(spec->flag + " goes with precheck; see pumpcds precheck --help");
      }
      if (Status status = applyPrecheckFlag(config, spec->flag, value); !status.isOk()) {
        return status;
      }
    } else if (!spec->key.empty()) {
      if (!usedBy(spec->key, config.command)) {
        return invalidArgument(spec->flag + " does not apply to '" + config.command + "'; see pumpcds " +
                               config.command + " --help");
      }
      if (Status status = apply(config, spec->key, value, spec->flag); !status.isOk()) {
        return status;
      }
    }
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
    if (config.fhir_server.empty() || config.patient.empty() || config.order_codes.empty()) {
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
    if (Status status = checkPrecheck(config, positional); !status.isOk()) {
      return status;
    }
  } else if (config.command == "policies" && positional.size() == 1 && positional.front() == "test") {
    config.run_policy_tests = true;
  } else if (!positional.empty()) {
    return invalidArgument("unexpected argument '" + positional.front() + "' for '" + config.command + "'");
  }
  if (config.data_dir.empty()) {
    config.data_dir = defaultDataDir(environment);
  }
  if (config.cds && config.command != "evaluate" && config.command != "check") {
    return invalidArgument("--cds goes with evaluate or check");
  }
  if ((!config.patient.empty() || !config.order_codes.empty()) && config.command != "check" &&
      config.command != "precheck") {
    return invalidArgument("--patient and --order go with check or precheck");
  }
  if (!config.drug_codes.empty() && config.command != "check") {
    return invalidArgument("--drug goes with check");
  }
  return config;
}

namespace {

std::string fhirOptionsUsage() {
  return "Reading the EHR's FHIR server (what prefetch lacks):\n"
         "  --fhir-deadline-ms N     the whole read of one hook call (default 3000)\n"
         "  --fhir-max-pages N       pages followed per search (default 20)\n"
         "  --fhir-max-resources N   resources read per search (default 5000)\n"
         "  --fhir-ca-file FILE      PEM CA bundle to verify the server (default: the system's)\n"
         "  --allow-insecure-fhir    accept http:// servers (local sandboxes and tests)\n"
         "  --fhir-server-allow H,.. the only hosts a request's fhirServer may name\n"
         "  --prefetch full|minimal  what discovery asks the EHR to prefetch (serve; default full)\n";
}

} // namespace

std::string usage(const std::string& command) {
  if (command == "serve") {
    return "usage: pumpcds serve [--host H] [--port P] [--policies DIR] [--now YYYY-MM-DD] [--threads N]\n"
           "                     [--max-queued N] [--max-body-bytes N] [--allowed-origin ORIGIN]\n"
           "                     [--config FILE]\n"
           "Serves CDS Hooks: GET /cds-services, POST /cds-services/{id}, POST /cds-services/{id}/feedback,\n"
           "GET /healthz, GET /metrics. Defaults: 127.0.0.1:8080 and the bundled policy library.\n"
           "Port 0 picks a free port; the address is printed on the first line of output.\n"
           "Every option is also an environment variable (--max-body-bytes is PUMPCDS_MAX_BODY_BYTES)\n"
           "and a key of the --config JSON file (max_body_bytes).\n"
           "HTTPS (needed to listen beyond loopback, unless --allow-plain-http behind a TLS proxy):\n"
           "  --tls-cert FILE --tls-key FILE   serve HTTPS with this PEM certificate chain and key\n"
           "  --tls-client-ca FILE     also require a client certificate signed by one of these CAs\n"
           "  --allow-plain-http       listen on a non-loopback address without TLS\n"
           "Who may call (CDS Hooks 2.0 JWTs; hook and feedback calls without a valid one get 401):\n"
           "  --issuers FILE           the trusted EHR issuers and their keys (JSON; see README)\n"
           "  --public-url URL         this service as EHRs call it; a token's aud must be URL + path\n"
           "  --jwt-skew-seconds N     clock difference allowed for exp and iat (default 60)\n"
           "  --allow-unauthenticated  serve hook calls without a token (local trials only; warned)\n"
           "  --protect-discovery      GET /cds-services needs a valid token too (default: open)\n"
           "Operators: --admin-port N (0: any free port) opens a second listener on --admin-host\n"
           "(127.0.0.1) with GET /metrics, GET /healthz and POST /admin/reload; /metrics then leaves the\n"
           "service port. --no-metrics: no /metrics at all. SIGHUP also reloads the policy library.\n"
           "Load: --threads N connections served at once (32), --max-queued N waiting for one (32);\n"
           "beyond them a new connection is answered 503 with Retry-After.\n"
           "Audit trail (every hook call), feedback and, with PostgreSQL, the JWT replay cache are stored:\n"
           "  --data-dir DIR           where pumpcds.sqlite3 lives (default $XDG_STATE_HOME/pumpcds, else\n"
           "                           ~/.local/state/pumpcds, else /var/lib/pumpcds)\n"
           "  --database sqlite:PATH   another SQLite file\n"
           "  --database postgres://USER@HOST[:PORT]/DB   PostgreSQL, shared by replicas (password from\n"
           "                           PGPASSWORD or ~/.pgpass; prefer PUMPCDS_DATABASE to the command "
           "line)\n"
           "  --database none          no store (feedback is then only counted)\n" +
           fhirOptionsUsage();
  }
  if (command == "evaluate") {
    return "usage: pumpcds evaluate REQUEST.json... [--now YYYY-MM-DD] [--cds] [--policies DIR]\n"
           "Evaluates CDS Hooks request files (order-sign or order-select) with no server running and "
           "prints\n"
           "the Determination report, or with --cds exactly the CDS Hooks response `serve` would give.\n"
           "What a request's prefetch lacks is read from its fhirServer, exactly as serve would.\n"
           "Exit status: 0 evaluated, 2 bad input (the reason on stderr).\n" +
           fhirOptionsUsage();
  }
  if (command == "check") {
    return "usage: pumpcds check --fhir-server URL --patient ID --order CODE [--order CODE...]\n"
           "                     [--drug RXNORM...] [--token-file F] [--now YYYY-MM-DD] [--cds] [--policies "
           "DIR]\n"
           "Pre-checks one patient straight from a FHIR server: a signed order of each CPT/HCPCS CODE\n"
           "(e.g. 62362) for Patient/ID, dated --now (default today), with the pump drug of each --drug\n"
           "(RxNorm, ordered intrathecally), is evaluated as an order-sign hook with no prefetch, so\n"
           "everything is read from the server. Prints the Determination report, or with --cds the cards.\n"
           "--token-file holds the bearer token (first line).\n"
           "Exit status: 0 evaluated, 2 bad input or no record could be read.\n" +
           fhirOptionsUsage();
  }
  if (command == "precheck") {
    return "usage: pumpcds precheck (--bulk DIR | --bundles DIR | --fhir-server URL (--patient ID... | "
           "--group "
           "ID))\n"
           "                        (--order CODE... | --own-orders) --out DIR [--jobs N] [--shard K/N]\n"
           "                        [--now YYYY-MM-DD] [--policies DIR] [--token-file F]\n"
           "       pumpcds precheck merge SHARD_OUT... --out DIR\n"
           "Pre-checks a population for prior authorization, each patient exactly as an order-sign hook "
           "call:\n"
           "  --bulk DIR      a FHIR Bulk Data export (*.ndjson, any resource type in any file; "
           "manifest.json's\n"
           "                  _type, when present, says which types were exported)\n"
           "  --bundles DIR   one FHIR Bundle per patient (*.json, e.g. Synthea output)\n"
           "  --fhir-server URL with --patient ID (repeatable) or --group ID: read each patient as `check` "
           "does\n"
           "  --order CODE    a hypothetical order of this CPT/HCPCS code for everyone, dated --now (default "
           "today)\n"
           "  --own-orders    each patient's draft, active and on-hold pump ServiceRequests/DeviceRequests\n"
           "  --jobs N        threads (default: every core)\n"
           "  --shard K/N     only the patients whose id hashes to K of N (0 <= K < N); `merge` joins "
           "shards\n"
           "Writes to --out: results.ndjson (one Determination per patient), summary.csv (one row per "
           "order),\n"
           "report.html (figures, charts, printable checklists) and skipped.ndjson (records not used, why).\n"
           "Exit status: 0 all checked, 1 something was skipped (see skipped.ndjson), 2 bad input.\n" +
           fhirOptionsUsage();
  }
  if (command == "codes") {
    return "usage: pumpcds codes unknown FILE... [--policies DIR]\n"
           "Lists the codes on the clinical resources of records (CDS Hooks requests, or FHIR Bundles such "
           "as\n"
           "Synthea patients or a bulk export) that no value set of the library knows, most frequent first:\n"
           "count, resource type, system|code, display. What a real EHR sends that the library cannot read\n"
           "is the most common reason a documented patient gets `missing`.\n"
           "Exit status: 0 all files read, 2 a file could not be read (named on stderr; the rest counted).\n";
  }
  if (command == "audit" || command == "feedback") {
    return "usage: pumpcds " + command +
           " [--data-dir DIR | --database sqlite:PATH|postgres://...] [--format text|csv|json]\n" +
           (command == "audit"
                ? "Summarises the audit trail `serve` keeps: calls per day and service (answered, mean and\n"
                  "slowest time), decisions per policy, and the criteria most often missing.\n"
                : "Summarises the feedback clinicians gave on the cards: accepted and overridden per policy\n"
                  "and per missing criterion the card asked for, and the override reasons given.\n") +
           "Reads the store while the server runs. Exit status: 0 printed, 2 no store could be read.\n";
  }
  if (command == "policies") {
    return "usage: pumpcds policies [test] [--policies DIR]\n"
           "Validates the policy library and lists its policies with their effective periods.\n"
           "With `test`, runs every policy's test cases (<policy>_test.json beside it) and prints PASS, FAIL "
           "or\n"
           "ERROR per case with what differed.\n"
           "Exit status: 0 valid (all cases passed), 1 a case failed, 2 invalid library or no case to run.\n";
  }
  return "usage: pumpcds <command> [options]\n"
         "commands:\n"
         "  serve      run the CDS Hooks service\n"
         "  evaluate   evaluate hook request files\n"
         "  check      pre-check a patient straight from a FHIR server\n"
         "  precheck   pre-check a population (bulk export, bundles, FHIR server) for prior auth\n"
         "  version    print the version (also --version)\n"
         "  policies   list and validate the policy library\n"
         "  codes      list codes in records that no value set knows (codes unknown FILE...)\n"
         "  audit      summarise the audit trail of hook calls\n"
         "  feedback   summarise the feedback on the cards\n"
         "Run `pumpcds <command> --help` for its options.\n";
}

} // namespace pumpcds::cli
