// Segment everything at SAM3 sizes (the interactive heads with random weights, 2 threads): the
// batched grid (decodeGrid + NMS + upsampling of the survivors) against the same clicks one by
// one through the per-click path (InteractivePredictor::predict with multimask output at image
// size: what a caller of predict() pays, before any filtering, so the ratio is conservative).
// Rounds alternate ours / reference; per-prompt medians and p95 over rounds. Then one full
// 32x32 grid per image size for the wall time. Filters: SAM's defaults, and all open (every
// proposal reaches NMS). With random weights nothing passes SAM's filters and the open ones'
// masks all cover most of the image, so NMS keeps one; a trained model keeps tens to hundreds,
// each upsampled (~1-2 ms at 12 MP) - the decoder's ~25 ms per click dominates either way:
// ~2 GFLOP per click (two-way attention, upscaling), near what 2 AVX2 cores deliver.
// usage: bench_everything [ROUNDS]

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/sam3/EverythingDecoder.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/platform/EngineInit.h"
#include "engine/platform/OpenMpWaitPolicy.h"

using namespace sam3;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

struct Setup {
  const model::InteractiveHeads& heads;
  const model::InteractiveImage& image;
};

// Seconds per prompt of the batched grid, and how many instances it kept.
double oursPerPrompt(const Setup& s, int side, int64_t h, int64_t w, const segment::EverythingOptions& options, size_t* kept) {
  const auto points = segment::everythingGrid(side, int(w), int(h));
  const auto start = Clock::now();
  const model::GridProposals proposals = model::decodeGrid({s.heads, s.image}, points, h, w, options, {});
  const std::vector<segment::Instance> instances = model::selectInstances(proposals, h, w, options);
  if (kept) *kept = instances.size();
  return secondsSince(start) / double(points.size());
}

// Seconds per prompt of the same kind of clicks one by one (every `stride`-th grid point).
double oneByOnePerPrompt(const Setup& s, int side, int64_t h, int64_t w, int clicks) {
  const auto points = segment::everythingGrid(side, int(w), int(h));
  const model::InteractivePredictor predictor(s.heads);
  const size_t stride = std::max<size_t>(1, points.size() / size_t(clicks));
  int done = 0;
  const auto start = Clock::now();
  for (size_t i = 0; i < points.size() && done < clicks; i += stride, ++done) {
    prompt::InteractivePrompt click;
    click.clicks.push_back({points[i][0], points[i][1], true});
    (void)predictor.predict(s.image, click, h, w, /*multimaskOutput=*/true);
  }
  return secondsSince(start) / double(done);
}

}  // namespace

int main(int argc, char** argv) {
  platform::preferShortOpenMpSpin(argc, argv);
  platform::initializeEngine();
  at::set_num_threads(2);
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  c10::InferenceMode inference;
  const model::InteractiveHeadsConfig config;
  at::manual_seed(0);
  model::StateDict weights;
  for (const auto& [name, shape] : config.expectedWeights()) weights[name] = at::randn(shape) * 0.05;
  const model::InteractiveHeads heads(config, weights);
  const model::InteractiveImage image =
      heads.prepareImage(at::randn({1, 256, 72, 72}), at::randn({1, 256, 288, 288}), at::randn({1, 256, 144, 144}));
  const Setup setup{heads, image};
  segment::EverythingOptions defaults;
  segment::EverythingOptions open;
  open.minPredictedIou = 0.0;
  open.minStability = 0.0;
  std::printf("threads: %d; %d rounds; ours: a 16x16 grid per round; reference: 64 of its clicks one by one\n",
              at::get_num_threads(), rounds);
  std::printf("\n%-26s %11s %11s %11s %11s %8s %10s\n", "case", "ours ms/pt", "ours p95", "ref ms/pt", "ref p95", "ratio",
              "ours pt/s");
  struct Size {
    const char* name;
    int64_t h, w;
  };
  for (const Size& size : {Size{"1 MP", 866, 1155}, Size{"12 MP", 3000, 4000}}) {
    for (const bool openFilters : {false, true}) {
      const segment::EverythingOptions& options = openFilters ? open : defaults;
      std::vector<double> ours, ref;
      for (int r = 0; r < rounds; ++r) {  // interleaved: the machine's noise hits both sides alike
        ours.push_back(oursPerPrompt(setup, 16, size.h, size.w, options, nullptr) * 1e3);
        ref.push_back(oneByOnePerPrompt(setup, 16, size.h, size.w, 64) * 1e3);
      }
      const double oursMedian = percentile(ours, 0.5), refMedian = percentile(ref, 0.5);
      char label[64];
      std::snprintf(label, sizeof label, "%s, %s filters", size.name, openFilters ? "open" : "SAM's");
      std::printf("%-26s %11.2f %11.2f %11.2f %11.2f %7.2fx %10.1f\n", label, oursMedian, percentile(ours, 0.95), refMedian,
                  percentile(ref, 0.95), refMedian / oursMedian, 1e3 / oursMedian);
      std::fflush(stdout);
    }
  }
  std::printf("\nwall time of one 32x32 grid (1024 clicks), decoder side only (the backbone is separate):\n");
  for (const Size& size : {Size{"1 MP", 866, 1155}, Size{"12 MP", 3000, 4000}}) {
    for (const bool openFilters : {false, true}) {
      size_t kept = 0;
      const double perPrompt = oursPerPrompt(setup, 32, size.h, size.w, openFilters ? open : defaults, &kept);
      std::printf("  %-6s %-13s %7.1f s, %zu instances kept\n", size.name, openFilters ? "open filters" : "SAM's filters",
                  perPrompt * 1024, kept);
      std::fflush(stdout);
    }
  }
  return 0;
}
