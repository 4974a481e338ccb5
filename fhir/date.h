// FHIR date, dateTime and instant values as spans of UTC time, and calendar dates for look-back windows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pumpcds::fhir {

/// Seconds since 1970-01-01T00:00:00Z.
using Seconds = std::int64_t;
constexpr Seconds kSecondsPerDay = 86400;

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(int year, int month, int day);

/// A calendar date, e.g. the reference date of an evaluation.
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  /// Parses exactly YYYY-MM-DD; anything else (partial or invalid dates) is nullopt.
  static std::optional<Date> parse(std::string_view text);
  static Date fromDays(std::int64_t days);
  /// Today in UTC.
  static Date today();

  [[nodiscard]] std::int64_t days() const { return daysFromCivil(year, month, day); }
  /// Midnight UTC at the start of this date.
  [[nodiscard]] Seconds startSeconds() const { return days() * kSecondsPerDay; }
  /// Midnight UTC at the end of this date (start of the next day).
  [[nodiscard]] Seconds endSeconds() const { return startSeconds() + kSecondsPerDay; }
  /// The same day N calendar months later (or earlier when negative), clamped to the month's last day.
  [[nodiscard]] Date addMonths(int months) const;
  [[nodiscard]] Date addDays(int days_to_add) const { return fromDays(days() + days_to_add); }
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date& a, const Date& b) { return a.days() <=> b.days(); }
};

/// The half-open span of time [start, end) a FHIR temporal value denotes. A partial date covers its
/// whole year or month; a date covers its day (taken as UTC, since FHIR dates carry no zone); a dateTime
/// with a time and zone is the instant converted to UTC, one second long.
struct TimeSpan {
  Seconds start = 0;
  Seconds end = 0;
};

/// Parses a FHIR date, dateTime or instant ("2024", "2024-03", "2024-03-05", "2024-03-05T10:00:00-05:00",
/// with optional fractional seconds and "Z"). A dateTime without a zone is read as UTC. Returns nullopt
/// for anything that is not one of these forms or names an impossible date or time.
std::optional<TimeSpan> parseFhirTemporal(std::string_view text);

/// Formats the UTC calendar date holding an instant, YYYY-MM-DD.
std::string formatDate(Seconds instant);

/// The current time as a FHIR instant in UTC with milliseconds, "2026-06-01T09:00:00.123Z" (audit records,
/// access log lines, stored feedback).
std::string currentInstant();

} // namespace pumpcds::fhir
