// gpu_ops_check GOLDEN_DIR: runs every grid_sample and roi_align golden case (and the
// sequence-first point sampler) through the CUDA kernels on raw device buffers, comparing with
// the goldens (manifest tolerances) and with our CPU kernels. Half and bfloat16 are compared
// with the CPU float32 result at 16-bit tolerances. Built against a CUDA LibTorch
// (SAM3_DISPATCH_CUDA), every case also goes through the dispatcher on CUDA tensors:
// sam3::grid_sample, sam3::roi_align, sam3::sample_points_seq and the torchvision::roi_align
// stand-in, each result checked to be a CUDA tensor. Exit 77 without a CUDA device.

#include <cuda_runtime.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/ops/OpsRegistry.h"
#include "engine/ops/SamplingOps.h"
#include "engine/ops/cuda/SamplingKernels.h"
#ifdef SAM3_DISPATCH_CUDA
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/version.h>
#endif

namespace fs = std::filesystem;
using namespace sam3;
using golden::Report;
using golden::Tolerance;

namespace {

// A device copy of a CPU tensor, freed on scope exit.
struct DeviceBuffer {
  void* ptr = nullptr;
  explicit DeviceBuffer(const at::Tensor& host) {
    const at::Tensor c = host.contiguous();
    check(cudaMalloc(&ptr, std::max<size_t>(c.nbytes(), 1)), "cudaMalloc");
    if (c.nbytes()) check(cudaMemcpy(ptr, c.data_ptr(), c.nbytes(), cudaMemcpyHostToDevice), "copy to device");
  }
  explicit DeviceBuffer(size_t bytes) { check(cudaMalloc(&ptr, std::max<size_t>(bytes, 1)), "cudaMalloc"); }
  ~DeviceBuffer() { cudaFree(ptr); }
  at::Tensor download(at::IntArrayRef sizes, at::ScalarType dtype) const {
    at::Tensor out = at::empty(sizes, dtype);
    check(cudaDeviceSynchronize(), "kernel");
    if (out.nbytes()) check(cudaMemcpy(out.data_ptr(), ptr, out.nbytes(), cudaMemcpyDeviceToHost), "copy to host");
    return out;
  }
  static void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
  }
};

ops::cuda::ScalarKind kindOf(at::ScalarType t) {
  switch (t) {
    case at::kDouble: return ops::cuda::ScalarKind::Float64;
    case at::kHalf: return ops::cuda::ScalarKind::Float16;
    case at::kBFloat16: return ops::cuda::ScalarKind::BFloat16;
    default: return ops::cuda::ScalarKind::Float32;
  }
}

void checkLaunch(const char* error) {
  if (error) throw std::runtime_error(std::string("launch failed: ") + error);
}

at::Tensor gridSampleCuda(const at::Tensor& input, const at::Tensor& grid, int64_t mode, int64_t padding, bool align) {
  DeviceBuffer in(input), g(grid);
  const std::vector<int64_t> outSizes = {input.size(0), input.size(1), grid.size(1), grid.size(2)};
  DeviceBuffer out(at::empty(outSizes, input.scalar_type()).nbytes());
  checkLaunch(ops::cuda::launchGridSample({in.ptr, g.ptr, out.ptr, input.size(0), input.size(1), input.size(2),
                                           input.size(3), grid.size(1), grid.size(2), mode, padding, align,
                                           kindOf(input.scalar_type())}, nullptr));
  return out.download(outSizes, input.scalar_type());
}

at::Tensor roiAlignCuda(const at::Tensor& input, const at::Tensor& rois, double scale, int64_t outH, int64_t outW,
                        int64_t ratio, bool aligned) {
  DeviceBuffer in(input), r(rois);
  const std::vector<int64_t> outSizes = {rois.size(0), input.size(1), outH, outW};
  DeviceBuffer out(at::empty(outSizes, input.scalar_type()).nbytes());
  checkLaunch(ops::cuda::launchRoiAlign({in.ptr, r.ptr, out.ptr, input.size(0), input.size(1), input.size(2),
                                         input.size(3), rois.size(0), outH, outW, scale, ratio, aligned,
                                         kindOf(input.scalar_type())}, nullptr));
  return out.download(outSizes, input.scalar_type());
}

at::Tensor samplePointsSeqCuda(const at::Tensor& feats, const at::Tensor& points, int64_t h, int64_t w) {
  DeviceBuffer f(feats), p(points);
  const std::vector<int64_t> outSizes = {points.size(0), feats.size(1), feats.size(2)};
  DeviceBuffer out(at::empty(outSizes, feats.scalar_type()).nbytes());
  checkLaunch(ops::cuda::launchSamplePointsSeq({f.ptr, p.ptr, out.ptr, points.size(0), feats.size(1), feats.size(2),
                                                h, w, kindOf(feats.scalar_type())}, nullptr));
  return out.download(outSizes, feats.scalar_type());
}

#ifdef SAM3_DISPATCH_CUDA
// The result of an op called with CUDA tensors, back on the host; a result left on another
// device (a silent CPU fallback) is an error.
at::Tensor fromCuda(const at::Tensor& result, const std::string& op) {
  if (!result.is_cuda()) throw std::runtime_error(op + " on CUDA tensors returned a " + result.device().str() + " tensor");
  return result.cpu();
}

at::Tensor torchvisionRoiAlign(const at::Tensor& input, const at::Tensor& rois, double scale, int64_t outH, int64_t outW,
                               int64_t ratio, bool aligned) {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("torchvision::roi_align", "")
                             .typed<at::Tensor(const at::Tensor&, const at::Tensor&, double, int64_t, int64_t, int64_t, bool)>();
  return op.call(input, rois, scale, outH, outW, ratio, aligned);
}
#endif

nlohmann::json readManifest(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

int64_t modeOf(const std::string& s) { return s == "nearest" ? 1 : 0; }
int64_t paddingOf(const std::string& s) { return s == "border" ? 1 : s == "reflection" ? 2 : 0; }

void runGridSample(const fs::path& folder, Report& report) {
  const nlohmann::json manifest = readManifest(folder / "manifest.json");
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    const weights::SafetensorsFile file = weights::SafetensorsFile::open((folder / c.at("file").get<std::string>()).string());
    const at::Tensor input = weights::loadTensor(file, "input"), grid = weights::loadTensor(file, "grid");
    const at::Tensor expected = weights::loadTensor(file, "output");
    const auto& p = c.at("params");
    const std::string dtype = c.value("dtype", std::string("float32"));
    const Tolerance tol = golden::findTolerance(manifest.at("tolerances"), {dtype + " " + p.at("mode").get<std::string>(), dtype});
    const int64_t mode = modeOf(p.at("mode")), padding = paddingOf(p.at("padding_mode"));
    const bool align = p.at("align_corners");
    const at::Tensor gpu = gridSampleCuda(input, grid, mode, padding, align);
    report.record("cuda " + name, golden::compareTensors(gpu, expected, tol));
    const at::Tensor cpu = ops::gridSample(input, grid, ops::Interpolation(mode), ops::Padding(padding), align);
    report.record("cuda~cpu " + name, golden::compareTensors(gpu, cpu, tol));
#ifdef SAM3_DISPATCH_CUDA
    const at::Tensor dispatched = fromCuda(
        ops::gridSample(input.cuda(), grid.cuda(), ops::Interpolation(mode), ops::Padding(padding), align), "sam3::grid_sample");
    report.record("dispatch cuda " + name, golden::compareTensors(dispatched, expected, tol));
#endif
    if (dtype == "float32" && mode == 0) {
      for (at::ScalarType low : {at::kHalf, at::kBFloat16}) {
        const at::Tensor lowOut = gridSampleCuda(input.to(low), grid.to(low), mode, padding, align);
        const at::Tensor ref = ops::gridSample(input.to(low).to(at::kFloat), grid.to(low).to(at::kFloat),
                                               ops::Interpolation(mode), ops::Padding(padding), align);
        const double t = low == at::kHalf ? 1e-2 : 6e-2;
        report.record(std::string(low == at::kHalf ? "cuda f16 " : "cuda bf16 ") + name,
                      golden::compareTensors(lowOut.to(at::kFloat), ref, {t, t}));
      }
    }
    if (mode == 0 && padding == 0 && !align && grid.size(2) == 1) {
      const at::Tensor feats = input.flatten(2).permute({2, 0, 1}).contiguous();
      const at::Tensor points = ((grid.squeeze(2) + 1) / 2).permute({1, 0, 2}).contiguous();
      const at::Tensor seq = samplePointsSeqCuda(feats, points, input.size(2), input.size(3));
      report.record("cuda sample_points_seq " + name,
                    golden::compareTensors(seq.permute({1, 2, 0}).unsqueeze(3), expected, tol));
#ifdef SAM3_DISPATCH_CUDA
      const at::Tensor sampled = fromCuda(ops::samplePointsSeq(feats.cuda(), points.cuda(), input.size(2), input.size(3)),
                                             "sam3::sample_points_seq");
      report.record("dispatch cuda sample_points_seq " + name,
                    golden::compareTensors(sampled.permute({1, 2, 0}).unsqueeze(3), expected, tol));
#endif
    }
  }
}

void runRoiAlign(const fs::path& folder, Report& report) {
  const nlohmann::json manifest = readManifest(folder / "manifest.json");
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    const weights::SafetensorsFile file = weights::SafetensorsFile::open((folder / c.at("file").get<std::string>()).string());
    const at::Tensor input = weights::loadTensor(file, "input"), rois = weights::loadTensor(file, "rois");
    const at::Tensor expected = weights::loadTensor(file, "output");
    const auto& p = c.at("params");
    const auto& size = p.at("output_size");
    const int64_t outH = size.is_array() ? size.at(0).get<int64_t>() : size.get<int64_t>();
    const int64_t outW = size.is_array() ? size.at(1).get<int64_t>() : size.get<int64_t>();
    const Tolerance tol = golden::findTolerance(manifest.at("tolerances"), {c.value("dtype", std::string("float32"))});
    const double scale = p.at("spatial_scale");
    const int64_t ratio = p.at("sampling_ratio");
    const bool aligned = p.at("aligned");
    const at::Tensor gpu = roiAlignCuda(input, rois, scale, outH, outW, ratio, aligned);
    report.record("cuda " + name, golden::compareTensors(gpu, expected, tol));
    report.record("cuda~cpu " + name,
                  golden::compareTensors(gpu, ops::roiAlign(input, rois, scale, outH, outW, ratio, aligned), tol));
#ifdef SAM3_DISPATCH_CUDA
    const at::Tensor dispatched =
        fromCuda(ops::roiAlign(input.cuda(), rois.cuda(), scale, outH, outW, ratio, aligned), "sam3::roi_align");
    report.record("dispatch cuda " + name, golden::compareTensors(dispatched, expected, tol));
    const at::Tensor standIn =
        fromCuda(torchvisionRoiAlign(input.cuda(), rois.cuda(), scale, outH, outW, ratio, aligned), "torchvision::roi_align");
    report.record("dispatch cuda torchvision::roi_align " + name, golden::compareTensors(standIn, expected, tol));
#endif
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int devices = ops::cuda::deviceCount();
  if (devices == 0) {
    std::printf("no CUDA device: skipped (the CUDA kernels were compiled and linked)\n");
    return 77;
  }
  if (argc < 2 || !fs::exists(fs::path(argv[1]) / "grid_sample")) {
    std::printf("golden data not found: skipped\n");
    return 77;
  }
  ops::ensureOpsRegistered();
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  std::printf("CUDA devices: %d (%s)\n", devices, prop.name);
#ifdef SAM3_DISPATCH_CUDA
  std::printf("dispatcher: CUDA LibTorch %d.%d.%d, the CUDA keys of the sam3 ops checked too\n", TORCH_VERSION_MAJOR,
              TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
#else
  std::printf("dispatcher: CPU-only LibTorch, raw kernels only (build against a CUDA LibTorch for the dispatch)\n");
#endif
  Report report;
  try {
    runGridSample(fs::path(argv[1]) / "grid_sample", report);
    runRoiAlign(fs::path(argv[1]) / "roi_align", report);
  } catch (const std::exception& e) {
    report.fail("gpu_ops_check", e.what());
  }
  std::printf("%d passed, %d failed\n", report.passed(), report.failed());
  return report.failed() == 0 ? 0 : 1;
}
