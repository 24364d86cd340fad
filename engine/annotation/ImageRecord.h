#pragma once
// One image of a project: path relative to the project file, size, content hash, work status.

#include <string>

namespace sam3::annotation {

enum class ImageStatus { New, InProgress, Done, Reviewed };

const char* toString(ImageStatus status);
// Throws std::invalid_argument for an unknown name.
ImageStatus imageStatusFromString(const std::string& name);

struct ImageRecord {
  int id = 0;
  std::string path;         // relative to the project file's folder (or absolute)
  int width = 0;
  int height = 0;
  std::string contentHash;  // hex digest of the file's bytes, empty when unknown
  ImageStatus status = ImageStatus::New;

  bool operator==(const ImageRecord& o) const {
    return id == o.id && path == o.path && width == o.width && height == o.height &&
           contentHash == o.contentHash && status == o.status;
  }
};

}  // namespace sam3::annotation
