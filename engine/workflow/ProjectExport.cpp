#include "engine/workflow/ProjectExport.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/Labelme.h"
#include "engine/io/MaskExport.h"
#include "engine/io/PascalVoc.h"

namespace sam3::workflow {
namespace {

namespace fs = std::filesystem;
using segment::Status;

// The project restricted to one image (its objects and every class), for per-image exports:
// each image is one step of progress and a place to stop.
annotation::Project onlyImage(const annotation::Project& all, int imageId) {
  annotation::Project one;
  for (const auto& entry : all.categories()) one.putCategory(entry.second);
  one.putImage(*all.image(imageId));
  for (const annotation::AnnotationObject* object : all.objectsOfImage(imageId)) one.putObject(*object);
  return one;
}

void append(std::vector<io::CocoProblem>& to, const std::vector<io::CocoProblem>& from) { to.insert(to.end(), from.begin(), from.end()); }

ExportOutcome exportCocoFile(const annotation::Project& project, const ExportRequest& request, const ExportProgress& progress,
                             const segment::CancelToken& cancel) {
  io::CocoExportOptions options;
  if (request.format == ExportFormat::CocoPolygons) options.segmentation = io::CocoExportOptions::Segmentation::Polygons;
  options.projectFolder = request.projectFolder;
  options.imageRoot = request.imageRoot ? *request.imageRoot : io::imageRootOf(project, request.projectFolder);
  const io::CocoExportResult result = io::exportCoco(project, options, [&](size_t done, size_t total) {
    if (progress) progress(done, total);
    return !cancel.isCancelled();
  });
  io::writeFileAtomically(request.target, result.coco.dump() + "\n");
  if (progress && !cancel.isCancelled()) progress(project.objects().size(), project.objects().size());  // exportCoco reports before each
  ExportOutcome outcome;
  outcome.written = result.coco["annotations"].size();
  outcome.warnings = result.warnings;
  outcome.summary = "wrote " + std::to_string(outcome.written) + " annotations of " + std::to_string(result.coco["images"].size()) +
                    " images to " + request.target;
  return outcome;
}

ExportOutcome exportResultsFile(const annotation::Project& project, const ExportRequest& request) {
  const nlohmann::json results = io::exportCocoResults(project);
  io::writeFileAtomically(request.target, results.dump() + "\n");
  ExportOutcome outcome;
  outcome.written = results.size();
  outcome.summary = "wrote " + std::to_string(outcome.written) + " detections to " + request.target;
  return outcome;
}

// Formats with one file per image, written image by image.
io::MaskExportReport exportOneImage(const annotation::Project& one, const ExportRequest& request) {
  switch (request.format) {
    case ExportFormat::YoloSeg: return io::exportYoloSegmentation(one, request.target);
    case ExportFormat::ObjectPngs: return io::exportObjectPngs(one, request.target);
    case ExportFormat::InstancePngs: return io::exportInstancePngs(one, request.target);
    default: throw std::logic_error("not a per-image format");
  }
}

// Formats that hold the whole project (one class list, one image list).
io::MaskExportReport exportWholeFolder(const annotation::Project& project, const ExportRequest& request) {
  if (request.format == ExportFormat::Voc) return io::exportPascalVoc(project, request.target);
  io::LabelmeExportOptions options;
  options.polygons = request.format == ExportFormat::LabelmePolygons;
  const io::LabelmeExportReport labelme = io::exportLabelme(project, request.target, request.projectFolder, options);
  return {labelme.filesWritten, labelme.warnings};
}

ExportOutcome exportFolder(const annotation::Project& project, const ExportRequest& request, const ExportProgress& progress,
                           const segment::CancelToken& cancel) {
  fs::create_directories(request.target);
  ExportOutcome outcome;
  const size_t total = project.images().size();
  if (request.format == ExportFormat::Voc || request.format == ExportFormat::Labelme || request.format == ExportFormat::LabelmePolygons) {
    const io::MaskExportReport report = exportWholeFolder(project, request);
    outcome.written = report.filesWritten;
    outcome.warnings = report.warnings;
    if (progress) progress(total, total);
  } else {
    size_t done = 0;
    for (const auto& entry : project.images()) {
      if (cancel.isCancelled()) break;
      const io::MaskExportReport report = exportOneImage(onlyImage(project, entry.first), request);
      outcome.written += report.filesWritten;
      append(outcome.warnings, report.warnings);
      if (progress) progress(++done, total);
    }
  }
  outcome.summary = "wrote " + std::to_string(outcome.written) + " files to " + request.target;
  return outcome;
}

}  // namespace

const std::vector<ExportFormatInfo>& exportFormats() {
  static const std::vector<ExportFormatInfo> formats = {
      {ExportFormat::Coco, "coco", "COCO JSON, RLE masks (lossless)", true, true},
      {ExportFormat::CocoPolygons, "coco-polygons", "COCO JSON, polygons", true, true},
      {ExportFormat::YoloSeg, "yolo-seg", "YOLO segmentation (folder)", false, false},
      {ExportFormat::ObjectPngs, "png", "PNG mask per object (folder)", false, false},
      {ExportFormat::InstancePngs, "instance-png", "Instance PNG per image (folder)", false, false},
      {ExportFormat::CocoResults, "coco-results", "COCO results: detections with scores, for COCOeval", true, false},
      {ExportFormat::Labelme, "labelme", "labelme / X-AnyLabeling JSON, edited objects as masks (folder)", false, false},
      {ExportFormat::Voc, "voc", "Pascal VOC segmentation PNGs (folder)", false, false},
      {ExportFormat::LabelmePolygons, "labelme-polygons", "labelme JSON, polygons for labelme before 5.3 (folder)", false, false},
  };
  return formats;
}

const ExportFormatInfo& exportFormatInfo(ExportFormat format) {
  const auto& formats = exportFormats();
  return *std::find_if(formats.begin(), formats.end(), [format](const ExportFormatInfo& f) { return f.format == format; });
}

std::optional<ExportFormat> exportFormatById(const std::string& id) {
  for (const ExportFormatInfo& f : exportFormats())
    if (id == f.id) return f.format;
  return std::nullopt;
}

std::string exportFormatIds(const std::string& separator) {
  std::string ids;
  for (const ExportFormatInfo& f : exportFormats()) ids += (ids.empty() ? "" : separator) + f.id;
  return ids;
}

ExportOutcome exportProject(const annotation::Project& project, const ExportRequest& request, const ExportProgress& progress,
                            const segment::CancelToken& cancel) {
  ExportOutcome outcome;
  try {
    if (request.format == ExportFormat::CocoResults) {
      outcome = exportResultsFile(project, request);
    } else if (exportFormatInfo(request.format).writesFile) {
      outcome = exportCocoFile(project, request, progress, cancel);
    } else {
      outcome = exportFolder(project, request, progress, cancel);
    }
  } catch (const std::exception& e) {
    outcome = {};
    outcome.status = Status::io(std::string("export failed: ") + e.what());
    return outcome;
  }
  if (cancel.isCancelled()) {
    outcome.status = Status::cancelled();
    outcome.summary = "cancelled; kept what was exported so far: " + outcome.summary;
  }
  return outcome;
}

}  // namespace sam3::workflow
