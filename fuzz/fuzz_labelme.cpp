// labelme / X-AnyLabeling files from any bytes: every shape is imported or reported, and the
// project stays consistent (objects on existing images and classes, masks of their image's size).
// Any exception or crash is a finding.
#include <nlohmann/json.hpp>

#include "engine/io/Labelme.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  sam3::annotation::Project project;
  sam3::io::InterchangeReport report;
  sam3::io::importLabelme(json, "/fuzz/labels/a.json", project, report);
  for (const auto& [id, object] : project.objects()) {
    const sam3::annotation::ImageRecord* image = project.image(object.imageId);
    if (!image || !project.category(object.categoryId)) __builtin_trap();
    if (object.mask.height != image->height || object.mask.width != image->width) __builtin_trap();
  }
  return 0;
}
