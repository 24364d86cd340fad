// sam3-segment: the Qt-free `segment` command (the same code as `sam3-annotate segment`), for
// machines without Qt such as a GPU server.

#include <string>
#include <vector>

#include "SegmentCli.h"
#include "engine/platform/OpenMpWaitPolicy.h"

int main(int argc, char* argv[]) {
  sam3::platform::preferShortOpenMpSpin(argc, argv);
  sam3::cli::SegmentDefaults defaults;
  defaults.openEngine = sam3::cli::anyEngineOpener();
  return sam3::cli::runSegment(std::vector<std::string>(argv + 1, argv + argc), defaults);
}
