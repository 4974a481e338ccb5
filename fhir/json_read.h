// Checked reads from a RapidJSON DOM: never Get*() on a value whose type was not tested first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "fhir/coding.h"

namespace pumpcds::fhir {

using JsonValue = rapidjson::Value;

/// The member `key` of `object`, or nullptr when `object` is not an object or has no such member.
const JsonValue* member(const JsonValue& object, std::string_view key);
const JsonValue* member(const JsonValue* object, std::string_view key);

/// The string member `key`, or "" when absent or not a string.
std::string stringAt(const JsonValue* object, std::string_view key);
std::optional<double> numberAt(const JsonValue* object, std::string_view key);
std::optional<bool> boolAt(const JsonValue* object, std::string_view key);

/// The items of an array, or the value itself when it is a lone object where an array belongs (as the CDS
/// Hooks sandbox sends). Null and absent give no items.
std::vector<const JsonValue*> items(const JsonValue* value);

/// The codings of a CodeableConcept (or of an array of them), skipping codings with no code.
std::vector<Coding> codings(const JsonValue* codeable_concept);
/// A lone Coding.
std::optional<Coding> coding(const JsonValue* value);
/// CodeableConcept.text, else the first display.
std::string conceptText(const JsonValue* codeable_concept);

/// Whether JSON text nests objects and arrays deeper than `limit` (strings are skipped). Checked before
/// parsing what a client sent, so that no recursive walk of the document can exhaust the stack.
bool nestsDeeperThan(std::string_view text, int limit);

/// Line and column (both 1-based) of a byte offset, for error messages about a JSON text.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition positionOf(std::string_view text, size_t offset);

/// A JSON value as compact JSON text.
std::string jsonText(const JsonValue& value);

/// "line L, column C: <RapidJSON's reason>" for a failed parse.
std::string describeParseError(const rapidjson::Document& document, std::string_view text);

} // namespace pumpcds::fhir
