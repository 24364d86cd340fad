// The classic engine's opener for the LibTorch-free `segment` (the launcher's): the classic
// branch of the factory, without linking the factory's SAM3 half.
#include "engine/classic/ClassicSegmenter.h"
#include "SegmentCli.h"

namespace sam3::cli {

EngineOpener classicEngineOpener() { return classic::openClassicEngine; }

}  // namespace sam3::cli
