#include "SegmentCli.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "CommandLine.h"
#include "PromptBatch.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/ImageLoader.h"

namespace sam3::cli {
namespace {

class Stopwatch {
 public:
  // Milliseconds since the last restart (or construction).
  long long restart() {
    const auto now = std::chrono::steady_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_start).count();
    m_start = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

void print(const std::string& line) { std::fprintf(stdout, "%s\n", line.c_str()); }

void writePng(const cv::Mat& image, const std::string& path) {
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", image, bytes)) throw std::runtime_error("cannot encode the PNG");
  io::writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

void declareOptions(CommandLine& line) {
  line.addOption("image", "Image to segment.", "file");
  line.addOption("bundle", "SAM3 model bundle directory (default: the classic engine).", "dir");
  line.addOption("device", "auto, cpu or cuda (SAM3 only).", "device", "auto");
  line.addOption("precision", "auto (bf16 where the CPU or GPU does it natively), fp32 or bf16 (SAM3 only).", "precision", "auto");
  line.addOption("cache", "Embedding cache directory (SAM3 only; default: the user cache).", "dir");
  line.addOption("point", "Click x,y,label (label 1 include, 0 exclude); repeatable.", "x,y,label");
  line.addOption("box", "Box x0,y0,x1,y1 (with --find-similar: an exemplar; add ,0 for a negative one); repeatable.",
                 "x0,y0,x1,y1");
  line.addOption("find-similar", "Find every object like the exemplar boxes.");
  line.addOption("text", "Phrase to search for (SAM3 bundles with a text encoder); implies --find-similar.", "phrase");
  line.addOption("everything", "Segment everything: a grid of clicks, filtered and without duplicates (SAM3 only).");
  line.addOption("grid", "--everything: points per side of the click grid.", "n", "32");
  line.addOption("batch", "--everything: clicks per decoder call (0: 8 on the CPU, 64 on a GPU).", "n", "0");
  line.addOption("min-iou", "--everything: minimum predicted IoU of a mask.", "t", "0.88");
  line.addOption("min-stability", "--everything: minimum stability score of a mask.", "t", "0.95");
  line.addOption("nms", "--everything: masks overlapping a better one by more than this IoU are dropped.", "t", "0.7");
  line.addOption("overlapping", "--everything: keep overlapping masks (default: every pixel in at most one).");
  line.addOption("threshold", "Minimum score of found objects.", "t", "0.5");
  line.addOption("out", "Output PNG: the mask (0/255), or with --find-similar/--everything the instances (pixel value = index).",
                 "png");
  line.addOption("prompts", "JSON file of many prompts for this image ({\"requests\": [...]}, see BUNDLE.md); needs --dump.",
                 "file");
  line.addOption("dump", "Folder for --prompts results (NAME.safetensors each).", "dir");
  line.addOption("threads", "Intra-op threads for SAM3 (default: every core).", "n");
  line.addOption("max-pixels", "Refuse images above this many pixels, before decoding them.", "n",
                 std::to_string(io::kDefaultMaxImagePixels));
  line.addOption("warmup", "Encode N altered copies of the image and click each first, untimed (GPU kernels load and tune on "
                           "first use; benchmarks compare warm engines).", "n", "0");
}

std::string usage(const std::string& program) {
  return program + " --image IMG [--bundle DIR] (--point x,y,1 ... | --box x0,y0,x1,y1 | "
                   "--find-similar --box ... [--text PHRASE] | --text PHRASE | --everything [--grid N]) --out mask.png\n       " +
         program + " --image IMG [--bundle DIR] --prompts FILE.json --dump DIR";
}

bool isSearch(const CommandLine& line) { return line.isSet("find-similar") || line.isSet("text"); }

void checkCombination(const CommandLine& line, const std::string& program) {
  const bool search = isSearch(line);
  const bool everything = line.isSet("everything");
  const bool batch = line.isSet("prompts");
  if (int(search) + int(everything) + int(batch) > 1) {
    throw CommandFailure{2, "choose one of --find-similar/--text, --everything and --prompts"};
  }
  const bool batchOk = batch == line.isSet("dump") && line.isSet("image");
  const bool singleOk = line.isSet("image") && line.isSet("out") &&
                        (everything ? line.values("point").empty() && line.values("box").empty()
                         : search   ? !line.values("box").empty() || line.isSet("text")
                                    : !line.values("point").empty() || !line.values("box").empty());
  if (batch ? !batchOk : !singleOk) throw CommandFailure{2, "usage: " + usage(program)};
}

double unitOption(const CommandLine& line, const std::string& name) {
  std::vector<double> v;
  if (!parseNumberList(line.value(name), 1, 1, v) || v[0] < 0.0 || v[0] > 1.0) {
    throw CommandFailure{2, "--" + name + " needs a number between 0 and 1, got '" + line.value(name) + "'"};
  }
  return v[0];
}

int countOption(const CommandLine& line, const std::string& name, int low, int high) {
  std::vector<double> v;
  if (!parseNumberList(line.value(name), 1, 1, v) || v[0] != double(int(v[0])) || v[0] < low || v[0] > high) {
    throw CommandFailure{2, "--" + name + " needs a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
                                ", got '" + line.value(name) + "'"};
  }
  return int(v[0]);
}

std::unique_ptr<segment::Segmenter> openEngine(const CommandLine& line, const SegmentDefaults& defaults) {
  segment::EngineOptions options;
  options.bundleDirectory = line.value("bundle");
  options.device = line.value("device");
  options.precision = line.value("precision");
  options.threads = int(std::max(1u, std::thread::hardware_concurrency()));  // headless: nothing else needs a core
  if (line.isSet("threads")) options.threads = countOption(line, "threads", 1, 1024);
  options.cacheDirectory = line.isSet("cache") ? line.value("cache") : defaults.cacheDirectory;
  std::string error;
  std::unique_ptr<segment::Segmenter> engine = defaults.openEngine ? defaults.openEngine(options, error) : nullptr;
  if (!defaults.openEngine) error = "no engine opener (a bug)";
  if (!engine) throw CommandFailure{1, "cannot use the model bundle: " + error};
  return engine;
}

segment::FindSimilarRequest searchRequest(const CommandLine& line) {
  segment::FindSimilarRequest request;
  request.text = line.value("text");
  request.threshold = unitOption(line, "threshold");
  std::vector<double> values;
  for (const std::string& b : line.values("box")) {
    if (!parseNumberList(b, 4, 5, values)) throw CommandFailure{2, "--box needs x0,y0,x1,y1[,label], got '" + b + "'"};
    request.exemplars.push_back({{values[0], values[1], values[2], values[3]}, values.size() < 5 || values[4] != 0});
  }
  return request;
}

segment::EverythingOptions everythingOptions(const CommandLine& line) {
  segment::EverythingOptions options;
  options.pointsPerSide = countOption(line, "grid", 1, 128);
  options.pointsPerBatch = countOption(line, "batch", 0, 1024);
  options.minPredictedIou = unitOption(line, "min-iou");
  options.minStability = unitOption(line, "min-stability");
  options.nmsIou = unitOption(line, "nms");
  options.exclusive = !line.isSet("overlapping");
  return options;
}

// The instances as one PNG (pixel value = 1-based index, 16-bit beyond 255) and a line each.
void writeInstances(const segment::FindSimilarResult& result, const cv::Mat& pixels, const std::string& out) {
  if (!result.status.ok()) throw CommandFailure{1, result.status.message};
  cv::Mat labels(pixels.rows, pixels.cols, result.instances.size() < 256 ? CV_8U : CV_16U, cv::Scalar(0));
  for (size_t i = 0; i < result.instances.size(); ++i) {
    const segment::Instance& instance = result.instances[i];
    const cv::Mat m(instance.mask.height(), instance.mask.width(), CV_8U, const_cast<uint8_t*>(instance.mask.data()));
    labels.setTo(cv::Scalar(double(i + 1)), m);
    print("instance " + std::to_string(i + 1) + ": score " + fixed(instance.score, 3) + ", box " +
          fixed(instance.box[0], 1) + "," + fixed(instance.box[1], 1) + "," + fixed(instance.box[2], 1) + "," +
          fixed(instance.box[3], 1) + ", area " + std::to_string(instance.mask.area()));
  }
  writePng(labels, out);
  print("found " + std::to_string(result.instances.size()) + " objects in " + fixed(result.milliseconds, 1) + " ms");
}

void runSearch(segment::Segmenter& engine, const CommandLine& line, const cv::Mat& pixels) {
  writeInstances(engine.findSimilar(searchRequest(line)), pixels, line.value("out"));
}

void runEverything(segment::Segmenter& engine, const CommandLine& line, const cv::Mat& pixels) {
  const segment::EverythingOptions options = everythingOptions(line);
  const int clicks = options.pointsPerSide * options.pointsPerSide;
  const segment::FindSimilarResult result = engine.segmentEverything(options);
  writeInstances(result, pixels, line.value("out"));
  if (result.status.ok()) {
    print(std::to_string(clicks) + " clicks at " + fixed(clicks / std::max(1e-3, result.milliseconds / 1e3), 1) + " prompts/s");
  }
}

prompt::InteractivePrompt interactivePrompt(const CommandLine& line) {
  prompt::InteractivePrompt prompt;
  std::vector<double> values;
  for (const std::string& p : line.values("point")) {
    if (!parseNumberList(p, 2, 3, values)) throw CommandFailure{2, "--point needs x,y[,label], got '" + p + "'"};
    prompt.clicks.push_back({values[0], values[1], values.size() < 3 || values[2] != 0});
  }
  const std::vector<std::string>& boxes = line.values("box");
  if (boxes.size() > 1) throw CommandFailure{2, "an interactive prompt takes one --box"};
  if (!boxes.empty()) {
    if (!parseNumberList(boxes.front(), 4, 4, values)) throw CommandFailure{2, "--box needs x0,y0,x1,y1, got '" + boxes.front() + "'"};
    prompt.box = std::array<double, 4>{values[0], values[1], values[2], values[3]};
  }
  return prompt;
}

void runInteractive(segment::Segmenter& engine, const CommandLine& line) {
  const segment::Prediction prediction = engine.predict(interactivePrompt(line));
  if (!prediction.status.ok()) throw CommandFailure{1, prediction.status.message};
  const segment::Candidate& best = prediction.candidates.front();
  const cv::Mat m(best.mask.height(), best.mask.width(), CV_8U, const_cast<uint8_t*>(best.mask.data()));
  writePng(m * 255, line.value("out"));
  print("mask: score " + fixed(best.score, 3) + ", area " + std::to_string(best.mask.area()) + " px, " +
        std::to_string(prediction.candidates.size()) + " candidate(s), predicted in " + fixed(prediction.milliseconds, 1) +
        " ms");
}

void warmUp(segment::Segmenter& engine, const cv::Mat& pixels, const std::string& key, int count) {
  if (count == 0) return;
  Stopwatch timer;
  for (int i = 0; i < count; ++i) {
    cv::Mat copy = pixels.clone();
    copy.data[0] = uint8_t(copy.data[0] ^ (i + 1));  // another image: a real encode, never a cache hit
    engine.setImage(copy, key + "#warmup" + std::to_string(i));
    prompt::InteractivePrompt click;
    click.clicks.push_back({pixels.cols / 2.0, pixels.rows / 2.0, true});
    engine.predict(click);
  }
  print("warm-up: " + std::to_string(count) + " encodes and clicks in " + std::to_string(timer.restart()) + " ms");
}

void run(const CommandLine& line, const SegmentDefaults& defaults) {
  // Input mistakes found before the (possibly long) model load.
  if (isSearch(line)) {
    searchRequest(line);
  } else if (line.isSet("everything")) {
    everythingOptions(line);
  } else if (!line.isSet("prompts")) {
    interactivePrompt(line);
  }
  const int warmups = countOption(line, "warmup", 0, 100);
  Stopwatch timer;
  const io::LoadedImage loaded = io::loadImage(line.value("image"), imageLimits(line));
  if (!loaded.error.empty()) throw CommandFailure{1, loaded.error};
  const cv::Mat& pixels = loaded.pixels;
  print("image " + std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) + " read in " +
        std::to_string(timer.restart()) + " ms");
  const std::unique_ptr<segment::Segmenter> engine = openEngine(line, defaults);
  print("engine " + engine->name() + " ready in " + std::to_string(timer.restart()) + " ms");
  warmUp(*engine, pixels, line.value("image"), warmups);
  timer.restart();
  if (const segment::Status set = engine->setImage(pixels, line.value("image")); !set.ok()) throw CommandFailure{1, set.message};
  print("image set in " + std::to_string(timer.restart()) + " ms (" + engine->statusText() + ")");
  if (line.isSet("prompts")) {
    const std::string error = runPromptBatch(*engine, pixels.rows, pixels.cols, line.value("prompts"), line.value("dump"));
    if (!error.empty()) throw CommandFailure{1, error};
    print("prompts answered in " + std::to_string(timer.restart()) + " ms, results in " + line.value("dump"));
  } else if (isSearch(line)) {
    runSearch(*engine, line, pixels);
  } else if (line.isSet("everything")) {
    runEverything(*engine, line, pixels);
  } else {
    runInteractive(*engine, line);
  }
}

}  // namespace

int runSegment(const std::vector<std::string>& arguments, const SegmentDefaults& defaults) {
  CommandLine line;
  declareOptions(line);
  return runCommand(line, arguments, defaults.program, usage(defaults.program), [&defaults](const CommandLine& parsed) {
    checkCombination(parsed, defaults.program);
    run(parsed, defaults);
  });
}

}  // namespace sam3::cli
