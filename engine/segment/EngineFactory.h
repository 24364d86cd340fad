#pragma once
// The one way to open a segmentation engine: the classic (OpenCV) one, or SAM3 on a model
// bundle with its device and embedding cache. The GUI's engine worker and the command line
// both call it; neither names a concrete engine.

#include <memory>
#include <string>

#include "engine/segment/Segmenter.h"

namespace sam3::segment {

struct EngineOptions {
  std::string bundleDirectory;  // "" = the classic engine
  std::string device = "auto";  // auto, cpu or cuda (SAM3)
  std::string precision = "auto";  // auto, fp32 or bf16 (SAM3's heavy graphs)
  std::string cacheDirectory;   // embedding cache; "" = defaultCacheDirectory()
  int threads = 0;              // intra-op threads (SAM3); 0 = the engine's default
};

// nullptr and `error` (for the user) when the bundle cannot be used.
std::unique_ptr<Segmenter> openEngine(const EngineOptions& options, std::string& error);

// $XDG_CACHE_HOME (or ~/.cache) + /sam3-annotate/sam3-annotate/embeddings: one cache for the GUI
// and the command line.
std::string defaultCacheDirectory();

}  // namespace sam3::segment
