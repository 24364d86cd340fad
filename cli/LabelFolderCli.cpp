#include "LabelFolderCli.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>
#include <unistd.h>

#include "CommandLine.h"
#include "engine/annotation/Project.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/ImageFiles.h"
#include "engine/io/ImageLoader.h"
#include "engine/io/ProjectFile.h"
#include "engine/mask/Rle.h"
#include "engine/factory/EngineFactory.h"
#include "engine/platform/EngineInit.h"

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
  line.addOption("bundle", "SAM3 model bundle (with a text encoder for phrases).", "dir");
  line.addOption("text", "A phrase to find; it becomes a class of that name. Repeatable.", "phrase");
  line.addOption("classes", "A project whose classes are asked for by name, or by each class's phrases.", "project");
  line.addOption("exemplars", "An image with exemplar boxes (--box) to find in every image (our extension of SAM3).", "image");
  line.addOption("box", "With --exemplars: an exemplar x0,y0,x1,y1 on that image (,0 for a negative one). Repeatable.",
                 "x0,y0,x1,y1");
  line.addOption("exemplar-class", "With --exemplars: the class of what they find.", "name", "object");
  line.addOption("threshold", "Minimum score of found objects.", "t", "0.5");
  line.addOption("out", "COCO JSON file to write (atomically).", "file");
  line.addOption("project", "Project file to write (atomically), to open and review in the app.", "file");
  line.addOption("device", "auto, cpu or cuda.", "device", "auto");
  line.addOption("precision", "auto (bf16 where the CPU or GPU does it natively), fp32 or bf16.", "precision", "auto");
  line.addOption("cache", "Embedding cache directory (default: the user cache).", "dir");
  line.addOption("json", "Progress as one JSON object per line (machine-readable).");
  line.addOption("max-pixels", "Skip images above this many pixels, before decoding them.", "n",
                 std::to_string(io::kDefaultMaxImagePixels));
}

// One concept prompt of every image: a phrase or the exemplars, and the class it fills.
struct Ask {
  int category = 0;
  std::string phrase;  // "" for the exemplars
};

struct Run {
  annotation::Project project;
  std::vector<Ask> asks;
  segment::ExemplarSource exemplars;
  double threshold = 0.5;
  bool json = false;
  bool bar = false;  // a progress bar on the terminal
  io::ImageLimits limits;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

// The found instances of one ask as objects of the image; an object another ask of the class
// already found on this image (another of its phrases: mask IoU > 0.7, as the app) is kept once.
size_t addObjects(Run& run, const Ask& ask, int imageId, const std::string& engineName,
                  const std::vector<segment::Instance>& instances) {
  std::vector<mask::Rle> earlier;  // what the class's other asks found on this image
  for (const annotation::AnnotationObject* o : run.project.objectsOfImage(imageId)) {
    if (o->categoryId == ask.category) earlier.push_back(o->mask);
  }
  size_t added = 0;
  for (const segment::Instance& instance : instances) {
    const mask::Rle rle = mask::encode(instance.mask);
    const bool duplicate =
        std::any_of(earlier.begin(), earlier.end(), [&rle](const mask::Rle& other) { return mask::iou(other, rle) > 0.7; });
    if (duplicate) continue;
    annotation::AnnotationObject object;
    object.imageId = imageId;
    object.categoryId = ask.category;
    object.mask = rle;
    object.score = instance.score;
    object.source = engineName + (ask.phrase.empty() ? " exemplars" : " text");
    if (!ask.phrase.empty()) object.promptHistory.push_back({{"type", "text"}, {"text", ask.phrase}});
    for (const segment::Exemplar& e : ask.phrase.empty() ? run.exemplars.exemplars : std::vector<segment::Exemplar>{}) {
      object.promptHistory.push_back({{"type", "exemplar"}, {"xyxy", e.box}, {"label", e.positive ? 1 : 0}});
    }
    run.project.putObject(std::move(object));
    ++added;
  }
  return added;
}

void drawBar(const Run& run, size_t done, size_t total) {
  constexpr int kWidth = 30;
  const int filled = int(kWidth * done / std::max<size_t>(1, total));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  const double left = done == 0 ? 0 : seconds / double(done) * double(total - done);
  std::printf("\r[%s%s] %zu/%zu, %.0f s left\033[K", std::string(size_t(filled), '#').c_str(),
              std::string(size_t(kWidth - filled), '.').c_str(), done, total, left);
  std::fflush(stdout);
}

// One image: encode once, every phrase in one engine call (SAM3 batches them); the objects go
// into the project.
void labelImage(segment::Segmenter& engine, const fs::path& image, const fs::path& outDir, size_t index, size_t total, Run& run) {
  const auto start = std::chrono::steady_clock::now();
  const io::LoadedImage loaded = io::loadImage(image.string(), run.limits);
  const cv::Mat& pixels = loaded.pixels;
  std::string error = !loaded.error.empty() ? loaded.error : engine.setImage(pixels, image.string()).message;
  nlohmann::json counts = nlohmann::json::object();
  size_t found = 0;
  if (error.empty()) {
    std::error_code ec;
    const fs::path relative = fs::relative(fs::absolute(image), fs::absolute(outDir), ec);
    const int imageId = run.project.putImage({0, (ec || relative.empty() ? fs::absolute(image) : relative).string(), pixels.cols, pixels.rows});
    std::vector<segment::FindSimilarRequest> requests;
    for (const Ask& ask : run.asks) {
      segment::FindSimilarRequest request;
      request.text = ask.phrase;
      if (ask.phrase.empty()) request.source = run.exemplars;
      request.threshold = run.threshold;
      requests.push_back(std::move(request));
    }
    const std::vector<segment::FindSimilarResult> results = engine.findSimilarBatch(requests);
    for (size_t a = 0; a < run.asks.size(); ++a) {
      const Ask& ask = run.asks[a];
      const segment::FindSimilarResult& result = results[a];
      if (!result.status.ok()) error = result.status.message;
      const size_t added = addObjects(run, ask, imageId, engine.name(), result.instances);
      const std::string name = ask.phrase.empty() ? "exemplars" : ask.phrase;
      counts[name] = counts.value(name, size_t(0)) + added;
      found += added;
    }
  }
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (run.json) {
    nlohmann::json line = {{"index", index + 1}, {"total", total}, {"image", image.string()}, {"objects", counts}, {"milliseconds", ms}};
    if (!error.empty()) line["error"] = error;
    std::printf("%s\n", line.dump().c_str());
  } else {
    if (run.bar) std::printf("\r\033[K");  // the bar line makes way for the image's line
    std::printf("[%zu/%zu] %s: %s in %lld ms\n", index + 1, total, image.filename().string().c_str(),
                error.empty() ? (std::to_string(found) + " objects " + counts.dump()).c_str() : ("skipped: " + error).c_str(), ms);
    if (run.bar) drawBar(run, index + 1, total);
  }
  std::fflush(stdout);
}

// The asks: --text phrases (a class each), the classes of --classes (each phrase of each
// class), and --exemplars with its boxes (one class).
void collectAsks(const CommandLine& line, Run& state) {
  for (const std::string& phrase : line.values("text")) {
    if (phrase.find_first_not_of(" \t") == std::string::npos) throw CommandFailure{2, "--text needs a phrase, got an empty one"};
    if (!state.project.categoryByName(phrase)) state.asks.push_back({state.project.putCategory({0, phrase}), phrase});
  }
  if (line.isSet("classes")) {
    annotation::Project classes;
    try {
      classes = io::loadProject(line.value("classes"));
    } catch (const std::exception& e) {
      throw CommandFailure{1, "cannot read the classes of " + line.value("classes") + ": " + e.what()};
    }
    for (const auto& [id, category] : classes.categories()) {
      const annotation::Category* existing = state.project.categoryByName(category.name);
      annotation::Category copy = category;
      copy.id = 0;
      const int mine = existing ? existing->id : state.project.putCategory(copy);
      for (const std::string& phrase : annotation::conceptPhrases(category)) state.asks.push_back({mine, phrase});
    }
  }
  if (line.isSet("exemplars") != !line.values("box").empty()) throw CommandFailure{2, "--exemplars and --box go together"};
  if (line.isSet("exemplars")) {
    const io::LoadedImage exemplarImage = io::loadImage(line.value("exemplars"), state.limits);
    if (!exemplarImage.error.empty()) throw CommandFailure{1, "the exemplar image: " + exemplarImage.error};
    state.exemplars.image = exemplarImage.pixels;
    std::vector<double> v;
    for (const std::string& b : line.values("box")) {
      if (!parseNumberList(b, 4, 5, v)) throw CommandFailure{2, "--box needs x0,y0,x1,y1[,label], got '" + b + "'"};
      state.exemplars.exemplars.push_back({{v[0], v[1], v[2], v[3]}, v.size() < 5 || v[4] != 0});
    }
    const std::string name = line.value("exemplar-class");
    const annotation::Category* existing = state.project.categoryByName(name);
    state.asks.push_back({existing ? existing->id : state.project.putCategory({0, name}), ""});
  }
}

void run(const CommandLine& line, const std::string& program) {
  const bool asked = !line.values("text").empty() || line.isSet("classes") || line.isSet("exemplars");
  if (!line.isSet("folder") || !line.isSet("bundle") || !asked || !(line.isSet("out") || line.isSet("project"))) {
    throw CommandFailure{2, "usage: " + program + " --folder DIR --bundle DIR (--text PHRASE... | --classes P.sam3proj | "
                                                    "--exemplars IMG --box x0,y0,x1,y1...) [--threshold T] "
                                                    "(--out coco.json | --project out.sam3proj) [--json]"};
  }
  Run state;
  std::vector<double> t;
  if (!parseNumberList(line.value("threshold"), 1, 1, t) || t[0] < 0 || t[0] > 1) {
    throw CommandFailure{2, "--threshold needs a number between 0 and 1, got '" + line.value("threshold") + "'"};
  }
  state.threshold = t[0];
  state.json = line.isSet("json");
  state.bar = !state.json && isatty(fileno(stdout));
  state.limits = imageLimits(line);
  collectAsks(line, state);
  const bool phrases = std::any_of(state.asks.begin(), state.asks.end(), [](const Ask& a) { return !a.phrase.empty(); });
  const std::vector<fs::path> images = imagesOf(line.value("folder"));
  segment::EngineOptions options;
  options.bundleDirectory = line.value("bundle");
  options.device = line.value("device");
  options.precision = line.value("precision");
  options.cacheDirectory = line.value("cache");
  options.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string error;
  platform::keepLargeAllocationsOnHeap();  // before the model load, as the app does
  const std::unique_ptr<segment::Segmenter> engine = factory::openEngine(options, error);
  if (!engine) throw CommandFailure{1, "cannot use the model bundle: " + error};
  if (phrases && !engine->capabilities().text) {
    throw CommandFailure{1, "the bundle has no text encoder: phrases need one (export it with its text encoder)"};
  }
  if (line.isSet("exemplars") && !engine->capabilities().exemplarsFromOtherImages) {
    throw CommandFailure{1, "this engine cannot use exemplars from another image"};
  }
  const fs::path outDir = fs::absolute(line.isSet("project") ? line.value("project") : line.value("out")).parent_path();
  std::error_code created;
  fs::create_directories(outDir, created);  // a failure shows when the file is written
  state.start = std::chrono::steady_clock::now();
  if (state.bar) drawBar(state, 0, images.size());
  for (size_t i = 0; i < images.size(); ++i) labelImage(*engine, images[i], outDir, i, images.size(), state);
  if (state.bar) std::printf("\n");
  std::vector<std::string> written;
  if (line.isSet("out")) {
    io::writeFileAtomically(line.value("out"), io::exportCoco(state.project).coco.dump(1));
    written.push_back(line.value("out"));
  }
  if (line.isSet("project")) {
    io::saveProject(state.project, line.value("project"));
    written.push_back(line.value("project"));
  }
  for (const std::string& path : written) {
    if (state.json) break;
    std::printf("wrote %s: %zu images, %zu objects, %zu classes\n", path.c_str(), state.project.images().size(),
                state.project.objects().size(), state.project.categories().size());
  }
}

}  // namespace

int runLabelFolder(const std::vector<std::string>& arguments, const std::string& program) {
  CommandLine line;
  declareOptions(line);
  return runCommand(line, arguments, program,
                    program + " --folder DIR --bundle DIR (--text PHRASE... | --classes P | --exemplars IMG --box ...) "
                              "(--out coco.json | --project P)",
                    [&program](const CommandLine& parsed) { run(parsed, program); });
}

}  // namespace sam3::cli
