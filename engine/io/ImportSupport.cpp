#include "engine/io/ImportSupport.h"

#include <filesystem>

namespace sam3::io {

std::array<uint8_t, 3> paletteColor(size_t index) {
  static const std::array<std::array<uint8_t, 3>, 10> palette = {{{230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200},
                                                                  {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230},
                                                                  {210, 245, 60}, {250, 190, 212}}};
  return palette[index % palette.size()];
}

int categoryNamed(annotation::Project& project, const std::string& name, bool* created, const std::string& supercategory) {
  if (created) *created = false;
  if (const annotation::Category* existing = project.categoryByName(name)) return existing->id;
  annotation::Category category;
  category.name = name;
  category.supercategory = supercategory;
  category.color = paletteColor(project.categories().size());
  if (created) *created = true;
  return project.putCategory(category);
}

int imageNamed(annotation::Project& project, const std::string& path, int width, int height, bool* created, std::string* why) {
  if (created) *created = false;
  const std::string fileName = std::filesystem::path(path).filename().string();
  if (const annotation::ImageRecord* existing = project.imageByFileName(fileName)) {
    if (existing->width == width && existing->height == height) return existing->id;
    if (why) {
      *why = "is " + std::to_string(width) + " x " + std::to_string(height) + " but the project's '" + existing->path + "' is " +
             std::to_string(existing->width) + " x " + std::to_string(existing->height);
    }
    return 0;
  }
  annotation::ImageRecord record;
  record.path = path;
  record.width = width;
  record.height = height;
  if (created) *created = true;
  return project.putImage(record);
}

}  // namespace sam3::io
