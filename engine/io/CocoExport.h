#pragma once
// COCO instance-segmentation export that loaders trust: ids from 1, area and bbox measured on
// the exported mask, size = [h, w], iscrowd 0 unless the user marked a crowd region, no
// non-standard keys in annotations.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/io/CocoTypes.h"

namespace sam3::io {

struct CocoExportOptions {
  enum class Segmentation { Rle, Polygons };
  Segmentation segmentation = Segmentation::Rle;  // RLE is lossless
  double polygonTolerance = 0.0;                  // Douglas-Peucker tolerance in pixels
  std::string description = "Exported by SAM3 Annotate";
  // file_name is the image's path relative to `imageRoot` (the folder a loader is given, e.g.
  // detectron2's register_coco_instances image_root) when the image lies inside it; otherwise,
  // or with an empty root, the absolute path. `projectFolder` resolves paths the project stores
  // relative to itself. imageRootOf() gives the usual root: the images' common folder.
  std::string imageRoot;
  std::string projectFolder;
};

// The deepest folder that holds every image of `project` (paths resolved against
// `projectFolder`), or "" when there is none (no images, bundled samples).
std::string imageRootOf(const annotation::Project& project, const std::string& projectFolder);

struct CocoExportResult {
  nlohmann::json coco;
  std::vector<CocoProblem> warnings;  // e.g. holes a polygon cannot carry
};

// `progress(done, total)` may return false to cancel: the result then holds what was exported
// so far (and a warning saying it was cancelled).
CocoExportResult exportCoco(const annotation::Project& project, const CocoExportOptions& options = {},
                            const std::function<bool(size_t, size_t)>& progress = {});

// COCO results (what a detector hands to COCOeval, and pycocotools' loadRes reads): one entry
// per object with a mask: image_id and category_id as exportCoco writes them, compressed RLE,
// bbox and score.
nlohmann::json exportCocoResults(const annotation::Project& project);

}  // namespace sam3::io
