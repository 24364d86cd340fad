#pragma once
// SAM3's text tokenizer (CLIP's byte-level BPE, `SimpleTokenizer`): cleaning, the regex
// pre-tokenizer, byte-to-unicode mapping, merges from the gzip vocabulary, start/end tokens,
// fixed context with truncation (last id forced to end-of-text) and zero padding.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sam3::text {

class BpeTokenizer {
 public:
  static constexpr int64_t kStartOfText = 49406;
  static constexpr int64_t kEndOfText = 49407;
  static constexpr int kSam3ContextLength = 32;

  // Reads `bpe_simple_vocab_16e6.txt.gz` (gzip or plain text). Throws std::runtime_error naming
  // the file when it is missing, unreadable or not a BPE merge list.
  static BpeTokenizer fromFile(const std::string& path);

  // BPE ids of the cleaned text, without start/end tokens and without truncation.
  std::vector<int64_t> encode(const std::string& utf8) const;
  // [sot] + encode(text) + [eot], truncated to `contextLength` (last id = eot), zero padded.
  std::vector<int64_t> tokenize(const std::string& utf8, int contextLength = kSam3ContextLength) const;

  size_t vocabularySize() const { return m_encoder.size(); }

 private:
  std::vector<std::string> bpe(const std::string& token) const;

  std::unordered_map<std::string, int64_t> m_encoder;
  std::map<std::pair<std::string, std::string>, int> m_ranks;
  std::string m_byteToUnicode[256];
  // Memo of BPE results. encode() is const and may run on several threads, so the memo is
  // guarded (shared_ptr: the tokenizer stays movable).
  mutable std::unordered_map<std::string, std::vector<std::string>> m_cache;
  std::shared_ptr<std::mutex> m_cacheMutex = std::make_shared<std::mutex>();
};

}  // namespace sam3::text
