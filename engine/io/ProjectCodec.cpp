#include "engine/io/ProjectCodec.h"

#include <cstdio>
#include <filesystem>

#include "engine/mask/Rle.h"

namespace sam3::io {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw ProjectFormatError(path + ": " + what); }

const json& field(const json& object, const char* key, const std::string& path) {
  if (!object.is_object()) fail(path, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) fail(path + "." + key, "missing");
  return *it;
}

template <typename T>
T number(const json& object, const char* key, const std::string& path) {
  const json& v = field(object, key, path);
  if (!v.is_number()) fail(path + "." + key, "expected a number, got " + std::string(v.type_name()));
  if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer()) fail(path + "." + key, "expected an integer");
  }
  return v.get<T>();
}

std::string text(const json& object, const char* key, const std::string& path, bool required = true) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) fail(path + "." + key, "missing");
    return {};
  }
  if (!it->is_string()) fail(path + "." + key, "expected a string");
  return it->get<std::string>();
}

std::array<uint8_t, 3> colorFromHex(const std::string& hex, const std::string& path) {
  unsigned r, g, b;
  if (hex.size() != 7 || hex[0] != '#' || std::sscanf(hex.c_str() + 1, "%2x%2x%2x", &r, &g, &b) != 3) {
    fail(path, "expected a colour like \"#e6194b\", got \"" + hex + "\"");
  }
  return {uint8_t(r), uint8_t(g), uint8_t(b)};
}

}  // namespace

std::string colorToHex(const std::array<uint8_t, 3>& color) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "#%02x%02x%02x", color[0], color[1], color[2]);
  return buffer;
}

json toJson(const annotation::Category& c) {
  json j = {{"id", c.id}, {"name", c.name}, {"color", colorToHex(c.color)}, {"supercategory", c.supercategory}};
  if (!c.phrase.empty()) j["phrase"] = c.phrase;  // absent in projects without one (older readers ignore it)
  return j;
}

json toJson(const annotation::ImageRecord& i, const std::string& relativeTo) {
  std::string path = i.path;
  if (!relativeTo.empty() && std::filesystem::path(path).is_absolute()) {
    const std::filesystem::path relative = std::filesystem::path(path).lexically_relative(relativeTo);
    if (!relative.empty() && *relative.begin() != "..") path = relative.generic_string();
  }
  return {{"id", i.id},         {"path", path}, {"width", i.width}, {"height", i.height},
          {"hash", i.contentHash}, {"status", annotation::toString(i.status)}};
}

json toJson(const annotation::AnnotationObject& o) {
  json j = {{"id", o.id},
            {"image_id", o.imageId},
            {"category_id", o.categoryId},
            {"mask", {{"size", {o.mask.height, o.mask.width}}, {"counts", mask::toCompressedString(o.mask)}}},
            {"score", o.score},
            {"source", o.source},
            {"prompts", o.promptHistory},
            {"attributes", o.attributes},
            {"iscrowd", o.isCrowd}};
  if (o.box) j["box"] = *o.box;
  return j;
}

annotation::Category categoryFromJson(const json& j, const std::string& path) {
  annotation::Category c;
  c.id = number<int>(j, "id", path);
  if (c.id < 1) fail(path + ".id", "ids start at 1");
  c.name = text(j, "name", path);
  if (c.name.empty()) fail(path + ".name", "must not be empty");
  const std::string color = text(j, "color", path, false);
  if (!color.empty()) c.color = colorFromHex(color, path + ".color");
  c.supercategory = text(j, "supercategory", path, false);
  c.phrase = text(j, "phrase", path, false);
  return c;
}

annotation::ImageRecord imageFromJson(const json& j, const std::string& path) {
  annotation::ImageRecord i;
  i.id = number<int>(j, "id", path);
  if (i.id < 1) fail(path + ".id", "ids start at 1");
  i.path = text(j, "path", path);
  i.width = number<int>(j, "width", path);
  i.height = number<int>(j, "height", path);
  if (i.width <= 0 || i.height <= 0) fail(path, "width and height must be positive");
  i.contentHash = text(j, "hash", path, false);
  const std::string status = text(j, "status", path, false);
  try {
    if (!status.empty()) i.status = annotation::imageStatusFromString(status);
  } catch (const std::invalid_argument& e) {
    fail(path + ".status", e.what());
  }
  return i;
}

annotation::AnnotationObject objectFromJson(const json& j, const std::string& path) {
  annotation::AnnotationObject o;
  o.id = number<int64_t>(j, "id", path);
  if (o.id < 1) fail(path + ".id", "ids start at 1");
  o.imageId = number<int>(j, "image_id", path);
  o.categoryId = number<int>(j, "category_id", path);
  const json& m = field(j, "mask", path);
  const json& size = field(m, "size", path + ".mask");
  if (!size.is_array() || size.size() != 2 || !size[0].is_number_integer() || !size[1].is_number_integer()) {
    fail(path + ".mask.size", "expected [height, width]");
  }
  try {
    o.mask = mask::fromCompressedString(text(m, "counts", path + ".mask"), size[0].get<int>(), size[1].get<int>());
  } catch (const mask::RleError& e) {
    fail(path + ".mask.counts", e.what());
  }
  if (j.contains("box")) {
    const json& box = j["box"];
    if (!box.is_array() || box.size() != 4) fail(path + ".box", "expected [x, y, width, height]");
    o.box = box.get<std::array<double, 4>>();
  }
  if (j.contains("score")) o.score = number<double>(j, "score", path);
  o.source = text(j, "source", path, false);
  if (j.contains("prompts")) o.promptHistory = j["prompts"];
  if (j.contains("attributes")) {
    if (!j["attributes"].is_object()) fail(path + ".attributes", "expected an object");
    o.attributes = j["attributes"];
  }
  if (j.contains("iscrowd")) {
    if (!j["iscrowd"].is_boolean()) fail(path + ".iscrowd", "expected true or false");
    o.isCrowd = j["iscrowd"].get<bool>();
  }
  return o;
}

json toJson(const annotation::Project& project, const std::string& relativeTo) {
  json categories = json::array(), images = json::array(), objects = json::array();
  for (const auto& entry : project.categories()) categories.push_back(toJson(entry.second));
  for (const auto& entry : project.images()) images.push_back(toJson(entry.second, relativeTo));
  for (const auto& entry : project.objects()) objects.push_back(toJson(entry.second));
  return {{"format", "sam3-annotate-project"}, {"version", kProjectFormatVersion}, {"categories", categories},
          {"images", images}, {"objects", objects}};
}

annotation::Project projectFromJson(const json& j) {
  if (!j.is_object()) fail("$", "a project file is a JSON object");
  if (text(j, "format", "$") != "sam3-annotate-project") fail("$.format", "not a SAM3 Annotate project");
  const int version = number<int>(j, "version", "$");
  if (version > kProjectFormatVersion) {
    fail("$.version", "the file was written by a newer SAM3 Annotate (format " + std::to_string(version) +
                          ", this build reads up to " + std::to_string(kProjectFormatVersion) + ")");
  }
  annotation::Project project;
  auto each = [&](const char* key, auto&& add) {
    const json& list = field(j, key, "$");
    if (!list.is_array()) fail(std::string("$.") + key, "expected an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      try {
        add(list[i], path);
      } catch (const std::invalid_argument& e) {
        fail(path, e.what());
      }
    }
  };
  each("categories", [&](const json& item, const std::string& path) {
    const auto c = categoryFromJson(item, path);
    if (project.category(c.id)) fail(path + ".id", "duplicate id " + std::to_string(c.id));
    project.putCategory(c);
  });
  each("images", [&](const json& item, const std::string& path) {
    const auto i = imageFromJson(item, path);
    if (project.image(i.id)) fail(path + ".id", "duplicate id " + std::to_string(i.id));
    project.putImage(i);
  });
  each("objects", [&](const json& item, const std::string& path) {
    const auto o = objectFromJson(item, path);
    if (project.object(o.id)) fail(path + ".id", "duplicate id " + std::to_string(o.id));
    project.putObject(o);
  });
  return project;
}

}  // namespace sam3::io
