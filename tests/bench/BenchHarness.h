#pragma once
// A plain benchmark harness: runs a callable repeatedly, reports median and p95, and prints
// rows with the ratio against a reference measured in the same run.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace sam3::bench {

struct Stats {
  double medianUs = 0;
  double p95Us = 0;
  int runs = 0;
};

// Warms up, then times `fn` until both `minRuns` runs and `minSeconds` have passed.
inline Stats measure(const std::function<void()>& fn, int minRuns = 50, double minSeconds = 0.3) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i) fn();
  std::vector<double> samples;
  const auto start = Clock::now();
  while (static_cast<int>(samples.size()) < minRuns ||
         std::chrono::duration<double>(Clock::now() - start).count() < minSeconds) {
    const auto t0 = Clock::now();
    fn();
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (samples.size() > 100000) break;
  }
  std::sort(samples.begin(), samples.end());
  Stats s;
  s.runs = static_cast<int>(samples.size());
  s.medianUs = samples[samples.size() / 2];
  s.p95Us = samples[std::min(samples.size() - 1, samples.size() * 95 / 100)];
  return s;
}

inline void printHeader(const char* title) {
  std::printf("\n%s\n%-34s %12s %12s %12s %8s %8s  %s\n", title, "case", "ours med us", "ours p95 us",
              "ref med us", "ratio", "target", "verdict");
}

// ratio = reference median / our median (higher is better for us).
inline bool printRow(const std::string& name, const Stats& ours, const Stats& ref, double target) {
  const double ratio = ref.medianUs / ours.medianUs;
  const bool ok = ratio >= target;
  std::printf("%-34s %12.1f %12.1f %12.1f %7.2fx %7.1fx  %s\n", name.c_str(), ours.medianUs, ours.p95Us,
              ref.medianUs, ratio, target, ok ? "ok" : "BELOW TARGET");
  std::fflush(stdout);
  return ok;
}

}  // namespace sam3::bench
