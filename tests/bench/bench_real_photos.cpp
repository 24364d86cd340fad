// Quality on real photographs (tests/data/real_photos): IoU with the hand-made truth and time per
// prediction for the classic engine, per case, next to the reference in the same run: OpenCV's
// GrabCut run the textbook way on the full image (5 iterations; a box initialises it, a lone
// click gets a square of a third of the image's side around it with the click as a definite
// foreground seed). usage: bench_real_photos [cases folder]

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "BenchHarness.h"
#include "engine/classic/ClassicSegmenter.h"
#include "support/RealPhotoCases.h"

using namespace sam3;

namespace {

double referenceGrabCut(const test::RealPhotoCase& c, double& milliseconds) {
  const cv::Mat image = cv::imread(c.imageFile, cv::IMREAD_COLOR);
  cv::Rect rect;
  if (c.prompt.box) {
    const auto& b = *c.prompt.box;
    rect = cv::Rect(cv::Point(int(b[0]), int(b[1])), cv::Point(int(b[2]), int(b[3])));
  } else {
    const int side = std::max(image.cols, image.rows) / 3;
    rect = cv::Rect(int(c.prompt.clicks[0].x) - side / 2, int(c.prompt.clicks[0].y) - side / 2, side, side);
  }
  rect &= cv::Rect(0, 0, image.cols, image.rows);
  const auto start = std::chrono::steady_clock::now();
  cv::Mat labels(image.size(), CV_8U, cv::Scalar(cv::GC_BGD)), bg, fg;
  labels(rect).setTo(cv::GC_PR_FGD);
  for (const auto& click : c.prompt.clicks)
    cv::circle(labels, cv::Point(int(click.x), int(click.y)), 3, click.positive ? cv::GC_FGD : cv::GC_BGD, cv::FILLED);
  cv::grabCut(image, labels, rect, bg, fg, 5, cv::GC_INIT_WITH_MASK);
  milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  mask::BinaryMask m(image.rows, image.cols);
  for (int y = 0; y < image.rows; ++y)
    for (int x = 0; x < image.cols; ++x) {
      const uchar l = labels.at<uchar>(y, x);
      m.data()[size_t(y) * image.cols + x] = (l == cv::GC_FGD || l == cv::GC_PR_FGD) ? 1 : 0;
    }
  return test::maskIou(m, c.truth);
}

}  // namespace

int main(int argc, char** argv) {
  const auto cases = test::loadRealPhotoCases(argc > 1 ? argv[1] : test::realPhotoFolder());
  std::printf("real photos: IoU with hand-made truth; ref = textbook GrabCut on the full image\n");
  std::printf("%-40s %8s %8s %10s %10s\n", "case", "IoU", "ref IoU", "ms", "ref ms");
  classic::ClassicSegmenter engine;
  std::string current;
  std::vector<double> ours, ref;
  double boxMin = 1, clickMin = 1;
  for (const auto& c : cases) {
    const test::RealPhotoScore s = test::scoreCase(engine, c, current);
    double refMs = 0;
    const double refIou = referenceGrabCut(c, refMs);
    std::printf("%-40s %8.3f %8.3f %10.1f %10.1f %s\n", c.label.c_str(), s.iou, refIou, s.milliseconds, refMs, s.error.c_str());
    ours.push_back(s.iou);
    ref.push_back(refIou);
    (c.isBox ? boxMin : clickMin) = std::min(c.isBox ? boxMin : clickMin, s.iou);
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
  };
  std::printf("%-40s %8.3f %8.3f   (ratio %.2f)\n", "mean", mean(ours), mean(ref), mean(ref) > 0 ? mean(ours) / mean(ref) : 0.0);
  std::printf("lowest box case %.3f, lowest click case %.3f\n", boxMin, clickMin);
  return 0;
}
