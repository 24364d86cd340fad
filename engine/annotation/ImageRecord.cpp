#include "engine/annotation/ImageRecord.h"

#include <stdexcept>

namespace sam3::annotation {

const char* toString(ImageStatus status) {
  switch (status) {
    case ImageStatus::New: return "new";
    case ImageStatus::InProgress: return "in_progress";
    case ImageStatus::Done: return "done";
    case ImageStatus::Reviewed: return "reviewed";
  }
  return "new";
}

ImageStatus imageStatusFromString(const std::string& name) {
  for (ImageStatus s : {ImageStatus::New, ImageStatus::InProgress, ImageStatus::Done, ImageStatus::Reviewed}) {
    if (name == toString(s)) return s;
  }
  throw std::invalid_argument("unknown image status '" + name + "' (new, in_progress, done, reviewed)");
}

}  // namespace sam3::annotation
