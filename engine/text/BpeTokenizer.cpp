#include "engine/text/BpeTokenizer.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <zlib.h>

#include <climits>
#include <sstream>
#include <stdexcept>

#include "engine/text/TextCleaner.h"

namespace sam3::text {
namespace {

constexpr int kMergeCount = 49152 - 256 - 2;  // merges[1 : 49152-256-2+1]

std::string readMaybeGzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files transparently too
  if (!file) throw std::runtime_error("cannot open BPE vocabulary " + path);
  std::string out;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0) out.append(buffer, size_t(n));
  int error = 0;
  const char* message = gzerror(file, &error);
  const bool failed = n < 0 || (error != Z_OK && error != Z_STREAM_END);
  const std::string reason = failed && message ? message : "";
  gzclose(file);
  if (failed) throw std::runtime_error("cannot read BPE vocabulary " + path + ": " + reason);
  return out;
}

std::string codePointToUtf8(UChar32 c) {
  std::string out;
  icu::UnicodeString(c).toUTF8String(out);
  return out;
}

bool isPrintableByte(int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

// CLIP's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n. Returns the
// symbols in vocabulary order: printable bytes first, then the others.
std::vector<std::string> buildByteMap(std::string (&map)[256]) {
  std::vector<std::string> printable, others;
  int n = 0;
  for (int b = 0; b < 256; ++b) {
    map[b] = codePointToUtf8(isPrintableByte(b) ? UChar32(b) : UChar32(256 + n++));
    (isPrintableByte(b) ? printable : others).push_back(map[b]);
  }
  printable.insert(printable.end(), others.begin(), others.end());
  return printable;
}

// Splits a UTF-8 string into its code points (each as UTF-8).
std::vector<std::string> codePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

BpeTokenizer BpeTokenizer::fromFile(const std::string& path) {
  const std::string text = readMaybeGzip(path);
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // version header
  BpeTokenizer t;
  const std::vector<std::string> symbols = buildByteMap(t.m_byteToUnicode);
  std::vector<std::string> vocab = symbols;
  for (const std::string& symbol : symbols) vocab.push_back(symbol + "</w>");
  int rank = 0;
  while (rank < kMergeCount && std::getline(lines, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 >= line.size()) {
      throw std::runtime_error(path + ": line " + std::to_string(rank + 2) + " is not a BPE merge (\"a b\")");
    }
    const std::string first = line.substr(0, space), second = line.substr(space + 1);
    t.m_ranks[{first, second}] = rank++;
    vocab.push_back(first + second);
  }
  if (rank != kMergeCount) {
    throw std::runtime_error(path + ": holds " + std::to_string(rank) + " merges, expected " + std::to_string(kMergeCount));
  }
  vocab.push_back("<start_of_text>");
  vocab.push_back("<end_of_text>");
  for (size_t i = 0; i < vocab.size(); ++i) t.m_encoder[vocab[i]] = int64_t(i);
  return t;
}

std::vector<std::string> BpeTokenizer::bpe(const std::string& token) const {
  if (token == "<start_of_text>" || token == "<end_of_text>") return {token};
  {
    const std::lock_guard<std::mutex> lock(*m_cacheMutex);
    const auto cached = m_cache.find(token);
    if (cached != m_cache.end()) return cached->second;
  }
  std::vector<std::string> word = codePoints(token);
  word.back() += "</w>";
  while (word.size() > 1) {
    int bestRank = INT_MAX;
    size_t best = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const auto it = m_ranks.find({word[i], word[i + 1]});
      if (it != m_ranks.end() && it->second < bestRank) {
        bestRank = it->second;
        best = i;
      }
    }
    if (bestRank == INT_MAX) break;
    // Merge every occurrence of the best pair, left to right.
    const std::string first = word[best], second = word[best + 1];
    std::vector<std::string> merged;
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        merged.push_back(first + second);
        i += 2;
      } else {
        merged.push_back(word[i++]);
      }
    }
    word.swap(merged);
  }
  const std::lock_guard<std::mutex> lock(*m_cacheMutex);
  if (m_cache.size() < 100000) m_cache[token] = word;
  return word;
}

std::vector<int64_t> BpeTokenizer::encode(const std::string& utf8) const {
  const std::string cleaned = cleanText(utf8);
  UErrorCode status = U_ZERO_ERROR;
  // Compiled once; matchers made from a pattern are cheap and independent (thread-safe use).
  static const std::unique_ptr<icu::RegexPattern> pattern = [] {
    UErrorCode s = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexPattern> p(icu::RegexPattern::compile(
        u"<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
        UREGEX_CASE_INSENSITIVE, s));
    if (U_FAILURE(s)) throw std::runtime_error("tokenizer: ICU regex failed to compile");
    return p;
  }();
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(cleaned);  // the matcher keeps a reference
  std::unique_ptr<icu::RegexMatcher> matcherOwner(pattern->matcher(input, status));
  if (U_FAILURE(status)) throw std::runtime_error("tokenizer: ICU regex failed");
  icu::RegexMatcher& matcher = *matcherOwner;
  std::vector<int64_t> ids;
  while (matcher.find(status) && U_SUCCESS(status)) {
    std::string token;
    matcher.group(status).toUTF8String(token);
    std::string mapped;
    if (token == "<start_of_text>" || token == "<end_of_text>") {
      mapped = token;
    } else {
      for (unsigned char byte : token) mapped += m_byteToUnicode[byte];
    }
    for (const std::string& piece : bpe(mapped)) {
      const auto id = m_encoder.find(piece);
      if (id == m_encoder.end()) throw std::runtime_error("tokenizer: BPE piece missing from the vocabulary");
      ids.push_back(id->second);
    }
  }
  return ids;
}

std::vector<int64_t> BpeTokenizer::tokenize(const std::string& utf8, int contextLength) const {
  if (contextLength < 2) throw std::invalid_argument("tokenizer: the context length must be at least 2");
  std::vector<int64_t> ids = {kStartOfText};
  const std::vector<int64_t> body = encode(utf8);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.push_back(kEndOfText);
  if (int(ids.size()) > contextLength) {
    ids.resize(size_t(contextLength));
    ids.back() = kEndOfText;
  }
  ids.resize(size_t(contextLength), 0);
  return ids;
}

}  // namespace sam3::text
