// The classic (OpenCV GrabCut) engine on scenes the test draws: textured background, several
// objects, one with a hole, two touching neighbours. Box prompts, include/exclude clicks, mask
// prompts, image formats, a downscaled large image, and bad input.

#include <QtTest>
#include <opencv2/imgproc.hpp>
#include <algorithm>
#include <cmath>
#include <random>

#include "engine/classic/ClassicSegmenter.h"

using namespace sam3;

namespace {

struct Scene {
  cv::Mat image;
  cv::Mat disc, ring, left, right;  // ground-truth masks (255 = object)
};

Scene drawScene(int width, int height) {
  Scene s;
  std::mt19937 rng(7);
  s.image = cv::Mat(height, width, CV_8UC3);
  cv::randu(s.image, cv::Scalar(60, 90, 60), cv::Scalar(110, 140, 100));  // textured green-grey
  cv::GaussianBlur(s.image, s.image, cv::Size(3, 3), 0);
  auto blank = [&] { return cv::Mat(height, width, CV_8U, cv::Scalar(0)); };
  const double k = width / 640.0;
  s.disc = blank();
  cv::circle(s.disc, cv::Point(int(150 * k), int(120 * k)), int(60 * k), 255, cv::FILLED);
  s.ring = blank();
  cv::circle(s.ring, cv::Point(int(420 * k), int(140 * k)), int(80 * k), 255, cv::FILLED);
  cv::circle(s.ring, cv::Point(int(420 * k), int(140 * k)), int(35 * k), 0, cv::FILLED);
  s.left = blank();
  cv::rectangle(s.left, cv::Rect(int(120 * k), int(280 * k), int(140 * k), int(120 * k)), 255, cv::FILLED);
  s.right = blank();
  cv::rectangle(s.right, cv::Rect(int(260 * k), int(280 * k), int(140 * k), int(120 * k)), 255, cv::FILLED);
  s.image.setTo(cv::Scalar(30, 140, 240), s.disc);
  s.image.setTo(cv::Scalar(210, 120, 40), s.ring);
  s.image.setTo(cv::Scalar(200, 200, 205), s.left);
  s.image.setTo(cv::Scalar(60, 40, 200), s.right);
  return s;
}

double iou(const mask::BinaryMask& m, const cv::Mat& truth) {
  int64_t inter = 0, uni = 0;
  for (int y = 0; y < truth.rows; ++y)
    for (int x = 0; x < truth.cols; ++x) {
      const bool a = m.at(y, x), b = truth.at<uint8_t>(y, x);
      inter += a && b;
      uni += a || b;
    }
  return uni ? double(inter) / double(uni) : 0.0;
}

double coveredFraction(const mask::BinaryMask& m, const cv::Mat& region) {
  int64_t inside = 0, total = 0;
  for (int y = 0; y < region.rows; ++y)
    for (int x = 0; x < region.cols; ++x) {
      if (!region.at<uint8_t>(y, x)) continue;
      ++total;
      inside += m.at(y, x);
    }
  return double(inside) / double(total);
}

prompt::InteractivePrompt boxAround(const cv::Mat& truth, int margin) {
  const cv::Rect r = cv::boundingRect(truth);
  prompt::InteractivePrompt p;
  p.box = std::array<double, 4>{double(r.x - margin), double(r.y - margin), double(r.x + r.width + margin),
                                double(r.y + r.height + margin)};
  return p;
}

// A field of repeated objects (an orange disc with a dark centre and a white bar) among
// distractors of other shapes and colours, on a textured background.
struct RepeatedScene {
  cv::Mat image;
  std::vector<cv::Rect> objects;  // ground-truth boxes of the repeated object
  std::vector<cv::Rect> distractors;
};

RepeatedScene drawRepeatedScene() {
  RepeatedScene s;
  s.image = cv::Mat(720, 960, CV_8UC3);
  cv::randu(s.image, cv::Scalar(60, 90, 60), cv::Scalar(120, 150, 110));
  cv::GaussianBlur(s.image, s.image, cv::Size(5, 5), 0);
  const int r = 26;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 4; ++col) {
      const cv::Point c(110 + col * 230 + (row % 2) * 40, 120 + row * 220);
      cv::circle(s.image, c, r, cv::Scalar(20, 120, 245), cv::FILLED);
      cv::circle(s.image, c, r / 3, cv::Scalar(30, 30, 60), cv::FILLED);
      cv::rectangle(s.image, cv::Rect(c.x - r + 4, c.y + r / 2, 2 * r - 8, 5), cv::Scalar(250, 250, 250), cv::FILLED);
      s.objects.push_back(cv::Rect(c.x - r, c.y - r, 2 * r + 1, 2 * r + 1));
    }
  // Distractors between the rows: blue squares and green triangles of a similar size.
  for (int i = 0; i < 4; ++i) {
    const cv::Rect square(200 + i * 220, 215, 48, 48);
    cv::rectangle(s.image, square, cv::Scalar(200, 60, 30), cv::FILLED);
    s.distractors.push_back(square);
    const std::vector<cv::Point> triangle{{120 + i * 220, 480}, {170 + i * 220, 480}, {145 + i * 220, 435}};
    cv::fillConvexPoly(s.image, triangle, cv::Scalar(40, 200, 60));
    s.distractors.push_back(cv::boundingRect(triangle));
  }
  return s;
}

std::array<double, 4> corners(const cv::Rect& r, int margin) {
  return {double(r.x - margin), double(r.y - margin), double(r.x + r.width + margin), double(r.y + r.height + margin)};
}

cv::Rect2d toRect(const std::array<double, 4>& b) { return cv::Rect2d(b[0], b[1], b[2] - b[0], b[3] - b[1]); }

double boxIou(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double i = (a & b).area();
  return i / (a.area() + b.area() - i);
}

}  // namespace

class TestClassicSegmenter : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void boxPromptFindsTheObject() {
    const Scene s = drawScene(640, 480);
    classic::ClassicSegmenter engine;
    QVERIFY(engine.setImage(s.image, "scene").ok());
    const segment::Prediction disc = engine.predict(boxAround(s.disc, 12));
    QVERIFY2(disc.status.ok(), disc.status.message.c_str());
    QVERIFY2(iou(disc.candidates.at(0).mask, s.disc) >= 0.9, qPrintable(QString::number(iou(disc.candidates[0].mask, s.disc))));
    const segment::Prediction ring = engine.predict(boxAround(s.ring, 12));
    QVERIFY2(iou(ring.candidates.at(0).mask, s.ring) >= 0.9, qPrintable(QString::number(iou(ring.candidates[0].mask, s.ring))));
    QCOMPARE(int(ring.candidates[0].mask.at(140, 420)), 0);  // the hole stays open
  }

  void excludeClickRemovesTouchingNeighbour() {
    const Scene s = drawScene(640, 480);
    classic::ClassicSegmenter engine;
    engine.setImage(s.image, "scene");
    cv::Mat both = s.left | s.right;
    prompt::InteractivePrompt p = boxAround(both, 10);
    p.clicks = {{190, 340, true}, {330, 340, false}};
    const segment::Prediction result = engine.predict(p);
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    const mask::BinaryMask& m = result.candidates.at(0).mask;
    QVERIFY2(coveredFraction(m, s.left) > 0.9, qPrintable(QString::number(coveredFraction(m, s.left))));
    QVERIFY2(coveredFraction(m, s.right) < 0.1, qPrintable(QString::number(coveredFraction(m, s.right))));
  }

  void clicksAloneAndMaskPrompts() {
    const Scene s = drawScene(640, 480);
    classic::ClassicSegmenter engine;
    engine.setImage(s.image, "scene");
    prompt::InteractivePrompt click;
    click.clicks = {{150, 120, true}};
    const segment::Prediction grown = engine.predict(click);
    QVERIFY2(grown.status.ok(), grown.status.message.c_str());
    QVERIFY2(iou(grown.candidates.at(0).mask, s.disc) >= 0.85, qPrintable(QString::number(iou(grown.candidates[0].mask, s.disc))));
    // A painted mask (roughly the disc) refines to the disc.
    std::vector<uint8_t> painted(size_t(640) * 480, 0);
    cv::Mat paint(480, 640, CV_8U, painted.data());
    cv::circle(paint, cv::Point(150, 120), 50, 1, cv::FILLED);
    prompt::InteractivePrompt maskPrompt;
    maskPrompt.maskLogits = prompt::paintedMaskToLogits(painted, 480, 640);
    const segment::Prediction refined = engine.predict(maskPrompt);
    QVERIFY2(refined.status.ok(), refined.status.message.c_str());
    QVERIFY2(iou(refined.candidates.at(0).mask, s.disc) >= 0.85, qPrintable(QString::number(iou(refined.candidates[0].mask, s.disc))));
  }

  void imageFormats_data() {
    QTest::addColumn<int>("format");
    QTest::newRow("gray") << 0;
    QTest::newRow("bgra") << 1;
    QTest::newRow("16-bit") << 2;
  }

  void imageFormats() {
    QFETCH(int, format);
    const Scene s = drawScene(320, 240);
    cv::Mat image;
    if (format == 0) cv::cvtColor(s.image, image, cv::COLOR_BGR2GRAY);
    if (format == 1) cv::cvtColor(s.image, image, cv::COLOR_BGR2BGRA);
    if (format == 2) s.image.convertTo(image, CV_16UC3, 257.0);
    classic::ClassicSegmenter engine;
    QVERIFY(engine.setImage(image, "x").ok());
    const segment::Prediction r = engine.predict(boxAround(s.disc, 8));
    QVERIFY2(r.status.ok(), r.status.message.c_str());
    QVERIFY(iou(r.candidates.at(0).mask, s.disc) >= 0.8);
  }

  void largeImageRunsOnADownscaledCopy() {
    const Scene s = drawScene(4000, 3000);  // 12 megapixels
    classic::ClassicSegmenter engine;
    engine.setImage(s.image, "large");
    const segment::Prediction r = engine.predict(boxAround(s.disc, 60));
    QVERIFY2(r.status.ok(), r.status.message.c_str());
    QCOMPARE(r.candidates.at(0).mask.width(), 4000);
    QCOMPARE(r.candidates.at(0).mask.height(), 3000);
    QVERIFY(iou(r.candidates[0].mask, s.disc) >= 0.9);
  }

  void findSimilarFindsTheRepeatedObjects() {
    const RepeatedScene scene = drawRepeatedScene();
    classic::ClassicSegmenter engine;
    QVERIFY(engine.capabilities().findSimilar);
    QVERIFY(engine.setImage(scene.image, "field").ok());
    int progressCalls = 0;
    engine.setProgressCallback([&](const std::string&, double) { ++progressCalls; });
    segment::FindSimilarRequest request;
    request.exemplars = {{corners(scene.objects[0], 3), true}};
    const segment::FindSimilarResult result = engine.findSimilar(request);
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    QVERIFY(progressCalls > 0);
    int found = 0;
    for (const cv::Rect& truth : scene.objects) {
      const bool hit = std::any_of(result.instances.begin(), result.instances.end(), [&](const segment::Instance& i) {
        return boxIou(toRect(i.box), truth) >= 0.5;
      });
      found += hit;
    }
    int falseHits = 0;
    for (const segment::Instance& instance : result.instances) {
      const bool matchesTruth = std::any_of(scene.objects.begin(), scene.objects.end(), [&](const cv::Rect& t) {
        return boxIou(toRect(instance.box), t) >= 0.5;
      });
      falseHits += !matchesTruth;
      QCOMPARE(instance.mask.width(), scene.image.cols);
      QVERIFY(instance.score >= request.threshold);
    }
    qInfo("found %d of %zu, %d false hits among %zu instances", found, scene.objects.size(), falseHits,
          result.instances.size());
    QVERIFY(found >= int(std::ceil(0.9 * scene.objects.size())));
    QVERIFY(falseHits <= int(0.1 * result.instances.size()));
    for (size_t i = 1; i < result.instances.size(); ++i) QVERIFY(result.instances[i - 1].score >= result.instances[i].score);
  }

  void findSimilarWithAPatchFromAnotherImage() {
    // The batch path: the exemplar is pixels cut from one image, searched for in another.
    const RepeatedScene source = drawRepeatedScene();
    cv::Mat target;
    cv::flip(source.image, target, 1);  // same objects, mirrored positions
    classic::ClassicSegmenter engine;
    engine.setImage(target, "target");
    segment::FindSimilarRequest request;
    request.patches = {{source.image(source.objects[0]).clone(), true}};
    const segment::FindSimilarResult result = engine.findSimilar(request);
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    int found = 0;
    for (const cv::Rect& truth : source.objects) {
      const cv::Rect mirrored(target.cols - truth.x - truth.width, truth.y, truth.width, truth.height);
      found += std::any_of(result.instances.begin(), result.instances.end(),
                           [&](const segment::Instance& i) { return boxIou(toRect(i.box), mirrored) >= 0.5; });
    }
    QVERIFY2(found >= 11, qPrintable(QString::number(found)));
  }

  void negativeExemplarsVetoLookAlikes() {
    // Positive exemplar on a square, negative on a triangle: the squares come back, no triangle.
    const RepeatedScene scene = drawRepeatedScene();
    classic::ClassicSegmenter engine;
    engine.setImage(scene.image, "field");
    segment::FindSimilarRequest request;
    request.exemplars = {{corners(scene.distractors[0], 2), true}, {corners(scene.distractors[1], 2), false}};
    const segment::FindSimilarResult result = engine.findSimilar(request);
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    int squares = 0;
    for (const segment::Instance& instance : result.instances) {
      for (size_t d = 0; d < scene.distractors.size(); ++d) {
        if (boxIou(toRect(instance.box), scene.distractors[d]) < 0.5) continue;
        QVERIFY2(d % 2 == 0, "a triangle came back despite the negative exemplar");
        ++squares;
      }
    }
    QVERIFY(squares >= 4);
  }

  void findSimilarErrorsAndCancellation() {
    classic::ClassicSegmenter engine;
    segment::FindSimilarRequest request;
    request.exemplars = {{{10, 10, 40, 40}, true}};
    QVERIFY(engine.findSimilar(request).status.message.find("no image") != std::string::npos);
    const RepeatedScene scene = drawRepeatedScene();
    engine.setImage(scene.image, "field");
    segment::FindSimilarRequest textOnly;
    textOnly.text = "orange disc";
    QVERIFY(engine.findSimilar(textOnly).status.message.find("cannot search by text") != std::string::npos);
    QCOMPARE(engine.findSimilar(textOnly).status.code, segment::StatusCode::Unsupported);
    QCOMPARE(engine.segmentEverything({}).status.code, segment::StatusCode::Unsupported);
    segment::FindSimilarRequest onlyNegative;
    onlyNegative.exemplars = {{{10, 10, 40, 40}, false}};
    QVERIFY(engine.findSimilar(onlyNegative).status.message.find("positive exemplar") != std::string::npos);
    QCOMPARE(engine.findSimilar(onlyNegative).status.code, segment::StatusCode::InvalidInput);
    segment::CancelToken cancel;
    engine.setProgressCallback([&](const std::string& stage, double) {
      if (stage == "refining matches") cancel.cancel();  // cancel after the first refinement started
    });
    request.exemplars = {{corners(scene.objects[0], 3), true}};
    const segment::FindSimilarResult partial = engine.findSimilar(request, cancel);
    QVERIFY(partial.status.isCancelled());
    QVERIFY(partial.instances.size() <= 1);
  }

  void badInputIsAnErrorValue() {
    classic::ClassicSegmenter engine;
    prompt::InteractivePrompt p;
    p.clicks = {{1, 1, true}};
    QVERIFY(engine.predict(p).status.message.find("no image") != std::string::npos);
    QVERIFY(!engine.setImage(cv::Mat(), "empty").ok());
    QVERIFY(engine.setImage(drawScene(64, 48).image, "small").ok());
    QVERIFY(engine.predict(prompt::InteractivePrompt{}).status.message.find("empty") != std::string::npos);
    prompt::InteractivePrompt onlyExclude;
    onlyExclude.clicks = {{10, 10, false}};
    QVERIFY(engine.predict(onlyExclude).status.message.find("no foreground") != std::string::npos);
    segment::CancelToken cancel;
    cancel.cancel();
    QVERIFY(engine.predict(boxAround(drawScene(64, 48).disc, 2), cancel).status.isCancelled());
    // An include click off the image is an error value (the size search once threw OpenCV's
    // "!ssize.empty()" out of predict for it); one in the last pixel, or on a one-pixel-high
    // image, still answers.
    for (const prompt::Click off : {prompt::Click{-5000, -5000, true}, prompt::Click{-100, 20, true}, prompt::Click{64, 10, true},
                                    prompt::Click{std::nan(""), 10, true}}) {
      prompt::InteractivePrompt outside;
      outside.clicks = {off};
      const segment::Prediction answer = engine.predict(outside);
      QVERIFY2(answer.status.message.find("outside the 64 x 48 image") != std::string::npos, answer.status.message.c_str());
    }
    prompt::InteractivePrompt corner;
    corner.clicks = {{63.9, 47.9, true}};
    const segment::Prediction last = engine.predict(corner);  // textured background there: a mask or "no object"
    QVERIFY2(last.status.ok() || last.status.message.find("no object") != std::string::npos, last.status.message.c_str());
    QVERIFY(engine.setImage(cv::Mat(1, 40, CV_8UC3, cv::Scalar(10, 200, 30)), "sliver").ok());
    corner.clicks = {{20, 0, true}};
    const segment::Prediction sliver = engine.predict(corner);
    QVERIFY2(sliver.status.ok() || sliver.status.message.find("no object") != std::string::npos, sliver.status.message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestClassicSegmenter)
#include "tst_classic_segmenter.moc"
