#include "LabelFolderCli.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "CommandLine.h"
#include "engine/annotation/Project.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/ImageFiles.h"
#include "engine/mask/Rle.h"
#include "engine/segment/EngineFactory.h"
#include "engine/system/EngineInit.h"

namespace sam3::cli {
namespace {
namespace fs = std::filesystem;

std::vector<fs::path> imagesOf(const std::string& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) throw CommandFailure{1, "not a folder: " + folder};
  const std::vector<std::string> files = io::listImageFiles(folder);
  if (files.empty()) throw CommandFailure{1, "no images in " + folder};
  return {files.begin(), files.end()};
}

void declareOptions(CommandLine& line) {
  line.addOption("folder", "Folder of images to label.", "dir");
  line.addOption("bundle", "SAM3 model bundle with a text encoder.", "dir");
  line.addOption("text", "A phrase to find; it becomes a class of that name. Repeatable.", "phrase");
  line.addOption("threshold", "Minimum score of found objects.", "t", "0.5");
  line.addOption("out", "COCO JSON file to write (atomically).", "file");
  line.addOption("device", "auto, cpu or cuda.", "device", "auto");
  line.addOption("cache", "Embedding cache directory (default: the user cache).", "dir");
  line.addOption("json", "Progress as one JSON object per line (machine-readable).");
}

struct Run {
  annotation::Project project;
  std::vector<std::pair<int, std::string>> classes;  // category id, phrase
  double threshold = 0.5;
  bool json = false;
};

// One image: encode once, every phrase in turn; the objects go into the project.
void labelImage(segment::Segmenter& engine, const fs::path& image, const fs::path& outDir, size_t index, size_t total, Run& run) {
  const auto start = std::chrono::steady_clock::now();
  const cv::Mat pixels = cv::imread(image.string(), cv::IMREAD_UNCHANGED);
  std::string error = pixels.empty() ? "cannot read the image (missing, unreadable or not an image)" : engine.setImage(pixels, image.string());
  nlohmann::json counts = nlohmann::json::object();
  size_t found = 0;
  if (error.empty()) {
    std::error_code ec;
    const fs::path relative = fs::relative(fs::absolute(image), fs::absolute(outDir), ec);
    const int imageId = run.project.putImage({0, (ec || relative.empty() ? fs::absolute(image) : relative).string(), pixels.cols, pixels.rows});
    for (const auto& [category, phrase] : run.classes) {
      segment::FindSimilarRequest request;
      request.text = phrase;
      request.threshold = run.threshold;
      const segment::FindSimilarResult result = engine.findSimilar(request);
      if (!result.error.empty()) error = result.error;
      for (const segment::Instance& instance : result.instances) {
        annotation::AnnotationObject object;
        object.imageId = imageId;
        object.categoryId = category;
        object.mask = mask::encode(instance.mask);
        object.score = instance.score;
        object.source = engine.name() + " text";
        object.promptHistory.push_back({{"type", "text"}, {"text", phrase}});
        run.project.putObject(std::move(object));
      }
      counts[phrase] = result.instances.size();
      found += result.instances.size();
    }
  }
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (run.json) {
    nlohmann::json line = {{"index", index + 1}, {"total", total}, {"image", image.string()}, {"objects", counts}, {"milliseconds", ms}};
    if (!error.empty()) line["error"] = error;
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf("[%zu/%zu] %s: %s in %lld ms\n", index + 1, total, image.filename().string().c_str(),
                error.empty() ? (std::to_string(found) + " objects " + counts.dump()).c_str() : ("skipped: " + error).c_str(), ms);
  }
  std::fflush(stdout);
}

void run(const CommandLine& line, const std::string& program) {
  if (!line.isSet("folder") || !line.isSet("bundle") || line.values("text").empty() || !line.isSet("out")) {
    throw CommandFailure{2, "usage: " + program + " --folder DIR --bundle DIR --text PHRASE [--text PHRASE...] [--threshold T] --out coco.json [--json]"};
  }
  Run state;
  std::vector<double> t;
  if (!parseNumberList(line.value("threshold"), 1, 1, t) || t[0] < 0 || t[0] > 1) {
    throw CommandFailure{2, "--threshold needs a number between 0 and 1, got '" + line.value("threshold") + "'"};
  }
  state.threshold = t[0];
  state.json = line.isSet("json");
  for (const std::string& phrase : line.values("text")) {
    if (phrase.find_first_not_of(" \t") == std::string::npos) throw CommandFailure{2, "--text needs a phrase, got an empty one"};
    if (!state.project.categoryByName(phrase)) state.classes.emplace_back(state.project.putCategory({0, phrase}), phrase);
  }
  const std::vector<fs::path> images = imagesOf(line.value("folder"));
  segment::EngineOptions options;
  options.bundleDirectory = line.value("bundle");
  options.device = line.value("device");
  options.cacheDirectory = line.value("cache");
  options.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string error;
  keepLargeAllocationsOnHeap();  // before the model load, as the app does
  const std::unique_ptr<segment::Segmenter> engine = segment::openEngine(options, error);
  if (!engine) throw CommandFailure{1, "cannot use the model bundle: " + error};
  if (!engine->capabilities().text) throw CommandFailure{1, "the bundle has no text encoder: phrases need one (export it with its text encoder)"};
  const fs::path outDir = fs::absolute(line.value("out")).parent_path();
  std::error_code created;
  fs::create_directories(outDir, created);  // a failure shows when the file is written
  for (size_t i = 0; i < images.size(); ++i) labelImage(*engine, images[i], outDir, i, images.size(), state);
  const io::CocoExportResult coco = io::exportCoco(state.project);
  io::writeFileAtomically(line.value("out"), coco.coco.dump(1));
  if (!state.json) {
    std::printf("wrote %s: %zu images, %zu objects, %zu classes\n", line.value("out").c_str(), state.project.images().size(),
                state.project.objects().size(), state.classes.size());
  }
}

}  // namespace

int runLabelFolder(const std::vector<std::string>& arguments, const std::string& program) {
  CommandLine line;
  declareOptions(line);
  return runCommand(line, arguments, program, program + " --folder DIR --bundle DIR --text PHRASE... --out coco.json",
                    [&program](const CommandLine& parsed) { run(parsed, program); });
}

}  // namespace sam3::cli
