#pragma once
// Image embeddings, cached twice: an in-memory LRU of the last few images and an on-disk,
// content-addressed store (one safetensors file per key, written atomically, checksummed, the
// folder bounded in size by evicting the least recently used files). A damaged or truncated
// file is detected, deleted and reported as a miss, so the caller recomputes it.

#include <ATen/ATen.h>

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sam3::model {

using ImageEmbedding = std::map<std::string, at::Tensor>;

struct EmbeddingCacheOptions {
  size_t memoryEntries = 3;             // images kept in memory
  std::string diskDirectory;            // "" = no disk cache
  uint64_t diskBudgetBytes = 8ULL << 30;  // the folder is trimmed to this size
};

struct EmbeddingCacheStats {
  int memoryHits = 0, diskHits = 0, misses = 0, stores = 0, corruptEntries = 0, evictedFiles = 0;
};

class EmbeddingCache {
 public:
  explicit EmbeddingCache(EmbeddingCacheOptions options);

  // Memory first, then disk (a disk hit is promoted to memory; `fromDisk` says which). nullopt
  // on a miss.
  std::optional<ImageEmbedding> find(const std::string& key, bool* fromDisk = nullptr);
  bool contains(const std::string& key);  // memory or disk, without loading
  // Keeps the embedding in memory and writes it to disk. Disk problems are not errors (the
  // cache only saves time); the last one is kept in lastProblem().
  void store(const std::string& key, const ImageEmbedding& embedding);
  void forget(const std::string& key);  // from memory and disk

  EmbeddingCacheStats stats() const;
  std::string lastProblem() const;
  std::string diskPath(const std::string& key) const;

 private:
  void remember(const std::string& key, const ImageEmbedding& embedding);  // memory LRU, mutex held
  std::optional<ImageEmbedding> readDisk(const std::string& key);
  void writeDisk(const std::string& key, const ImageEmbedding& embedding);
  void trimDisk();

  EmbeddingCacheOptions m_options;
  mutable std::mutex m_mutex;
  std::list<std::pair<std::string, ImageEmbedding>> m_memory;  // most recent first
  EmbeddingCacheStats m_stats;
  std::string m_lastProblem;
};

}  // namespace sam3::model
