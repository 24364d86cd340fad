#include "engine/io/CocoSegmentation.h"

#include "engine/mask/Polygons.h"

namespace sam3::io {

mask::Rle segmentationToRle(const nlohmann::json& seg, int height, int width) {
  if (seg.is_array()) {
    if (seg.empty()) throw mask::RleError("empty polygon list");
    std::vector<mask::Ring> rings;
    for (size_t i = 0; i < seg.size(); ++i) {
      const auto& ring = seg[i];
      if (!ring.is_array()) throw mask::RleError("polygon " + std::to_string(i) + " is not a list of numbers");
      mask::Ring r;
      for (const auto& v : ring) {
        if (!v.is_number()) throw mask::RleError("polygon " + std::to_string(i) + " holds a non-number");
        r.push_back(v.get<double>());
      }
      if (r.size() < 6 || r.size() % 2 != 0) {
        throw mask::RleError("polygon " + std::to_string(i) + " has " + std::to_string(r.size()) +
                             " values; a polygon needs an even count of at least 6");
      }
      rings.push_back(std::move(r));
    }
    return mask::polygonsToRle(rings, height, width);
  }
  if (!seg.is_object()) throw mask::RleError("segmentation must be a polygon list or an RLE object");
  const auto size = seg.find("size");
  if (size == seg.end() || !size->is_array() || size->size() != 2 || !(*size)[0].is_number_integer() ||
      !(*size)[1].is_number_integer()) {
    throw mask::RleError("RLE needs \"size\": [height, width]");
  }
  const int h = (*size)[0].get<int>(), w = (*size)[1].get<int>();
  if (h != height || w != width) {
    throw mask::RleError("RLE size [" + std::to_string(h) + ", " + std::to_string(w) + "] differs from the image's [" +
                         std::to_string(height) + ", " + std::to_string(width) + "]");
  }
  const auto counts = seg.find("counts");
  if (counts == seg.end()) throw mask::RleError("RLE has no \"counts\"");
  if (counts->is_string()) return mask::fromCompressedString(counts->get<std::string>(), h, w);
  if (!counts->is_array()) throw mask::RleError("RLE counts must be a string or a list of integers");
  mask::Rle rle{h, w, {}};
  for (const auto& c : *counts) {
    if (!c.is_number_integer() || c.get<int64_t>() < 0 || c.get<int64_t>() > int64_t(UINT32_MAX)) {
      throw mask::RleError("uncompressed RLE counts must be non-negative integers");
    }
    rle.counts.push_back(uint32_t(c.get<int64_t>()));
  }
  mask::validate(rle);
  return rle;
}

}  // namespace sam3::io
