// The opener of every engine (classic or a SAM3 bundle) for `segment` in the app and sam3-segment.
#include "SegmentCli.h"
#include "engine/factory/EngineFactory.h"
#include "engine/platform/EngineInit.h"

namespace sam3::cli {

EngineOpener anyEngineOpener() {
  return [](const segment::EngineOptions& options, std::string& error) {
    platform::keepLargeAllocationsOnHeap();  // before the model load, as the app does
    return factory::openEngine(options, error);
  };
}

}  // namespace sam3::cli
