#pragma once
// An object class: stable id (>= 1), name, display colour, optional COCO supercategory, and
// optionally the phrase(s) a concept model is asked for it (class names as prompts).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sam3::annotation {

struct Category {
  int id = 0;
  std::string name;
  std::array<uint8_t, 3> color{230, 25, 75};
  std::string supercategory;
  // What to ask a concept model for ("" = the name); commas separate alternatives, each asked
  // on its own (class "car", phrase "car, van").
  std::string phrase;

  bool operator==(const Category& o) const {
    return id == o.id && name == o.name && color == o.color && supercategory == o.supercategory && phrase == o.phrase;
  }
};

// The class's phrases, trimmed, without empty or repeated ones; the name when no phrase is set;
// nothing when neither is usable.
std::vector<std::string> conceptPhrases(const Category& category);

}  // namespace sam3::annotation
