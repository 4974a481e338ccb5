// Text helpers every layer uses: case folding, trimming, whole files, and text from outside made safe for
// a log line, a CSV cell or HTML.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pumpcds::base {

/// ASCII lower case (codes, units and drug names are compared this way).
std::string lowerCase(std::string_view text);

/// The whole content of a file, byte for byte; nullopt when it cannot be read.
std::optional<std::string> readWholeFile(const std::string& path);

/// Text from outside safe to echo in an error or a log line: valid UTF-8 is kept, control characters and
/// invalid bytes become "\xNN" (so a line cannot be forged or a response made invalid JSON), and it is
/// cut to `max_characters` with "...".
std::string printable(std::string_view text, size_t max_characters = 200);

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csvField(std::string_view text);

/// Text safe inside HTML elements and attribute values.
std::string htmlEscaped(std::string_view text);

/// `text` as a URL query value or path segment: every byte but letters, digits and -._~ as %XX.
std::string percentEncoded(std::string_view text);

/// Without leading and trailing white space.
std::string_view trimmed(std::string_view text);

} // namespace pumpcds::base
