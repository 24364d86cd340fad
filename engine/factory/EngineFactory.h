#pragma once
// The one way to open a segmentation engine: the classic (OpenCV) one, or SAM3 on a model
// bundle with its device and embedding cache. The GUI's engine worker and the command line
// both call it; neither names a concrete engine. It sits above the interface (engine/segment)
// and both engines, so the interface folder includes neither.

#include <memory>
#include <string>

#include "engine/segment/EngineOptions.h"
#include "engine/segment/Segmenter.h"

namespace sam3::factory {

// nullptr and `error` (for the user) when the bundle cannot be used.
std::unique_ptr<segment::Segmenter> openEngine(const segment::EngineOptions& options, std::string& error);

// $XDG_CACHE_HOME (or ~/.cache) + /sam3-annotate/sam3-annotate/embeddings: one cache for the GUI
// and the command line.
std::string defaultCacheDirectory();

}  // namespace sam3::factory
