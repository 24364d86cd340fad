#pragma once
// An object class: stable id (>= 1), name, display colour, optional COCO supercategory.

#include <array>
#include <cstdint>
#include <string>

namespace sam3::annotation {

struct Category {
  int id = 0;
  std::string name;
  std::array<uint8_t, 3> color{230, 25, 75};
  std::string supercategory;

  bool operator==(const Category& o) const {
    return id == o.id && name == o.name && color == o.color && supercategory == o.supercategory;
  }
};

}  // namespace sam3::annotation
