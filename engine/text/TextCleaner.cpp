#include "engine/text/TextCleaner.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <map>
#include <stdexcept>

namespace sam3::text {
namespace {

icu::UnicodeString fromUtf8(const std::string& s) { return icu::UnicodeString::fromUTF8(s); }

std::string toUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Windows-1252 bytes 0x80..0x9F as Unicode (0 = undefined in cp1252, decoded as latin-1).
const uint16_t kCp1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                  0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                  0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Byte for a code point in the cp1252/latin-1 mixture ftfy uses, or -1.
int cp1252Byte(UChar32 c) {
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return int(c);
  for (int i = 0; i < 32; ++i) {
    if (kCp1252High[i] == c || (kCp1252High[i] == 0 && c == 0x80 + i)) return 0x80 + i;
  }
  return -1;
}

// ICU substitutes U+FFFD for every malformed sequence; the input bytes are cp1252 code points
// (U+FFFD is not one), so any U+FFFD after decoding means the bytes were not UTF-8.
bool validUtf8(const std::string& bytes) {
  return icu::UnicodeString::fromUTF8(bytes).indexOf(UChar32(0xFFFD)) < 0;
}

// "cafÃ©" -> "café": text whose characters are all single cp1252 bytes that form valid UTF-8
// with multi-byte sequences was decoded with the wrong codec.
icu::UnicodeString fixMojibake(const icu::UnicodeString& text) {
  std::string bytes;
  bool anyHigh = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    const int b = cp1252Byte(c);
    if (b < 0) return text;
    anyHigh |= b >= 0x80;
    bytes.push_back(char(b));
    i += U16_LENGTH(c);
  }
  if (!anyHigh || !validUtf8(bytes)) return text;
  const icu::UnicodeString fixed = fromUtf8(bytes);
  return fixed.length() < text.length() ? fixed : text;
}

UChar32 fixCharacter(UChar32 c, icu::UnicodeString& expansion) {
  switch (c) {  // uncurl quotes
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: return '"';
    default: break;
  }
  static const std::map<UChar32, const char*> ligatures = {{0xFB00, "ff"}, {0xFB01, "fi"}, {0xFB02, "fl"}, {0xFB03, "ffi"},
                                                           {0xFB04, "ffl"}, {0xFB05, "st"}, {0xFB06, "st"}};
  const auto ligature = ligatures.find(c);
  if (ligature != ligatures.end()) {
    expansion = icu::UnicodeString(ligature->second);
    return -1;
  }
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // full-width ASCII
  if (c == 0x3000) return ' ';                         // ideographic space
  return c;
}

const std::map<std::string, std::string>& namedEntities() {
  static const std::map<std::string, std::string> entities = {
      {"amp", "&"},       {"lt", "<"},          {"gt", ">"},        {"quot", "\""},     {"apos", "'"},     {"nbsp", "\u00A0"},
      {"copy", "\u00A9"}, {"reg", "\u00AE"},    {"trade", "\u2122"}, {"hellip", "\u2026"}, {"mdash", "\u2014"},
      {"ndash", "\u2013"}, {"lsquo", "\u2018"}, {"rsquo", "\u2019"}, {"ldquo", "\u201C"}, {"rdquo", "\u201D"},
      {"eacute", "\u00E9"}, {"egrave", "\u00E8"}, {"agrave", "\u00E0"}, {"uuml", "\u00FC"}, {"ouml", "\u00F6"},
      {"auml", "\u00E4"}, {"szlig", "\u00DF"},  {"euro", "\u20AC"},  {"pound", "\u00A3"}, {"deg", "\u00B0"}};
  return entities;
}

}  // namespace

std::string fixText(const std::string& utf8) {
  icu::UnicodeString text = fixMojibake(fromUtf8(utf8));
  icu::UnicodeString fixed;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    icu::UnicodeString expansion;
    const UChar32 replacement = fixCharacter(c, expansion);
    if (replacement < 0) {
      fixed.append(expansion);
    } else {
      fixed.append(replacement);
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFC normalizer unavailable");
  const icu::UnicodeString normalized = nfc->normalize(fixed, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalization failed");
  return toUtf8(normalized);
}

std::string unescapeHtml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string::npos || semi - i > 32) {
      out.push_back(s[i++]);
      continue;
    }
    const std::string name = s.substr(i + 1, semi - i - 1);
    if (!name.empty() && name[0] == '#') {  // numeric reference
      try {
        const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        const unsigned long code = std::stoul(name.substr(hex ? 2 : 1), nullptr, hex ? 16 : 10);
        if (code > 0 && code <= 0x10FFFF) {
          out += toUtf8(icu::UnicodeString(UChar32(code)));
          i = semi + 1;
          continue;
        }
      } catch (const std::exception&) {
      }
    } else if (const auto it = namedEntities().find(name); it != namedEntities().end()) {
      out += it->second;
      i = semi + 1;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string collapseWhitespace(const std::string& utf8) {
  const icu::UnicodeString text = fromUtf8(utf8);
  icu::UnicodeString out;
  bool pendingSpace = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    // Python's str.isspace(): Unicode whitespace plus the ASCII separators 0x1C..0x1F.
    if (u_isUWhiteSpace(c) || (c >= 0x1C && c <= 0x1F)) {
      pendingSpace = !out.isEmpty();
      continue;
    }
    if (pendingSpace) out.append(UChar32(' '));
    pendingSpace = false;
    out.append(c);
  }
  return toUtf8(out);
}

std::string toLower(const std::string& utf8) {
  icu::UnicodeString text = fromUtf8(utf8);
  text.toLower(icu::Locale::getRoot());
  return toUtf8(text);
}

std::string cleanText(const std::string& utf8) {
  return toLower(collapseWhitespace(unescapeHtml(unescapeHtml(fixText(utf8)))));
}

}  // namespace sam3::text
