// Sampling ops on SAM3 shapes (72x72x256 features, B=1), ours vs the reference in the same run:
//  - sample_points_seq vs permute + contiguous + at::grid_sampler (the original geometry encoder)
//  - sam3::grid_sample vs at::grid_sampler on NCHW input
//  - sam3::roi_align vs torchvision's CPU roi_align (its _C library loaded into this process),
//    on NCHW and on a channels-last view
//  - on a CUDA LibTorch with a GPU, the same ops on CUDA tensors against at::grid_sampler and
//    torchvision's CUDA roi_align (each call synchronised, so the times are whole calls)
// usage: bench_sampling_ops [TORCHVISION_C_SO]   (2 intra-op threads, like the CI machine;
//        default: Debian's python3-torchvision, or SAM3_TORCHVISION_C)

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <cstdlib>

#include <filesystem>
#include <functional>
#include <optional>
#include <glob.h>

#include "BenchHarness.h"
#include "engine/ops/OpsRegistry.h"
#include "engine/ops/SamplingOps.h"

using namespace sam3;

namespace {

std::string findTorchvisionLibrary(int argc, char** argv) {
  if (argc > 1) return argv[1];
  if (const char* fromEnv = std::getenv("SAM3_TORCHVISION_C")) return fromEnv;
  // Debian's python3-torchvision is built for Debian's LibTorch 1.13; loading it into another
  // LibTorch crashes the process, so other builds need the path of their own torchvision.
  if (TORCH_VERSION_MAJOR != 1 || TORCH_VERSION_MINOR != 13) return {};
  glob_t g{};
  std::string found;
  if (glob("/usr/lib/python3/dist-packages/torchvision/_C*.so", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    found = g.gl_pathv[0];
  }
  globfree(&g);
  return found;
}

// Boxes of SAM3-like sizes (4..60 feature pixels) inside a 72x72 map, as Tensor[K,5].
at::Tensor randomRois(int64_t k) {
  const at::Tensor wh = at::rand({k, 2}) * 56 + 4;
  const at::Tensor xy = at::rand({k, 2}) * (72 - wh);
  return at::cat({at::zeros({k, 1}), xy, xy + wh}, 1);
}

using RoiAlignOp = c10::TypedOperatorHandle<at::Tensor(const at::Tensor&, const at::Tensor&, double, int64_t, int64_t,
                                                        int64_t, bool)>;

// The CUDA table: every call followed by a device synchronisation.
void cudaTables(const at::Tensor& nchwCpu, const RoiAlignOp* tvOp) {
  if (!at::hasCUDA() || at::detail::getCUDAHooks().getNumGPUs() == 0) {
    std::printf("\nCUDA: skipped (%s)\n", at::hasCUDA() ? "no CUDA device" : "this LibTorch has no CUDA");
    return;
  }
  const at::Tensor nchw = nchwCpu.cuda();
  auto synced = [](const std::function<void()>& fn) {
    return bench::measure([&] {
      fn();
      at::detail::getCUDAHooks().deviceSynchronize(0);
    });
  };
  bench::printHeader("CUDA: sam3::grid_sample vs at::grid_sampler, NCHW (target >= 1x)");
  for (int64_t n : {1, 64, 4096}) {
    const at::Tensor grid = (at::rand({1, n, 1, 2}) * 2 - 1).cuda();
    bench::printRow("grid N=" + std::to_string(n), synced([&] { ops::gridSample(nchw, grid); }),
                    synced([&] { at::grid_sampler(nchw, grid, 0, 0, false); }), 1.0);
  }
  if (!tvOp) {
    std::printf("\nCUDA roi_align vs torchvision: skipped (torchvision not loaded)\n");
    return;
  }
  bench::printHeader("CUDA: sam3::roi_align vs torchvision roi_align, 7x7, ratio -1 (target >= 1x)");
  for (int64_t k : {1, 64, 512}) {
    const at::Tensor rois = randomRois(k).cuda();
    const double diff = (ops::roiAlign(nchw, rois, 1.0, 7, 7, -1, false) - tvOp->call(nchw, rois, 1.0, 7, 7, -1, false))
                            .abs().max().item<double>();
    bench::printRow("boxes K=" + std::to_string(k) + " (max diff " + c10::str(diff) + ")",
                    synced([&] { ops::roiAlign(nchw, rois, 1.0, 7, 7, -1, false); }),
                    synced([&] { tvOp->call(nchw, rois, 1.0, 7, 7, -1, false); }), 1.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(2);
  at::manual_seed(0);
  bool allOk = true;
  // Load the real torchvision first; ensureOpsRegistered() then leaves its roi_align alone.
  const std::string tvPath = findTorchvisionLibrary(argc, argv);
  const std::string tvError = tvPath.empty() ? "torchvision not found (pass its _C library, or SAM3_TORCHVISION_C)"
                                             : ops::loadTorchvisionOps(tvPath);
  ops::ensureOpsRegistered();
  std::printf("threads: %d; torchvision: %s\n", at::get_num_threads(),
              tvError.empty() ? tvPath.c_str() : tvError.c_str());

  const int64_t h = 72, w = 72, c = 256;
  const at::Tensor nchw = at::randn({1, c, h, w});
  const at::Tensor seq = nchw.flatten(2).permute({2, 0, 1}).contiguous();  // [HW,1,C]

  bench::printHeader("sample_points_seq vs permute+contiguous+grid_sampler (target >= 3x)");
  for (int64_t n : {1, 8, 64}) {
    const at::Tensor points = at::rand({n, 1, 2});
    const auto ours = bench::measure([&] { ops::samplePointsSeq(seq, points, h, w); });
    const auto ref = bench::measure([&] {
      const at::Tensor map = seq.permute({1, 2, 0}).contiguous().view({1, c, h, w});
      at::grid_sampler(map, (points * 2 - 1).permute({1, 0, 2}).unsqueeze(2), 0, 0, false);
    });
    allOk &= bench::printRow("points N=" + std::to_string(n), ours, ref, 3.0);
  }

  bench::printHeader("sam3::grid_sample vs at::grid_sampler, NCHW (target >= 1x)");
  for (int64_t n : {1, 8, 64}) {
    const at::Tensor grid = at::rand({1, n, 1, 2}) * 2 - 1;
    const auto ours = bench::measure([&] { ops::gridSample(nchw, grid); });
    const auto ref = bench::measure([&] { at::grid_sampler(nchw, grid, 0, 0, false); });
    allOk &= bench::printRow("grid N=" + std::to_string(n), ours, ref, 1.0);
  }

  std::optional<RoiAlignOp> tvOp;
  if (!tvError.empty()) {
    std::printf("\nroi_align vs torchvision: skipped (%s)\n", tvError.c_str());
  } else {
    tvOp = c10::Dispatcher::singleton()
               .findSchemaOrThrow("torchvision::roi_align", "")
               .typed<at::Tensor(const at::Tensor&, const at::Tensor&, double, int64_t, int64_t, int64_t, bool)>();
    bench::printHeader("sam3::roi_align vs torchvision roi_align, 7x7, ratio -1 (target >= 2x at K=8,64)");
    for (int64_t k : {1, 8, 64}) {
      const at::Tensor rois = randomRois(k);
      const double diff = (ops::roiAlign(nchw, rois, 1.0, 7, 7, -1, false) - tvOp->call(nchw, rois, 1.0, 7, 7, -1, false))
                              .abs().max().item<double>();
      const auto ours = bench::measure([&] { ops::roiAlign(nchw, rois, 1.0, 7, 7, -1, false); });
      const auto ref = bench::measure([&] { tvOp->call(nchw, rois, 1.0, 7, 7, -1, false); });
      allOk &= bench::printRow("boxes K=" + std::to_string(k) + " (max diff " + c10::str(diff) + ")", ours, ref,
                               k == 1 ? 1.0 : 2.0);
    }
    // The geometry encoder's case: its [HW,1,C] sequence viewed as a channels-last map, read in place.
    const at::Tensor channelsLast = seq.permute({1, 2, 0}).reshape({1, c, h, w});
    bench::printHeader("sam3::roi_align on a channels-last view (the geometry encoder's map) vs torchvision on NCHW");
    for (int64_t k : {1, 8, 64}) {
      const at::Tensor rois = randomRois(k);
      const double diff = (ops::roiAlign(channelsLast, rois, 1.0, 7, 7, -1, false) - tvOp->call(nchw, rois, 1.0, 7, 7, -1, false))
                              .abs().max().item<double>();
      const auto ours = bench::measure([&] { ops::roiAlign(channelsLast, rois, 1.0, 7, 7, -1, false); });
      const auto ref = bench::measure([&] { tvOp->call(nchw, rois, 1.0, 7, 7, -1, false); });
      bench::printRow("boxes K=" + std::to_string(k) + " (max diff " + c10::str(diff) + ")", ours, ref, 1.0);
    }
  }
  cudaTables(nchw, tvOp ? &*tvOp : nullptr);
  std::printf("\n%s\n", allOk ? "all targets met" : "some targets missed");
  return 0;
}
