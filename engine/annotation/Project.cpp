#include "engine/annotation/Project.h"

#include <algorithm>
#include <stdexcept>

namespace sam3::annotation {
namespace {

std::string baseName(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

template <typename Map, typename Id>
Id assignId(Map& map, Id requested, Id& next, const char* what) {
  if (requested == 0) requested = next;
  if (requested < 1) throw std::invalid_argument(std::string(what) + " ids start at 1, got " + std::to_string(requested));
  next = std::max(next, requested + 1);
  return requested;
}

}  // namespace

int Project::putCategory(Category category) {
  if (category.name.empty()) throw std::invalid_argument("a category needs a name");
  const auto existing = categoryByName(category.name);
  if (existing && existing->id != category.id) {
    throw std::invalid_argument("a category named '" + category.name + "' exists already");
  }
  category.id = assignId(m_categories, category.id, m_nextCategoryId, "category");
  const int id = category.id;
  m_categories[id] = std::move(category);
  return id;
}

bool Project::removeCategory(int id) {
  for (const auto& entry : m_objects) {
    if (entry.second.categoryId == id) return false;
  }
  return m_categories.erase(id) > 0;
}

const Category* Project::category(int id) const {
  const auto it = m_categories.find(id);
  return it == m_categories.end() ? nullptr : &it->second;
}

const Category* Project::categoryByName(const std::string& name) const {
  for (const auto& entry : m_categories) {
    if (entry.second.name == name) return &entry.second;
  }
  return nullptr;
}

int Project::putImage(ImageRecord image) {
  if (image.width <= 0 || image.height <= 0) {
    throw std::invalid_argument("image '" + image.path + "' needs a positive size");
  }
  image.id = assignId(m_images, image.id, m_nextImageId, "image");
  const int id = image.id;
  m_images[id] = std::move(image);
  return id;
}

bool Project::removeImage(int id) {
  if (!m_images.erase(id)) return false;
  for (auto it = m_objects.begin(); it != m_objects.end();) {
    it = it->second.imageId == id ? m_objects.erase(it) : std::next(it);
  }
  return true;
}

const ImageRecord* Project::image(int id) const {
  const auto it = m_images.find(id);
  return it == m_images.end() ? nullptr : &it->second;
}

ImageRecord* Project::mutableImage(int id) {
  const auto it = m_images.find(id);
  return it == m_images.end() ? nullptr : &it->second;
}

const ImageRecord* Project::imageByFileName(const std::string& fileName) const {
  const std::string wanted = baseName(fileName);
  for (const auto& entry : m_images) {
    if (baseName(entry.second.path) == wanted) return &entry.second;
  }
  return nullptr;
}

int64_t Project::putObject(AnnotationObject object) {
  const ImageRecord* img = image(object.imageId);
  if (!img) throw std::invalid_argument("object refers to unknown image " + std::to_string(object.imageId));
  if (!category(object.categoryId)) {
    throw std::invalid_argument("object refers to unknown category " + std::to_string(object.categoryId));
  }
  if (!object.box && (object.mask.height != img->height || object.mask.width != img->width)) {
    throw std::invalid_argument("object mask is " + std::to_string(object.mask.height) + "x" +
                                std::to_string(object.mask.width) + " but image " + std::to_string(img->id) + " is " +
                                std::to_string(img->height) + "x" + std::to_string(img->width));
  }
  object.id = assignId(m_objects, object.id, m_nextObjectId, "object");
  const int64_t id = object.id;
  m_objects[id] = std::move(object);
  return id;
}

bool Project::removeObject(int64_t id) { return m_objects.erase(id) > 0; }

const AnnotationObject* Project::object(int64_t id) const {
  const auto it = m_objects.find(id);
  return it == m_objects.end() ? nullptr : &it->second;
}

std::vector<const AnnotationObject*> Project::objectsOfImage(int imageId) const {
  std::vector<const AnnotationObject*> out;
  for (const auto& entry : m_objects) {
    if (entry.second.imageId == imageId) out.push_back(&entry.second);
  }
  return out;
}

}  // namespace sam3::annotation
