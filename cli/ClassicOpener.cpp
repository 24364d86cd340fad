// The classic engine's opener for the LibTorch-free `segment` (the launcher's).
#include "engine/classic/ClassicSegmenter.h"
#include "SegmentCli.h"

namespace sam3::cli {

EngineOpener classicEngineOpener() {
  return [](const segment::EngineOptions& options, std::string& error) -> std::unique_ptr<segment::Segmenter> {
    if (!options.bundleDirectory.empty()) {
      error = "this build of the command runs the classic engine only; run sam3-annotate-app for a bundle";
      return nullptr;
    }
    return std::make_unique<classic::ClassicSegmenter>();
  };
}

}  // namespace sam3::cli
