#pragma once
// The project file's JSON form (format "sam3-annotate-project", versioned) and the codecs of
// its parts, shared with the edit journal. Every reading error names its JSON path.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "engine/annotation/Project.h"

namespace sam3::io {

class ProjectFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int kProjectFormatVersion = 1;

// `relativeTo`: when not empty, absolute image paths inside that folder are written relative to
// it, so a project folder can be moved or shared as a whole.
nlohmann::json toJson(const annotation::Project& project, const std::string& relativeTo = "");
// Throws ProjectFormatError ("objects[3].mask.counts: ...") for anything malformed, including
// a format version newer than this build understands.
annotation::Project projectFromJson(const nlohmann::json& json);

nlohmann::json toJson(const annotation::Category& category);
nlohmann::json toJson(const annotation::ImageRecord& image, const std::string& relativeTo = "");
nlohmann::json toJson(const annotation::AnnotationObject& object);
annotation::Category categoryFromJson(const nlohmann::json& json, const std::string& path);
annotation::ImageRecord imageFromJson(const nlohmann::json& json, const std::string& path);
annotation::AnnotationObject objectFromJson(const nlohmann::json& json, const std::string& path);

std::string colorToHex(const std::array<uint8_t, 3>& color);

}  // namespace sam3::io
