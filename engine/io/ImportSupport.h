#pragma once
// What the importers (COCO, labelme, YOLO) share: classes found by name or made with a colour
// of a fixed palette, and images found by file name or added with their size.

#include <array>
#include <cstdint>
#include <string>

#include "engine/annotation/Project.h"

namespace sam3::io {

// A distinct colour per category from a fixed, readable palette.
std::array<uint8_t, 3> paletteColor(size_t index);

// The id of the class called `name`, made when missing (with `supercategory`; `created` then set).
int categoryNamed(annotation::Project& project, const std::string& name, bool* created = nullptr, const std::string& supercategory = {});

// The id of the image whose file name is `path`'s, added with `width` × `height` when missing
// (`created` then set); 0 when one exists with another size (`why` says so).
int imageNamed(annotation::Project& project, const std::string& path, int width, int height, bool* created, std::string* why);

}  // namespace sam3::io
