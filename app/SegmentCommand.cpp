#include "SegmentCommand.h"

#include <QDir>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <cstdio>
#include <memory>
#include <thread>
#include <opencv2/imgcodecs.hpp>

#include "engine/classic/ClassicSegmenter.h"
#include "engine/io/AtomicFile.h"
#include "engine/sam3/Sam3Segmenter.h"
#include "PromptBatch.h"

namespace sam3::app {
namespace {

void print(const QString& line) { std::fprintf(stdout, "%s\n", qPrintable(line)); }
void printError(const QString& line) { std::fprintf(stderr, "sam3-annotate segment: %s\n", qPrintable(line)); }

// "a,b,c" -> numbers; false when the count is not in [minCount, maxCount] or a value is not a number.
bool parseNumbers(const QString& text, int minCount, int maxCount, std::vector<double>& out) {
  out.clear();
  for (const QString& part : text.split(QLatin1Char(','))) {
    bool ok = false;
    const double v = part.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v)) return false;
    out.push_back(v);
  }
  return int(out.size()) >= minCount && int(out.size()) <= maxCount;
}

void writePng(const cv::Mat& image, const QString& path) {
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", image, bytes)) throw std::runtime_error("cannot encode the PNG");
  io::writeFileAtomically(path.toStdString(), std::string(bytes.begin(), bytes.end()));
}

}  // namespace

int runSegmentCommand(QCommandLineParser& parser, const QStringList& arguments) {
  const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("Image to segment."), QStringLiteral("file"));
  const QCommandLineOption bundle(QStringLiteral("bundle"), QStringLiteral("SAM3 model bundle directory (default: the classic engine)."),
                                  QStringLiteral("dir"));
  const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (SAM3 only)."), QStringLiteral("device"),
                                  QStringLiteral("auto"));
  const QCommandLineOption cache(QStringLiteral("cache"), QStringLiteral("Embedding cache directory (SAM3 only; default: the user cache)."),
                                 QStringLiteral("dir"));
  const QCommandLineOption point(QStringLiteral("point"), QStringLiteral("Click x,y,label (label 1 include, 0 exclude); repeatable."),
                                 QStringLiteral("x,y,label"));
  const QCommandLineOption box(QStringLiteral("box"),
                               QStringLiteral("Box x0,y0,x1,y1 (with --find-similar: an exemplar; add ,0 for a negative one); repeatable."),
                               QStringLiteral("x0,y0,x1,y1"));
  const QCommandLineOption findSimilar(QStringLiteral("find-similar"), QStringLiteral("Find every object like the exemplar boxes."));
  const QCommandLineOption text(QStringLiteral("text"), QStringLiteral("Phrase to search for (SAM3 bundles with a text encoder)."),
                                QStringLiteral("phrase"));
  const QCommandLineOption threshold(QStringLiteral("threshold"), QStringLiteral("Minimum score of found objects."), QStringLiteral("t"),
                                     QStringLiteral("0.5"));
  const QCommandLineOption out(QStringLiteral("out"),
                               QStringLiteral("Output PNG: the mask (0/255), or with --find-similar the instances (pixel value = index)."),
                               QStringLiteral("png"));
  const QCommandLineOption prompts(QStringLiteral("prompts"),
                                   QStringLiteral("JSON file of many prompts for this image ({\"requests\": [...]}, see BUNDLE.md); "
                                                  "needs --dump."),
                                   QStringLiteral("file"));
  const QCommandLineOption dump(QStringLiteral("dump"), QStringLiteral("Folder for --prompts results (NAME.safetensors each)."),
                                QStringLiteral("dir"));
  const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Intra-op threads for SAM3 (default: every core)."),
                                   QStringLiteral("n"));
  parser.addOptions({image, bundle, device, cache, point, box, findSimilar, text, threshold, out, prompts, dump, threads});
  parser.process(arguments);
  const bool search = parser.isSet(findSimilar);
  const bool batch = parser.isSet(prompts);
  if (batch != parser.isSet(dump) || (batch && !parser.isSet(image))) {
    printError(QStringLiteral("usage: sam3-annotate segment --image IMG [--bundle DIR] --prompts FILE.json --dump DIR"));
    return 2;
  }
  if (!batch && (!parser.isSet(image) || !parser.isSet(out) ||
                 (!search && parser.values(point).isEmpty() && parser.values(box).isEmpty()) ||
                 (search && parser.values(box).isEmpty() && !parser.isSet(text)))) {
    printError(QStringLiteral("usage: sam3-annotate segment --image IMG [--bundle DIR] (--point x,y,1 ... | --box x0,y0,x1,y1 | "
                              "--find-similar --box ... [--text PHRASE]) --out mask.png"));
    return 2;
  }

  QElapsedTimer timer;
  timer.start();
  const cv::Mat pixels = cv::imread(parser.value(image).toStdString(), cv::IMREAD_UNCHANGED);
  if (pixels.empty()) {
    printError(QStringLiteral("cannot read the image %1 (missing, unreadable or not an image)").arg(parser.value(image)));
    return 1;
  }
  print(QStringLiteral("image %1x%2 read in %3 ms").arg(pixels.cols).arg(pixels.rows).arg(timer.restart()));

  std::unique_ptr<segment::Segmenter> engine;
  if (parser.isSet(bundle)) {
    segment::Sam3SegmenterOptions options;
    options.bundleDirectory = parser.value(bundle).toStdString();
    options.device = parser.value(device).toStdString();
    // Headless, nothing else needs a core.
    options.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    if (parser.isSet(threads)) {
      bool ok = false;
      options.threads = parser.value(threads).toInt(&ok);
      if (!ok || options.threads < 1 || options.threads > 1024) {
        printError(QStringLiteral("--threads needs a whole number from 1 to 1024, got '%1'").arg(parser.value(threads)));
        return 2;
      }
    }
    options.cacheDirectory = (parser.isSet(cache) ? parser.value(cache)
                                                  : QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                                        QStringLiteral("/embeddings"))
                                 .toStdString();
    std::string error;
    engine = segment::Sam3Segmenter::open(options, error);
    if (!engine) {
      printError(QStringLiteral("cannot use the model bundle: %1").arg(QString::fromStdString(error)));
      return 1;
    }
  } else {
    engine = std::make_unique<segment::ClassicSegmenter>();
  }
  print(QStringLiteral("engine %1 ready in %2 ms").arg(QString::fromStdString(engine->name())).arg(timer.restart()));

  if (const std::string error = engine->setImage(pixels, parser.value(image).toStdString()); !error.empty()) {
    printError(QString::fromStdString(error));
    return 1;
  }
  print(QStringLiteral("image set in %1 ms (%2)").arg(timer.restart()).arg(QString::fromStdString(engine->statusText())));
  if (batch) {
    const std::string error = runPromptBatch(*engine, pixels.rows, pixels.cols, parser.value(prompts).toStdString(),
                                             parser.value(dump).toStdString());
    if (!error.empty()) {
      printError(QString::fromStdString(error));
      return 1;
    }
    print(QStringLiteral("prompts answered in %1 ms, results in %2").arg(timer.restart()).arg(parser.value(dump)));
    return 0;
  }

  std::vector<double> values;
  if (search) {
    segment::FindSimilarRequest request;
    request.text = parser.value(text).toStdString();
    bool thresholdOk = false;
    request.threshold = parser.value(threshold).toDouble(&thresholdOk);
    if (!thresholdOk || request.threshold < 0.0 || request.threshold > 1.0) {
      printError(QStringLiteral("--threshold needs a number between 0 and 1, got '%1'").arg(parser.value(threshold)));
      return 2;
    }
    for (const QString& b : parser.values(box)) {
      if (!parseNumbers(b, 4, 5, values)) {
        printError(QStringLiteral("--box needs x0,y0,x1,y1[,label], got '%1'").arg(b));
        return 2;
      }
      request.exemplars.push_back({{values[0], values[1], values[2], values[3]}, values.size() < 5 || values[4] != 0});
    }
    const segment::FindSimilarResult result = engine->findSimilar(request);
    if (!result.error.empty()) {
      printError(QString::fromStdString(result.error));
      return 1;
    }
    cv::Mat labels(pixels.rows, pixels.cols, result.instances.size() < 256 ? CV_8U : CV_16U, cv::Scalar(0));
    for (size_t i = 0; i < result.instances.size(); ++i) {
      const segment::Instance& instance = result.instances[i];
      const cv::Mat m(instance.mask.height(), instance.mask.width(), CV_8U, const_cast<uint8_t*>(instance.mask.data()));
      labels.setTo(cv::Scalar(double(i + 1)), m);
      print(QStringLiteral("instance %1: score %2, box %3,%4,%5,%6, area %7")
                .arg(i + 1).arg(instance.score, 0, 'f', 3)
                .arg(instance.box[0], 0, 'f', 1).arg(instance.box[1], 0, 'f', 1).arg(instance.box[2], 0, 'f', 1)
                .arg(instance.box[3], 0, 'f', 1).arg(instance.mask.area()));
    }
    writePng(labels, parser.value(out));
    print(QStringLiteral("found %1 objects in %2 ms").arg(result.instances.size()).arg(result.milliseconds, 0, 'f', 1));
    return 0;
  }

  prompt::InteractivePrompt prompt;
  for (const QString& p : parser.values(point)) {
    if (!parseNumbers(p, 2, 3, values)) {
      printError(QStringLiteral("--point needs x,y[,label], got '%1'").arg(p));
      return 2;
    }
    prompt.clicks.push_back({values[0], values[1], values.size() < 3 || values[2] != 0});
  }
  const QStringList boxes = parser.values(box);
  if (boxes.size() > 1) {
    printError(QStringLiteral("an interactive prompt takes one --box"));
    return 2;
  }
  if (!boxes.isEmpty()) {
    if (!parseNumbers(boxes.first(), 4, 4, values)) {
      printError(QStringLiteral("--box needs x0,y0,x1,y1, got '%1'").arg(boxes.first()));
      return 2;
    }
    prompt.box = std::array<double, 4>{values[0], values[1], values[2], values[3]};
  }
  const segment::Prediction prediction = engine->predict(prompt);
  if (!prediction.error.empty()) {
    printError(QString::fromStdString(prediction.error));
    return 1;
  }
  const segment::Candidate& best = prediction.candidates.front();
  const cv::Mat m(best.mask.height(), best.mask.width(), CV_8U, const_cast<uint8_t*>(best.mask.data()));
  writePng(m * 255, parser.value(out));
  print(QStringLiteral("mask: score %1, area %2 px, %3 candidate(s), predicted in %4 ms")
            .arg(best.score, 0, 'f', 3).arg(best.mask.area()).arg(prediction.candidates.size())
            .arg(prediction.milliseconds, 0, 'f', 1));
  return 0;
}

}  // namespace sam3::app
