#pragma once
// YOLO segmentation labels (Ultralytics: one `<image stem>.txt` per image, one line per object:
// the class index and a normalized polygon x y x y …; a line of four numbers is a box
// cx cy w h) with the class names of a classes.txt (one per line), into a project. Image sizes
// come from the files' headers, EXIF orientation applied (as the loaders that read these do).

#include <string>

#include "engine/annotation/Project.h"
#include "engine/io/Labelme.h"

namespace sam3::io {

// `classesFile` may be "" (then `<labelsFolder>/classes.txt` when it exists, else class_<i>).
// Every image of `imagesFolder` is added (images without a label file are negatives); label
// files without an image and malformed lines are reported with file and line.
InterchangeReport importYoloSegmentation(const std::string& imagesFolder, const std::string& labelsFolder, std::string classesFile,
                                         annotation::Project& project);

}  // namespace sam3::io
