#include "engine/sam3/EmbeddingCache.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "engine/io/AtomicFile.h"
#include "engine/io/FastHash.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/weights/SafetensorsWriter.h"
#include "engine/platform/EngineLog.h"

namespace sam3::model {
namespace fs = std::filesystem;
namespace {

constexpr const char* kEntryFormat = "sam3-annotate-embedding-1";
constexpr const char* kExtension = ".sam3emb";

weights::DType toDType(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return weights::DType::F32;
    case at::kHalf: return weights::DType::F16;
    case at::kBFloat16: return weights::DType::BF16;
    case at::kDouble: return weights::DType::F64;
    case at::kLong: return weights::DType::I64;
    case at::kInt: return weights::DType::I32;
    case at::kByte: return weights::DType::U8;
    case at::kBool: return weights::DType::Bool;
    default: throw std::invalid_argument(std::string("cannot cache tensors of type ") + c10::toString(type));
  }
}

std::string hex64(uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

EmbeddingCache::EmbeddingCache(EmbeddingCacheOptions options) : m_options(std::move(options)) {}

std::string EmbeddingCache::diskPath(const std::string& key) const {
  if (m_options.diskDirectory.empty()) return {};
  return (fs::path(m_options.diskDirectory) / (key + kExtension)).string();
}

void EmbeddingCache::remember(const std::string& key, const ImageEmbedding& embedding) {
  m_memory.remove_if([&](const auto& entry) { return entry.first == key; });
  m_memory.emplace_front(key, embedding);
  while (m_memory.size() > std::max<size_t>(1, m_options.memoryEntries)) m_memory.pop_back();
}

std::optional<ImageEmbedding> EmbeddingCache::find(const std::string& key, bool* fromDisk) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (fromDisk) *fromDisk = false;
  for (auto it = m_memory.begin(); it != m_memory.end(); ++it) {
    if (it->first != key) continue;
    m_memory.splice(m_memory.begin(), m_memory, it);
    ++m_stats.memoryHits;
    return m_memory.front().second;
  }
  if (std::optional<ImageEmbedding> loaded = readDisk(key)) {
    ++m_stats.diskHits;
    remember(key, *loaded);
    if (fromDisk) *fromDisk = true;
    return loaded;
  }
  ++m_stats.misses;
  return std::nullopt;
}

bool EmbeddingCache::contains(const std::string& key) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (std::any_of(m_memory.begin(), m_memory.end(), [&](const auto& e) { return e.first == key; })) return true;
  std::error_code error;
  return !m_options.diskDirectory.empty() && fs::exists(diskPath(key), error);
}

void EmbeddingCache::store(const std::string& key, const ImageEmbedding& embedding) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_stats.stores;
  remember(key, embedding);
  if (m_options.diskDirectory.empty()) return;
  try {
    writeDisk(key, embedding);
    trimDisk();
  } catch (const std::exception& e) {
    m_lastProblem = std::string("embedding cache: could not write: ") + e.what();
    platform::logMessage(platform::LogLevel::Warning, m_lastProblem);
  }
}

void EmbeddingCache::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_memory.remove_if([&](const auto& entry) { return entry.first == key; });
  std::error_code error;
  if (!m_options.diskDirectory.empty()) fs::remove(diskPath(key), error);
}

std::optional<ImageEmbedding> EmbeddingCache::readDisk(const std::string& key) {
  if (m_options.diskDirectory.empty()) return std::nullopt;
  const std::string path = diskPath(key);
  std::error_code error;
  if (!fs::exists(path, error)) return std::nullopt;
  try {
    const weights::SafetensorsFile file = weights::SafetensorsFile::open(path);
    const auto& meta = file.metadata();
    auto field = [&](const char* name) {
      const auto it = meta.find(name);
      if (it == meta.end()) throw weights::FormatError(path + ": no '" + name + "' in the metadata");
      return it->second;
    };
    if (field("format") != kEntryFormat) throw weights::FormatError(path + ": not an embedding cache entry");
    if (field("key") != key) throw weights::FormatError(path + ": holds another key");
    uint64_t checksum = 0;
    ImageEmbedding embedding;
    for (const std::string& name : file.names()) {
      const weights::TensorView& view = file.tensor(name);
      checksum = io::fastHash64(view.data, view.bytes, checksum);
      embedding[name] = weights::toTensor(view);
    }
    if (field("checksum") != hex64(checksum)) throw weights::FormatError(path + ": checksum mismatch (damaged file)");
    fs::last_write_time(path, fs::file_time_type::clock::now(), error);  // least recently *used* eviction
    return embedding;
  } catch (const std::exception& e) {
    ++m_stats.corruptEntries;
    m_lastProblem = std::string("embedding cache: discarded a damaged entry: ") + e.what();
    platform::logMessage(platform::LogLevel::Warning, m_lastProblem);
    fs::remove(path, error);
    return std::nullopt;
  }
}

void EmbeddingCache::writeDisk(const std::string& key, const ImageEmbedding& embedding) {
  fs::create_directories(m_options.diskDirectory);
  std::vector<at::Tensor> keepAlive;
  std::vector<weights::TensorView> views;
  uint64_t checksum = 0;
  for (const auto& [name, tensor] : embedding) {  // std::map: sorted, the order the reader hashes in
    at::Tensor t = tensor.to(at::kCPU).contiguous();
    keepAlive.push_back(t);
    const weights::DType dtype = toDType(t.scalar_type());
    const std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
    const size_t bytes = size_t(t.numel()) * t.element_size();
    views.push_back({name, dtype, shape, static_cast<const uint8_t*>(t.data_ptr()), bytes});
    checksum = io::fastHash64(t.data_ptr(), bytes, checksum);
  }
  const std::string bytes =
      weights::serializeSafetensors(views, {{"format", kEntryFormat}, {"key", key}, {"checksum", hex64(checksum)}});
  io::writeFileAtomically(diskPath(key), bytes);
}

void EmbeddingCache::trimDisk() {
  struct Entry {
    fs::path path;
    uint64_t size;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(m_options.diskDirectory, error)) {
    if (item.path().extension() != kExtension) continue;
    const uint64_t size = item.file_size(error);
    entries.push_back({item.path(), size, item.last_write_time(error)});
    total += size;
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (size_t i = 0; total > m_options.diskBudgetBytes && i + 1 < entries.size(); ++i) {  // never the newest
    if (fs::remove(entries[i].path, error)) {
      total -= entries[i].size;
      ++m_stats.evictedFiles;
    }
  }
}

EmbeddingCacheStats EmbeddingCache::stats() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_stats;
}

std::string EmbeddingCache::lastProblem() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_lastProblem;
}

}  // namespace sam3::model
