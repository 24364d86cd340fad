#pragma once
// SAM3's text cleaning ("lower"): ftfy.fix_text, html.unescape twice, strip, collapse
// whitespace, strip, lower-case. ftfy is approximated by the fixes SAM3's inputs need and the
// golden cases exercise: NFC normalization, UTF-8 mis-decoded as Windows-1252 ("cafÃ©"),
// curly quotes, Latin ligatures, full-width forms. Other ftfy heuristics (terminal escapes,
// surrogate repair, lossy-sequence replacement) are not reproduced. html.unescape handles
// numeric references and the common named entities. Uses ICU; UTF-8 in, UTF-8 out.

#include <string>

namespace sam3::text {

std::string cleanText(const std::string& utf8);

// The individual steps, exposed for tests.
std::string fixText(const std::string& utf8);
std::string unescapeHtml(const std::string& utf8);
std::string collapseWhitespace(const std::string& utf8);  // strip + collapse runs to one space
std::string toLower(const std::string& utf8);

}  // namespace sam3::text
