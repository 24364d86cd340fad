// golden_runner: runs every case of golden manifests against our implementation.
//   golden_runner [--skip-missing] [--device cpu|cuda] PATH...
// PATH is a folder holding manifest.json, a manifest.json, or a JSON case file; the file's
// "kind" selects the runner. Prints one line per case and ends with "N passed, N failed".
// Exit 0 when all pass, 1 on any failure or unknown kind, 2 on usage errors, 77 when
// --skip-missing is given and a path does not exist (or --device cuda without a CUDA device).
// --device cuda runs the kinds with a device path (grid_sample, roi_align, the geometry encoder)
// on CUDA tensors through the dispatcher; the others run on the CPU and say so.

#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>

#include "GoldenRunner.h"
#include "engine/ops/OpsRegistry.h"
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>

namespace fs = std::filesystem;
using sam3::golden::Report;

namespace {

fs::path manifestPath(const fs::path& path) {
  return fs::is_directory(path) ? path / "manifest.json" : path;
}

void runManifest(const fs::path& path, Report& report) {
  const fs::path manifest = manifestPath(path);
  std::ifstream in(manifest);
  if (!in) {
    report.fail(manifest.string(), "cannot open");
    return;
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    report.fail(manifest.string(), std::string("invalid JSON: ") + e.what());
    return;
  }
  const std::string kind = json.value("kind", std::string());
  const auto& registry = sam3::golden::kindRegistry();
  const auto runner = registry.find(kind);
  if (runner == registry.end()) {
    std::string known;
    for (const auto& entry : registry) known += " " + entry.first;
    report.fail(manifest.string(), "unknown kind '" + kind + "' (known:" + known + ")");
    return;
  }
  std::printf("== %s (%s)\n", manifest.string().c_str(), kind.c_str());
  try {
    runner->second(json, manifest.parent_path(), report);
  } catch (const std::exception& e) {
    report.fail(manifest.string(), std::string("aborted: ") + e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool skipMissing = false;
  std::vector<fs::path> paths;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--skip-missing") == 0) {
      skipMissing = true;
    } else if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
      const std::string device = argv[++i];
      if (device != "cpu" && device != "cuda") {
        std::fprintf(stderr, "golden_runner: --device takes cpu or cuda, not '%s'\n", device.c_str());
        return 2;
      }
      if (device == "cuda" && !(at::hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0)) {
        std::printf("no CUDA device (or a CPU-only LibTorch): skipped\n");
        return 77;
      }
      sam3::golden::runDevice() = device == "cuda" ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("usage: golden_runner [--skip-missing] [--device cpu|cuda] PATH...\n");
      return 0;
    } else {
      paths.emplace_back(argv[i]);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: golden_runner [--skip-missing] [--device cpu|cuda] PATH...\n");
    return 2;
  }
  for (const fs::path& path : paths) {
    if (!fs::exists(path) && skipMissing) {
      std::printf("golden data %s not found: skipped\n", path.string().c_str());
      return 77;
    }
  }
  try {
    sam3::ops::ensureOpsRegistered();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  Report report;
  for (const fs::path& path : paths) runManifest(path, report);
  std::printf("%d passed, %d failed\n", report.passed(), report.failed());
  return report.failed() == 0 && report.passed() > 0 ? 0 : 1;
}
