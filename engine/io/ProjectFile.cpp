#include "engine/io/ProjectFile.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/io/AtomicFile.h"
#include "engine/io/ProjectCodec.h"

namespace sam3::io {

void saveProject(const annotation::Project& project, const std::string& path) {
  // Images inside the project's folder are stored relative to it.
  const std::string folder = std::filesystem::absolute(std::filesystem::path(path)).parent_path().string();
  writeFileAtomically(path, toJson(project, folder).dump(1) + "\n");
}

annotation::Project loadProject(const std::string& path) {
  const std::string bytes = readWholeFile(path);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + " is not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  try {
    return projectFromJson(json);
  } catch (const ProjectFormatError& e) {
    throw ProjectFormatError(path + ": " + e.what());
  }
}

}  // namespace sam3::io
