#pragma once
// Exporting a project, written once for the Export dialog and `sam3-annotate export`: every
// format by a stable id, one call with progress and cancellation, and an outcome with a typed
// status, what was written and the warnings (e.g. holes a polygon cannot carry).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/io/CocoTypes.h"
#include "engine/segment/Cancel.h"
#include "engine/segment/Status.h"

namespace sam3::workflow {

enum class ExportFormat { Coco, CocoPolygons, YoloSeg, ObjectPngs, InstancePngs, CocoResults, Labelme, Voc, LabelmePolygons };

struct ExportFormatInfo {
  ExportFormat format;
  const char* id;     // the command line's --format value; never renamed
  const char* title;  // for a format list
  bool writesFile;    // one file (COCO) rather than a folder
  bool usesImageRoot; // COCO file_name relative to an image root
};

// In the Export dialog's order.
const std::vector<ExportFormatInfo>& exportFormats();
const ExportFormatInfo& exportFormatInfo(ExportFormat format);
std::optional<ExportFormat> exportFormatById(const std::string& id);
std::string exportFormatIds(const std::string& separator);  // "coco|coco-polygons|..."

struct ExportRequest {
  ExportFormat format = ExportFormat::Coco;
  std::string target;         // the file (writesFile) or the folder, created when missing
  std::string projectFolder;  // relative image paths resolve against it
  // COCO: file_name relative to this folder; nullopt = the images' common folder
  // (io::imageRootOf); "" = absolute file names.
  std::optional<std::string> imageRoot;
};

struct ExportOutcome {
  segment::Status status;             // cancelled: what was written so far is kept
  size_t written = 0;                 // annotations, detections or files
  std::vector<io::CocoProblem> warnings;
  std::string summary;                // "wrote 12 annotations of 3 images to out.json"
};

// `progress(done, total)` in objects (COCO) or images (the others).
using ExportProgress = std::function<void(size_t done, size_t total)>;

ExportOutcome exportProject(const annotation::Project& project, const ExportRequest& request, const ExportProgress& progress = {},
                            const segment::CancelToken& cancel = {});

}  // namespace sam3::workflow
