#pragma once
// The annotation document: images, categories and objects, with id allocation and lookups.
// Pure values, no I/O (see io/ProjectCodec and io/ProjectFile). Only this class mutates them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/annotation/AnnotationObject.h"
#include "engine/annotation/Category.h"
#include "engine/annotation/ImageRecord.h"

namespace sam3::annotation {

class Project {
 public:
  // Adds with the next free id when `category.id` is 0, else with the given id (which must be
  // unused and >= 1). Returns the id. Throws std::invalid_argument otherwise.
  int putCategory(Category category);
  bool removeCategory(int id);  // also fails (false) while objects use it
  const Category* category(int id) const;
  const Category* categoryByName(const std::string& name) const;
  const std::map<int, Category>& categories() const { return m_categories; }

  int putImage(ImageRecord image);  // same id rules as putCategory
  bool removeImage(int id);         // removes its objects too
  const ImageRecord* image(int id) const;
  ImageRecord* mutableImage(int id);
  // Matches by file name (the last path component), as COCO files refer to images.
  const ImageRecord* imageByFileName(const std::string& fileName) const;
  const std::map<int, ImageRecord>& images() const { return m_images; }

  // Adds or replaces an object; id 0 takes the next free id. The image and category must exist.
  int64_t putObject(AnnotationObject object);
  bool removeObject(int64_t id);
  const AnnotationObject* object(int64_t id) const;
  const std::map<int64_t, AnnotationObject>& objects() const { return m_objects; }
  std::vector<const AnnotationObject*> objectsOfImage(int imageId) const;

  int64_t nextObjectId() const { return m_nextObjectId; }

  bool operator==(const Project& o) const {
    return m_categories == o.m_categories && m_images == o.m_images && m_objects == o.m_objects;
  }

 private:
  std::map<int, Category> m_categories;
  std::map<int, ImageRecord> m_images;
  std::map<int64_t, AnnotationObject> m_objects;
  int m_nextCategoryId = 1;
  int m_nextImageId = 1;
  int64_t m_nextObjectId = 1;
};

}  // namespace sam3::annotation
