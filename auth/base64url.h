// Base64url (RFC 4648 section 5) without padding, as JOSE writes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pumpcds::auth {

/// The decoded bytes, or nullopt for a character outside the alphabet, padding, or an impossible length.
std::optional<std::string> base64UrlDecode(std::string_view text);

std::string base64UrlEncode(std::string_view bytes);

} // namespace pumpcds::auth
