#include "engine/factory/EngineFactory.h"

#include <cstdlib>

#include "engine/classic/ClassicSegmenter.h"
#include "engine/sam3/Sam3Segmenter.h"

namespace sam3::factory {

std::unique_ptr<segment::Segmenter> openEngine(const segment::EngineOptions& options, std::string& error) {
  if (options.bundleDirectory.empty()) return classic::openClassicEngine(options, error);
  model::Sam3SegmenterOptions sam3;
  sam3.bundleDirectory = options.bundleDirectory;
  sam3.device = options.device;
  sam3.precision = options.precision;
  sam3.cacheDirectory = options.cacheDirectory.empty() ? defaultCacheDirectory() : options.cacheDirectory;
  sam3.threads = options.threads;
  try {
    return model::Sam3Segmenter::open(sam3, error);
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

std::string defaultCacheDirectory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::string base = xdg && *xdg ? xdg : std::string(home ? home : ".") + "/.cache";
  return base + "/sam3-annotate/sam3-annotate/embeddings";
}

}  // namespace sam3::factory
