#include "fhir/date.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace pumpcds::fhir {
namespace {

bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

// Reads exactly `width` digits at `pos`; advances pos.
std::optional<int> readDigits(std::string_view text, size_t& pos, size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

} // namespace

std::int64_t daysFromCivil(int year, int month, int day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::fromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Date Date::today() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fromDays(std::chrono::duration_cast<std::chrono::seconds>(now).count() / kSecondsPerDay);
}

std::optional<Date> Date::parse(std::string_view text) {
  size_t pos = 0;
  const auto year = readDigits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = readDigits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = readDigits(text, pos, 2);
  if (!day || pos != text.size() || *month < 1 || *month > 12 || *day < 1 ||
      *day > daysInMonth(*year, *month)) {
    return std::nullopt;
  }
  return Date{*year, *month, *day};
}

Date Date::addMonths(int months) const {
  const int total = year * 12 + (month - 1) + months;
  const int new_year = total >= 0 ? total / 12 : (total - 11) / 12;
  const int new_month = total - new_year * 12 + 1;
  const int new_day = day > daysInMonth(new_year, new_month) ? daysInMonth(new_year, new_month) : day;
  return Date{new_year, new_month, new_day};
}

std::string Date::toString() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

std::optional<TimeSpan> parseFhirTemporal(std::string_view text) {
  size_t pos = 0;
  const auto year = readDigits(text, pos, 4);
  if (!year) {
    return std::nullopt;
  }
  if (pos == text.size()) {
    return TimeSpan{Date{*year, 1, 1}.startSeconds(), Date{*year + 1, 1, 1}.startSeconds()};
  }
  if (!expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = readDigits(text, pos, 2);
  if (!month || *month < 1 || *month > 12) {
    return std::nullopt;
  }
  if (pos == text.size()) {
    const Date first{*year, *month, 1};
    return TimeSpan{first.startSeconds(), first.addMonths(1).startSeconds()};
  }
  if (!expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = readDigits(text, pos, 2);
  if (!day || *day < 1 || *day > daysInMonth(*year, *month)) {
    return std::nullopt;
  }
  const Date date{*year, *month, *day};
  if (pos == text.size()) {
    return TimeSpan{date.startSeconds(), date.endSeconds()};
  }
  if (!expect(text, pos, 'T')) {
    return std::nullopt;
  }
  const auto hour = readDigits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto minute = readDigits(text, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) {
    return std::nullopt;
  }
  int second = 0;
  if (expect(text, pos, ':')) {
    const auto parsed = readDigits(text, pos, 2);
    if (!parsed || *parsed > 60) { // 60: a leap second
      return std::nullopt;
    }
    second = *parsed;
    if (expect(text, pos, '.')) {
      const size_t digits_start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
      }
      if (pos == digits_start) {
        return std::nullopt;
      }
    }
  }
  Seconds offset = 0;
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      ++pos;
      const auto off_hour = readDigits(text, pos, 2);
      if (!off_hour || !expect(text, pos, ':')) {
        return std::nullopt;
      }
      const auto off_minute = readDigits(text, pos, 2);
      if (!off_minute || *off_hour > 14 || *off_minute > 59) {
        return std::nullopt;
      }
      offset = Seconds{sign == '+' ? 1 : -1} * (Seconds{*off_hour} * 3600 + Seconds{*off_minute} * 60);
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  const Seconds local = date.startSeconds() + Seconds{*hour} * 3600 + Seconds{*minute} * 60 + second;
  const Seconds utc = local - offset;
  return TimeSpan{utc, utc + 1};
}

std::string formatDate(Seconds instant) {
  const std::int64_t days =
      instant >= 0 ? instant / kSecondsPerDay : (instant - kSecondsPerDay + 1) / kSecondsPerDay;
  return Date::fromDays(days).toString();
}

std::string currentInstant() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(millis));
  return text;
}

} // namespace pumpcds::fhir
