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

struct KindRegistration {
  KindRegistration(const std::string& kind, KindRunner runner);
};

}  // namespace sam3::golden
