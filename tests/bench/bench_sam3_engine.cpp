// The SAM3 engine on the fixture bundle (tiny widths, real spatial shapes): backbone time per
// image, embedding from the disk cache, embedding from memory, one click with a warm cache and
// one exemplar search, on 1 and 12 megapixel images. Reference in the same run: the backbone
// (what every image switch would cost without the cache). Target: disk-cache load <= 50 ms.
// usage: bench_sam3_engine [BUNDLE_DIR]   (default: writes the fixture bundle to a temp folder)

#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "BenchHarness.h"
#include "support/SyntheticImage.h"
#include "engine/sam3/Sam3Segmenter.h"
#include "engine/platform/EngineInit.h"
#include "engine/platform/OpenMpWaitPolicy.h"

using namespace sam3;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<model::Sam3Segmenter> openEngine(const std::string& bundle, const std::string& cache, size_t memoryEntries) {
  model::Sam3SegmenterOptions options;
  options.bundleDirectory = bundle;
  options.cacheDirectory = cache;
  options.memoryEntries = memoryEntries;
  options.device = "cpu";
  options.threads = 2;
  std::string error;
  auto engine = model::Sam3Segmenter::open(options, error);
  if (!engine) {
    std::fprintf(stderr, "cannot open %s: %s\n", bundle.c_str(), error.c_str());
    std::exit(1);
  }
  return engine;
}

void row(const std::string& name, const bench::Stats& s, const bench::Stats& reference, double targetMs) {
  const double ratio = reference.medianUs > 0 ? reference.medianUs / s.medianUs : 0;
  std::printf("%-40s %10.1f %10.1f %10.1f %8.1fx %8s  %s\n", name.c_str(), s.medianUs / 1000, s.p95Us / 1000,
              reference.medianUs / 1000, ratio, targetMs > 0 ? (std::to_string(int(targetMs)) + " ms").c_str() : "-",
              targetMs <= 0 ? "" : (s.medianUs / 1000 <= targetMs ? "ok" : "ABOVE TARGET"));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char* argv[]) {
  platform::preferShortOpenMpSpin(argc, argv);
  platform::initializeEngine();
  const fs::path work = fs::temp_directory_path() / "sam3-bench-engine";
  std::string bundle = argc > 1 ? argv[1] : (work / "fixture.sam3bundle").string();
  if (argc <= 1 && !fs::exists(fs::path(bundle) / "manifest.json")) {
    const std::string command = std::string("/usr/bin/python3 '") + SAM3_SOURCE_DIR + "/tools/make_fixture_bundle.py' '" +
                                bundle + "' --ops-library '" + SAM3_OPS_LIBRARY + "' > /dev/null";
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "could not write the fixture bundle (needs Debian's python3-torch)\n");
      return 1;
    }
  }
  std::printf("SAM3 engine on %s, 2 threads\n%-40s %10s %10s %10s %9s %8s\n", bundle.c_str(), "case", "med ms", "p95 ms",
              "ref ms", "ratio", "target");
  for (auto [w, h] : {std::pair<int, int>{1224, 816}, {4240, 2832}}) {
    const std::string mp = std::to_string((w * h + 500000) / 1000000) + " MP ";
    const cv::Mat a = test::discScene(w, h, 0), b = test::discScene(w, h, 1);
    const fs::path cache = work / ("cache-" + std::to_string(w));
    fs::remove_all(cache);

    // Backbone: no disk cache, one memory slot, alternating images -> every switch encodes.
    auto cold = openEngine(bundle, "", 1);
    bool flip = false;
    const bench::Stats backbone = bench::measure([&] { cold->setImage((flip = !flip) ? a : b, "x"); }, 10, 1.0);
    row(mp + "image switch, backbone", backbone, {}, 0);

    auto warm = openEngine(bundle, cache.string(), 1);
    warm->setImage(a, "a");
    warm->setImage(b, "b");  // both on disk now
    const bench::Stats disk = bench::measure([&] { warm->setImage((flip = !flip) ? a : b, "x"); }, 20, 1.0);
    if (warm->stats().backboneRuns != 2) std::printf("  (unexpected backbone runs: %d)\n", warm->stats().backboneRuns);
    row(mp + "image switch, disk cache", disk, backbone, 50);

    auto memory = openEngine(bundle, "", 2);
    memory->setImage(a, "a");
    memory->setImage(b, "b");
    const bench::Stats fromMemory = bench::measure([&] { memory->setImage((flip = !flip) ? a : b, "x"); }, 20, 0.5);
    row(mp + "image switch, memory cache", fromMemory, backbone, 0);

    prompt::InteractivePrompt click;
    click.clicks = {{w * 0.5, h * 0.5, true}, {w * 0.1, h * 0.1, false}};
    const bench::Stats clickStats = bench::measure([&] { memory->predict(click); }, 50, 0.5);
    row(mp + "click, warm cache", clickStats, backbone, 0);

    segment::FindSimilarRequest request;
    request.exemplars = {{{w * 0.4, h * 0.4, w * 0.6, h * 0.6}, true}};
    const bench::Stats search = bench::measure([&] { memory->findSimilar(request); }, 10, 0.5);
    row(mp + "find similar (threshold 0.5)", search, backbone, 0);
  }
  return 0;
}
