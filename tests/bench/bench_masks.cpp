// Mask and export throughput, single thread: RLE encode/decode of 1000 masks of 1024x1024 with
// objects of varied size (against a naive per-pixel column-major encoder in the same run),
// compressed-string encode/decode, and a COCO export of a 10,000-object project.
// usage: bench_masks

#include <chrono>
#include <cstdio>
#include <random>

#include "BenchHarness.h"
#include "engine/io/CocoExport.h"
#include "engine/mask/Rle.h"

using namespace sam3;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The obvious implementation: walk the mask column by column, pixel by pixel.
mask::Rle naiveEncode(const mask::BinaryMask& m) {
  mask::Rle r{m.height(), m.width(), {}};
  uint8_t current = 0;
  uint32_t run = 0;
  for (int x = 0; x < m.width(); ++x)
    for (int y = 0; y < m.height(); ++y) {
      if (m.at(y, x) != current) {
        r.counts.push_back(run);
        run = 0;
        current = m.at(y, x);
      }
      ++run;
    }
  r.counts.push_back(run);
  return r;
}

mask::BinaryMask ellipseMask(int size, std::mt19937& rng) {
  mask::BinaryMask m(size, size);
  const int rx = 4 + int(rng() % 400), ry = 4 + int(rng() % 400);
  const int cx = int(rng() % size), cy = int(rng() % size);
  for (int y = std::max(0, cy - ry); y < std::min(size, cy + ry); ++y) {
    const double dy = double(y - cy) / ry;
    const int half = int(rx * std::sqrt(std::max(0.0, 1 - dy * dy)));
    for (int x = std::max(0, cx - half); x < std::min(size, cx + half); ++x) m.set(y, x, true);
  }
  return m;
}

}  // namespace

int main() {
  constexpr int kMasks = 1000, kSize = 1024;
  std::mt19937 rng(1);
  std::vector<mask::BinaryMask> masks;
  masks.reserve(kMasks);
  for (int i = 0; i < kMasks; ++i) masks.push_back(ellipseMask(kSize, rng));
  const double gigapixels = double(kMasks) * kSize * kSize / 1e9;

  std::vector<mask::Rle> rles(kMasks);
  const double encode = seconds([&] { for (int i = 0; i < kMasks; ++i) rles[i] = mask::encode(masks[i]); });
  size_t naiveRuns = 0;
  const double naive = seconds([&] { for (int i = 0; i < kMasks; ++i) naiveRuns += naiveEncode(masks[i]).counts.size(); });
  size_t checked = 0;
  const double decode = seconds([&] { for (int i = 0; i < kMasks; ++i) checked += mask::decode(rles[i]).height(); });
  std::vector<std::string> strings(kMasks);
  const double toString = seconds([&] { for (int i = 0; i < kMasks; ++i) strings[i] = mask::toCompressedString(rles[i]); });
  const double fromString = seconds([&] { for (int i = 0; i < kMasks; ++i) checked += mask::fromCompressedString(strings[i], kSize, kSize).counts.size(); });
  for (int i = 0; i < 20; ++i) {
    if (!(naiveEncode(masks[i]) == rles[i])) std::printf("MISMATCH at mask %d\n", i);
  }

  std::printf("\nRLE on %d masks of %dx%d (one thread)\n", kMasks, kSize, kSize);
  std::printf("%-28s %10.1f ms  %7.2f GB/s of mask pixels (target >= 1 GB/s) %s\n", "encode", encode * 1e3, gigapixels / encode,
              gigapixels / encode >= 1.0 ? "ok" : "BELOW TARGET");
  std::printf("%-28s %10.1f ms  %7.2f GB/s   ratio vs ours: ours is %.1fx faster\n", "naive column-major encode", naive * 1e3,
              gigapixels / naive, naive / encode);
  std::printf("%-28s %10.1f ms  %7.2f GB/s\n", "decode", decode * 1e3, gigapixels / decode);
  std::printf("%-28s %10.1f ms  %7.1f M runs/s\n", "compressed string encode", toString * 1e3, naiveRuns / toString / 1e6);
  std::printf("%-28s %10.1f ms  %7.1f M runs/s\n", "compressed string decode", fromString * 1e3, naiveRuns / fromString / 1e6);

  // A 10,000-object project: 100 images of 1024x1024, 100 objects each.
  annotation::Project project;
  const int category = project.putCategory({0, "object", {1, 2, 3}, ""});
  for (int i = 0; i < 100; ++i) {
    const int image = project.putImage({0, "img" + std::to_string(i) + ".png", kSize, kSize, "", annotation::ImageStatus::New});
    for (int j = 0; j < 100; ++j) {
      annotation::AnnotationObject o;
      o.imageId = image;
      o.categoryId = category;
      o.mask = rles[(i * 100 + j) % kMasks];
      project.putObject(std::move(o));
    }
  }
  io::CocoExportResult result;
  const auto exportStats = bench::measure([&] { result = io::exportCoco(project); }, 3, 1.0);
  std::string text;
  const double dump = seconds([&] { text = result.coco.dump(); });
  std::printf("\nCOCO export (RLE) of %zu objects: median %.1f ms + %.1f ms to serialize %zu MB (target < 1000 ms) %s\n",
              project.objects().size(), exportStats.medianUs / 1e3, dump * 1e3, text.size() >> 20,
              exportStats.medianUs / 1e3 + dump * 1e3 < 1000 ? "ok" : "ABOVE TARGET");
  return checked == 0;
}
