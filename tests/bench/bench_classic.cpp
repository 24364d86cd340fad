// Click-to-mask latency of the classic engine (median and p95 over 50 clicks) on 1, 12 and 24
// megapixel scenes, with a box prompt and with a single include click. The reference in the same
// run is GrabCut run directly on the full-resolution image (what a naive port does).
// usage: bench_classic

#include <opencv2/imgproc.hpp>

#include "BenchHarness.h"
#include "support/SyntheticImage.h"
#include "engine/classic/ClassicSegmenter.h"

using namespace sam3;

int main() {
  bench::printHeader("classic engine, one prediction (target p95 <= 150 ms at 12 MP); ref = GrabCut at full resolution");
  for (auto [w, h] : {std::pair<int, int>{1224, 816}, {4240, 2832}, {6000, 4000}}) {
    const cv::Mat image = test::discScene(w, h, 0, /*withCard=*/true);
    classic::ClassicSegmenter engine;
    engine.setImage(image, "bench");
    const double k = w / 640.0;
    prompt::InteractivePrompt box;
    box.box = std::array<double, 4>{220 * k, 140 * k, 420 * k, 340 * k};
    prompt::InteractivePrompt click;
    click.clicks = {{320 * k, 240 * k, true}};
    const auto boxStats = bench::measure([&] { engine.predict(box); }, 50, 0.5);
    const auto clickStats = bench::measure([&] { engine.predict(click); }, 50, 0.5);
    bench::Stats naive;
    if (w * h <= 2'000'000) {  // full-resolution GrabCut only where it finishes in reasonable time
      naive = bench::measure([&] {
        cv::Mat mask, bg, fg;
        cv::grabCut(image, mask, cv::Rect(int(220 * k), int(140 * k), int(200 * k), int(200 * k)), bg, fg, 5, cv::GC_INIT_WITH_RECT);
      }, 3, 0.1);
    } else {
      naive.medianUs = naive.p95Us = 0;
    }
    const std::string mp = std::to_string((w * h + 500000) / 1000000) + " MP";
    if (naive.medianUs > 0) {
      bench::printRow(mp + " box", boxStats, naive, 1.0);
    } else {
      std::printf("%-34s %12.1f %12.1f %12s\n", (mp + " box").c_str(), boxStats.medianUs, boxStats.p95Us, "(skipped)");
    }
    std::printf("%-34s %12.1f %12.1f   p95 %s\n", (mp + " click").c_str(), clickStats.medianUs, clickStats.p95Us,
                clickStats.p95Us <= 150000 ? "<= 150 ms" : "ABOVE 150 ms");
  }
  return 0;
}
