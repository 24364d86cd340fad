#include "engine/platform/OpenMpWaitPolicy.h"

#include <unistd.h>

#include <cstdlib>

namespace sam3::platform {

void preferShortOpenMpSpin(int argc, char** argv) {
  if (argc < 1 || std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  // Measured on 2 Zen 3 cores: 10k spins gave the best median and p90 of a click (0 spins
  // cost ~3 ms of wake-ups per click; the default left a third of the clicks 13 ms slower).
  if (setenv("GOMP_SPINCOUNT", "10000", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // execv returned: it failed; carry on with libgomp's default, which is only slower.
}

}  // namespace sam3::platform
