#include "server/metrics_registry.h"

#include <cstdio>
#include <cstdlib>

namespace pumpcds::server {

namespace {

// A label value as the text format writes it: backslash, double quote and newline escaped.
std::string escapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string labelText(const std::vector<std::pair<std::string, std::string>>& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    out += (out.size() > 1 ? "," : "") + name + "=\"" + escapeLabelValue(value) + "\"";
  }
  return out + "}";
}

// Whole numbers (bytes, counts) print as integers; others with nine significant digits.
std::string number(double value) {
  char text[64];
  if (value == static_cast<double>(static_cast<long long>(value)) && value < 1e15 && value > -1e15) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
  } else {
    std::snprintf(text, sizeof text, "%.9g", value);
  }
  return text;
}

} // namespace

void LabelledCounter::add(const std::vector<std::string>& label_values, long long amount) {
  const std::lock_guard lock(mutex_);
  counts_[label_values] += amount;
}

void LabelledCounter::render(const std::string& name, std::string& out) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [values, count] : counts_) {
    std::vector<std::pair<std::string, std::string>> labels;
    for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
      labels.emplace_back(label_names_[i], values[i]);
    }
    out += name + labelText(labels) + " " + std::to_string(count) + "\n";
  }
}

void Histogram::observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++buckets_[i];
    }
  }
  ++count_;
  sum_micros_ += static_cast<long long>(seconds * 1e6);
}

void Histogram::render(const std::string& name, std::string& out) const {
  char line[200];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %lld\n", name.c_str(), kBuckets[i],
                  buckets_[i].load());
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %lld\n%s_sum %.6f\n%s_count %lld\n", name.c_str(),
                count_.load(), name.c_str(), static_cast<double>(sum_micros_.load()) / 1e6, name.c_str(),
                count_.load());
  out += line;
}

MetricsRegistry::Family& MetricsRegistry::add(const std::string& name, const std::string& help, Kind kind) {
  for (const auto& family : families_) {
    if (family->name == name) {
      std::fprintf(stderr, "BUG: metric family %s registered twice\n", name.c_str());
      std::abort();
    }
  }
  families_.push_back(std::make_unique<Family>(Family{name, help, kind, nullptr, nullptr, nullptr, nullptr}));
  return *families_.back();
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help) {
  Family& family = add(name, help, Kind::Counter);
  family.counter = std::make_unique<Counter>();
  return *family.counter;
}

LabelledCounter& MetricsRegistry::labelledCounter(const std::string& name, const std::string& help,
                                                  std::vector<std::string> label_names) {
  Family& family = add(name, help, Kind::Counter);
  family.labelled = std::make_unique<LabelledCounter>(std::move(label_names));
  return *family.labelled;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help) {
  Family& family = add(name, help, Kind::Histogram);
  family.histogram = std::make_unique<Histogram>();
  return *family.histogram;
}

void MetricsRegistry::collected(const std::string& name, const std::string& help, Kind kind,
                                std::function<std::vector<Sample>()> read) {
  add(name, help, kind).read = std::move(read);
}

std::string MetricsRegistry::text() const {
  std::string out;
  for (const auto& family : families_) {
    const char* type = family->kind == Kind::Counter ? "counter"
                       : family->kind == Kind::Gauge ? "gauge"
                                                     : "histogram";
    out += "# HELP " + family->name + " " + family->help + "\n# TYPE " + family->name + " " + type + "\n";
    if (family->counter) {
      out += family->name + " " + std::to_string(family->counter->value()) + "\n";
    } else if (family->labelled) {
      family->labelled->render(family->name, out);
    } else if (family->histogram) {
      family->histogram->render(family->name, out);
    } else if (family->read) {
      for (const auto& sample : family->read()) {
        out += family->name + labelText(sample.labels) + " " + number(sample.value) + "\n";
      }
    }
  }
  return out;
}

} // namespace pumpcds::server
