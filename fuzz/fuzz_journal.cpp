// Journal replay from any bytes (a torn or tampered journal): never crashes, only reports.
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "engine/io/AtomicFile.h"
#include "engine/io/ProjectJournal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/sam3-fuzz-journal-" + std::to_string(getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  sam3::annotation::Project project;
  try {
    (void)sam3::io::ProjectJournal::replay(path, project);
  } catch (const std::exception&) {
  }
  return 0;
}
