#pragma once
// Base64 (RFC 4648, standard alphabet with padding), for the PNG masks and image data that
// labelme JSON embeds. Torch- and Qt-free.

#include <optional>
#include <string>

namespace sam3::io {

std::string base64Encode(const std::string& bytes);
// Nothing for characters outside the alphabet or a wrong length; whitespace is skipped.
std::optional<std::string> base64Decode(const std::string& text);

}  // namespace sam3::io
