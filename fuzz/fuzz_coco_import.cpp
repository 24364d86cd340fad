// COCO import from any bytes: every item is imported or reported with its JSON path, and the
// project stays consistent (objects refer to existing images and categories, masks have their
// image's size). Any exception or crash is a finding.
#include <nlohmann/json.hpp>

#include "engine/io/CocoImport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  sam3::annotation::Project project;
  (void)sam3::io::importCoco(json, project);
  for (const auto& [id, object] : project.objects()) {
    const sam3::annotation::ImageRecord* image = project.image(object.imageId);
    if (!image || !project.category(object.categoryId)) __builtin_trap();
    if (!object.mask.counts.empty() && (object.mask.height != image->height || object.mask.width != image->width)) __builtin_trap();
  }
  return 0;
}
