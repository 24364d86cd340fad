// Kind "coco_rle": every mask of the case file through our encoder and back, exactly: counts,
// compressed string (both directions), area and bounding box.

#include "GoldenRunner.h"
#include "engine/mask/Rle.h"

namespace sam3::golden {
namespace {

void runCocoRle(const nlohmann::json& file, const std::filesystem::path&, Report& report) {
  noteCpuOnly("coco_rle");
  for (const auto& c : file.at("cases")) {
    const std::string name = c.at("name");
    try {
      const int h = c.at("h"), w = c.at("w");
      std::vector<uint8_t> pixels;
      for (const auto& row : c.at("mask"))
        for (const auto& v : row) pixels.push_back(uint8_t(v.get<int>()));
      const mask::BinaryMask m(h, w, pixels);
      const mask::Rle rle = mask::encode(m);
      const std::vector<uint32_t> expectedCounts = c.at("counts").get<std::vector<uint32_t>>();
      const std::string expectedString = c.at("counts_string");
      const std::array<double, 4> expectedBox = c.at("bbox").get<std::array<double, 4>>();
      std::string problem;
      if (rle.counts != expectedCounts) problem += " counts differ;";
      if (mask::toCompressedString(rle) != expectedString) problem += " compressed string differs;";
      if (!(mask::fromCompressedString(expectedString, h, w) == rle)) problem += " string decode differs;";
      if (!(mask::decode(rle) == m)) problem += " decode differs;";
      if (mask::area(rle) != c.at("area").get<int64_t>()) problem += " area differs;";
      if (mask::boundingBox(rle) != expectedBox) problem += " bbox differs;";
      Comparison result;
      result.problem = problem;
      report.record(name, result);
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("coco_rle", &runCocoRle);

}  // namespace
}  // namespace sam3::golden
