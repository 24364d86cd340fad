#include "GoldenRunner.h"

#include <cstdio>
#include <set>

#include <cstdio>

namespace sam3::golden {

Comparison compareTensors(const at::Tensor& actual, const at::Tensor& expected, Tolerance tol,
                          const at::Tensor& mask) {
  Comparison c;
  if (!actual.device().is_cpu()) return compareTensors(actual.cpu(), expected, tol, mask);
  if (actual.sizes() != expected.sizes()) {
    c.problem = "shape " + c10::str(actual.sizes()) + " != expected " + c10::str(expected.sizes());
    return c;
  }
  const at::Tensor a = actual.to(at::kDouble);
  const at::Tensor e = expected.to(at::kDouble);
  at::Tensor diff = (a - e).abs();
  at::Tensor bad = diff > (tol.atol + tol.rtol * e.abs());
  // NaN in either tensor is a mismatch unless both are NaN.
  const at::Tensor nanA = at::isnan(a), nanE = at::isnan(e);
  bad = bad.logical_or(nanA.logical_xor(nanE));
  diff = diff.masked_fill(nanA.logical_and(nanE), 0.0);
  if (mask.defined()) {
    const at::Tensor m = mask.to(at::kBool).expand_as(bad);
    bad = bad.logical_and(m);
    diff = diff.masked_fill(m.logical_not(), 0.0);
  }
  c.mismatches = bad.sum().item<int64_t>();
  c.maxAbsError = diff.numel() ? at::nan_to_num(diff, 1e300).max().item<double>() : 0.0;
  return c;
}

Tolerance findTolerance(const nlohmann::json& tolerances, std::initializer_list<std::string> keys) {
  for (const std::string& key : keys) {
    const auto it = tolerances.find(key);
    if (it != tolerances.end() && it->is_object()) {
      return {it->value("rtol", 0.0), it->value("atol", 0.0)};
    }
  }
  std::string tried;
  for (const std::string& key : keys) tried += " '" + key + "'";
  throw std::runtime_error("manifest has no tolerance for" + tried);
}

void Report::record(const std::string& name, const Comparison& result) {
  if (result.ok()) {
    ++m_passed;
    std::printf("PASS  %-48s max_abs_err=%.3g\n", name.c_str(), result.maxAbsError);
  } else {
    ++m_failed;
    std::printf("FAIL  %-48s max_abs_err=%.3g mismatches=%lld %s\n", name.c_str(),
                result.maxAbsError, static_cast<long long>(result.mismatches),
                result.problem.c_str());
  }
  std::fflush(stdout);
}

void Report::fail(const std::string& name, const std::string& why) {
  ++m_failed;
  // c10::Error messages carry a native backtrace; the first line is what matters here.
  const std::string reason = why.substr(0, why.find("\nException raised from"));
  std::printf("FAIL  %-48s %s\n", name.c_str(), reason.c_str());
  std::fflush(stdout);
}

std::map<std::string, KindRunner>& kindRegistry() {
  static std::map<std::string, KindRunner> registry;
  return registry;
}

KindRegistration::KindRegistration(const std::string& kind, KindRunner runner) {
  kindRegistry()[kind] = std::move(runner);
}

c10::Device& runDevice() {
  static c10::Device device = c10::kCPU;
  return device;
}

at::Tensor onRunDevice(const at::Tensor& t) { return t.to(runDevice()); }

at::Tensor fromRunDevice(const at::Tensor& result, const std::string& op) {
  if (result.device() != runDevice()) {
    throw std::runtime_error(op + " returned a " + result.device().str() + " tensor for " + runDevice().str() + " inputs");
  }
  return result.cpu();
}

void noteCpuOnly(const std::string& kind) {
  static std::set<std::string> noted;
  if (runDevice().is_cpu() || !noted.insert(kind).second) return;
  std::printf("(%s: on the CPU, no %s path)\n", kind.c_str(), runDevice().str().c_str());
}

}  // namespace sam3::golden
