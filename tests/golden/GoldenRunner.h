#pragma once
// The golden runner's plumbing: a report that prints one line per case, tolerance lookup and
// tensor comparison, and the registry of case kinds (one file per kind).

#include <ATen/ATen.h>

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace sam3::golden {

struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

struct Comparison {
  double maxAbsError = 0;
  int64_t mismatches = 0;  // elements outside atol + rtol * |expected|
  std::string problem;     // shape/dtype mismatch, NaN where none is expected
  bool ok() const { return mismatches == 0 && problem.empty(); }
};

// |actual - expected| <= atol + rtol * |expected| elementwise, computed in float64; NaN must
// match NaN. `mask` (optional, broadcastable bool) selects the elements that are compared.
Comparison compareTensors(const at::Tensor& actual, const at::Tensor& expected, Tolerance tol,
                          const at::Tensor& mask = {});

// Tolerance from a manifest's "tolerances" object: tries each key in order.
Tolerance findTolerance(const nlohmann::json& tolerances, std::initializer_list<std::string> keys);

class Report {
 public:
  void record(const std::string& name, const Comparison& result);
  void fail(const std::string& name, const std::string& why);
  int passed() const { return m_passed; }
  int failed() const { return m_failed; }

 private:
  int m_passed = 0;
  int m_failed = 0;
};

// A kind runs every case of a manifest; `base` is the manifest's folder.
using KindRunner =
    std::function<void(const nlohmann::json& manifest, const std::filesystem::path& base, Report&)>;

std::map<std::string, KindRunner>& kindRegistry();

// The device the kinds run on (golden_runner --device; the CPU by default). Kinds without a
// device path run on the CPU and say so once.
c10::Device& runDevice();
// `t` on runDevice().
at::Tensor onRunDevice(const at::Tensor& t);
// An op's result back on the host; throws when the op left it on another device than
// runDevice() (a silent CPU fallback would otherwise pass as a device result).
at::Tensor fromRunDevice(const at::Tensor& result, const std::string& op);
// Prints "(<kind>: on the CPU, no <device> path)" once per kind when runDevice() is not the CPU.
void noteCpuOnly(const std::string& kind);

struct KindRegistration {
  KindRegistration(const std::string& kind, KindRunner runner);
};

}  // namespace sam3::golden
