#include "fhir/date.h"

#include <gtest/gtest.h>

namespace pumpcds::fhir {
namespace {

Seconds at(const char* date) {
  return Date::parse(date)->startSeconds();
}

TEST(FhirDate, PartialDatesCoverTheirWholeYearOrMonth) {
  const auto year = parseFhirTemporal("2024");
  ASSERT_TRUE(year);
  EXPECT_EQ(year->start, at("2024-01-01"));
  EXPECT_EQ(year->end, at("2025-01-01"));
  const auto month = parseFhirTemporal("2024-02");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->start, at("2024-02-01"));
  EXPECT_EQ(month->end, at("2024-03-01")); // leap February ends on the 29th
  const auto day = parseFhirTemporal("2024-02-29");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->end - day->start, kSecondsPerDay);
}

TEST(FhirDate, DateTimesAreConvertedToUtcByTheirZone) {
  const auto eastern = parseFhirTemporal("2025-03-01T23:30:00-05:00");
  ASSERT_TRUE(eastern);
  EXPECT_EQ(eastern->start, at("2025-03-02") + 4 * 3600 + 30 * 60);
  EXPECT_EQ(formatDate(eastern->start), "2025-03-02");
  const auto zulu = parseFhirTemporal("2025-03-02T04:30:00.123Z");
  ASSERT_TRUE(zulu);
  EXPECT_EQ(zulu->start, eastern->start);
  const auto ahead = parseFhirTemporal("2025-03-02T01:00:00+14:00");
  ASSERT_TRUE(ahead);
  EXPECT_EQ(formatDate(ahead->start), "2025-03-01");
}

TEST(FhirDate, MalformedValuesAreRejected) {
  for (const char* text :
       {"", "24", "2024-13", "2023-02-29", "2024-01-01T25:00:00Z", "2024-01-01T10:00:00+15:00",
        "2024-01-01 10:00", "2024-01-01T10:00:00Zjunk", "yesterday", "2024-1-1"}) {
    EXPECT_FALSE(parseFhirTemporal(text)) << text;
  }
}

TEST(FhirDate, AddMonthsClampsToTheEndOfShortMonths) {
  EXPECT_EQ(Date::parse("2025-05-31")->addMonths(-3).toString(), "2025-02-28");
  EXPECT_EQ(Date::parse("2024-08-31")->addMonths(-6).toString(), "2024-02-29");
  EXPECT_EQ(Date::parse("2025-01-15")->addMonths(-12).toString(), "2024-01-15");
  EXPECT_EQ(Date::parse("2025-11-20")->addMonths(2).toString(), "2026-01-20");
}

TEST(FhirDate, CalendarRoundTrip) {
  for (const char* text : {"1970-01-01", "1900-03-01", "2000-02-29", "2038-01-19", "1969-12-31"}) {
    const auto date = Date::parse(text);
    ASSERT_TRUE(date) << text;
    EXPECT_EQ(Date::fromDays(date->days()).toString(), text);
  }
  EXPECT_EQ(Date::parse("1970-01-02")->days(), 1);
  EXPECT_FALSE(Date::parse("2025-11"));
}

} // namespace
} // namespace pumpcds::fhir
