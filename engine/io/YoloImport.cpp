#include "engine/io/YoloImport.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/io/ImageFiles.h"
#include "engine/io/ImageHeader.h"
#include "engine/io/ImportSupport.h"
#include "engine/mask/Polygons.h"

namespace sam3::io {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> readLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::optional<ImageHeader> headerOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(1 << 20, '\0');  // a JPEG's size can follow a large EXIF block
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(in.gcount()));
  return readImageHeader(reinterpret_cast<const uint8_t*>(head.data()), head.size());
}

struct LineResult {
  int classIndex = -1;
  annotation::AnnotationObject object;
  std::string error;
};

// One label line of an image of `width` × `height`.
LineResult parseLine(const std::string& line, int width, int height) {
  LineResult r;
  std::istringstream in(line);
  std::vector<double> values;
  if (!(in >> r.classIndex) || r.classIndex < 0) {
    r.error = "does not start with a class index";
    return r;
  }
  for (double v; in >> v;) values.push_back(v);
  if (!in.eof()) r.error = "has a value that is not a number";
  for (double v : values)
    if (!(v >= -0.01 && v <= 1.01)) r.error = "has a coordinate outside 0..1 (not normalized)";
  if (r.error.empty() && values.size() == 4) {  // a detection box: centre and size
    const double w = values[2] * width, h = values[3] * height, x = values[0] * width - w / 2, y = values[1] * height - h / 2;
    r.object.box = std::array<double, 4>{x, y, w, h};
    r.object.mask = mask::Rle{height, width, {uint32_t(height) * uint32_t(width)}};
  } else if (r.error.empty() && values.size() >= 6 && values.size() % 2 == 0) {
    mask::Ring ring;
    for (size_t i = 0; i < values.size(); i += 2) ring.insert(ring.end(), {values[i] * width, values[i + 1] * height});
    r.object.mask = mask::polygonToRle(ring, height, width);
  } else if (r.error.empty()) {
    r.error = "has " + std::to_string(values.size()) + " coordinates (a polygon needs an even number from 6, a box 4)";
  }
  return r;
}

}  // namespace

InterchangeReport importYoloSegmentation(const std::string& imagesFolder, const std::string& labelsFolder, std::string classesFile,
                                         annotation::Project& project) {
  InterchangeReport report;
  auto problem = [&](const std::string& where, const std::string& message) {
    report.problems.push_back({CocoProblem::Severity::Error, where, message});
  };
  if (classesFile.empty() && fs::exists(fs::path(labelsFolder) / "classes.txt")) classesFile = (fs::path(labelsFolder) / "classes.txt").string();
  std::vector<std::string> names;
  if (!classesFile.empty()) {
    for (const std::string& line : readLines(classesFile))
      if (!line.empty()) names.push_back(line);
  } else {
    report.problems.push_back({CocoProblem::Severity::Warning, labelsFolder, "has no classes.txt: classes are named class_<index>"});
  }
  std::map<std::string, std::string> imageByStem;
  for (const std::string& image : listImageFiles(imagesFolder)) imageByStem[fs::path(image).stem().string()] = image;
  for (const auto& [stem, imagePath] : imageByStem) {
    const std::optional<ImageHeader> header = headerOf(imagePath);
    const std::string imageName = fs::path(imagePath).filename().string();
    if (!header) {
      problem(imageName, "is not an image this program can read the size of; skipped");
      continue;
    }
    const int width = int(header->orientedWidth()), height = int(header->orientedHeight());
    bool created = false;
    std::string why;
    const int imageId = imageNamed(project, fs::absolute(imagePath).lexically_normal().string(), width, height, &created, &why);
    if (imageId == 0) {
      problem(imageName, why + "; skipped");
      continue;
    }
    ++(created ? report.imagesAdded : report.imagesMatched);
    const fs::path labels = fs::path(labelsFolder) / (stem + ".txt");
    if (!fs::exists(labels)) continue;  // a negative: an image without objects
    ++report.files;
    const std::vector<std::string> lines = readLines(labels.string());
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t") == std::string::npos) continue;
      const std::string where = labels.filename().string() + ":" + std::to_string(i + 1);
      LineResult line = parseLine(lines[i], width, height);
      if (line.error.empty() && !names.empty() && size_t(line.classIndex) >= names.size()) {
        line.error = "has class " + std::to_string(line.classIndex) + " but classes.txt names " + std::to_string(names.size());
      }
      if (!line.error.empty()) {
        problem(where, line.error + "; skipped");
        ++report.skipped;
        continue;
      }
      const std::string name = names.empty() ? "class_" + std::to_string(line.classIndex) : names[size_t(line.classIndex)];
      line.object.categoryId = categoryNamed(project, name, &created);
      report.categoriesAdded += created;
      line.object.imageId = imageId;
      line.object.source = "yolo-import";
      project.putObject(std::move(line.object));
      ++report.objectsAdded;
    }
  }
  for (const auto& entry : fs::directory_iterator(labelsFolder)) {
    const fs::path p = entry.path();
    if (p.extension() == ".txt" && p.filename() != "classes.txt" && !imageByStem.count(p.stem().string())) {
      problem(p.filename().string(), "has no image of that name in " + imagesFolder + "; skipped");
    }
  }
  return report;
}

}  // namespace sam3::io
