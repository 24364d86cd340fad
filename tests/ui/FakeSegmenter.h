#pragma once
// A deterministic engine for GUI tests: discs around the first include click (or the filled
// box), optional extra candidates, an optional delay and an optional failure; find-similar
// returns a row of discs; with `text`, a phrase returns four discs scored 0.9, 0.7, 0.5, 0.3
// (those at or above the request's threshold); with `everything`, segment everything returns a
// row of five disjoint discs scored 0.95 .. 0.75 after `everythingDelayMs` (polling the cancel
// flag).

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#include "engine/segment/Segmenter.h"
#include "ui/engine/EngineTypes.h"

namespace sam3::test {

struct FakeEngineConfig {
  int delayMs = 0;
  int encodeDelayMs = 0;  // setImage takes this long (a backbone run)
  int candidates = 1;
  std::vector<double> candidateScores;  // the candidates' scores in the order returned (default 0.9, 0.8, ...)
  std::string failWith;
  bool text = false;                  // the engine takes phrases (SAM3 with a text encoder)
  std::atomic<int> searches{0};       // findSimilar calls
  std::string lastText;               // the last phrase asked for (read after the answer arrived)
  size_t lastExemplars = 0;
  bool everything = false;            // the engine can segment everything
  int everythingDelayMs = 0;
  std::atomic<int> everythingRuns{0};
  int lastGrid = 0;                   // points per side of the last segment-everything request
};

class FakeSegmenter : public segment::Segmenter {
 public:
  explicit FakeSegmenter(std::shared_ptr<FakeEngineConfig> config) : m_config(std::move(config)) {}

  std::string name() const override { return "fake"; }
  segment::Capabilities capabilities() const override {
    return {m_config->candidates > 1, true, m_config->text, m_config->everything};
  }

  segment::FindSimilarResult segmentEverything(const segment::EverythingOptions& options, const segment::CancelToken& cancel) override {
    segment::FindSimilarResult r;
    ++m_config->everythingRuns;
    m_config->lastGrid = options.pointsPerSide;
    for (int waited = 0; waited < m_config->everythingDelayMs; waited += 10) {
      if (segment::cancelled(cancel)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (segment::cancelled(cancel)) {
      r.status = segment::Status::cancelled();
      return r;
    }
    for (int i = 0; i < 5; ++i) {
      const double cx = 30 + 60 * i, cy = 200, score = 0.95 - 0.05 * i;
      r.instances.push_back({disc(m_height, m_width, cx, cy, 20), {cx - 20, cy - 20, cx + 21, cy + 21}, score});
    }
    return r;
  }
  segment::Status setImage(const cv::Mat& image, const std::string&) override {
    if (m_config->encodeDelayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_config->encodeDelayMs));
    m_height = image.rows;
    m_width = image.cols;
    return {};
  }

  static mask::BinaryMask disc(int h, int w, double cx, double cy, double r) {
    mask::BinaryMask m(h, w);
    for (int y = std::max(0, int(cy - r)); y < std::min(h, int(cy + r) + 1); ++y)
      for (int x = std::max(0, int(cx - r)); x < std::min(w, int(cx + r) + 1); ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) m.set(y, x, true);
    return m;
  }

  segment::Prediction predict(const prompt::InteractivePrompt& prompt, const segment::CancelToken&) override {
    if (m_config->delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_config->delayMs));
    segment::Prediction p;
    if (!m_config->failWith.empty()) {
      p.status = segment::Status::engineFailure(m_config->failWith);
      return p;
    }
    if (prompt.box) {
      const auto& b = *prompt.box;
      mask::BinaryMask m(m_height, m_width);
      for (int y = std::max(0, int(std::min(b[1], b[3]))); y < std::min(m_height, int(std::max(b[1], b[3]))); ++y)
        for (int x = std::max(0, int(std::min(b[0], b[2]))); x < std::min(m_width, int(std::max(b[0], b[2]))); ++x) m.set(y, x, true);
      p.candidates.push_back({std::move(m), 0.95});
      return p;
    }
    for (const prompt::Click& c : prompt.clicks) {
      if (!c.positive) continue;
      for (int i = 0; i < m_config->candidates; ++i) {
        const double score = size_t(i) < m_config->candidateScores.size() ? m_config->candidateScores[size_t(i)] : 0.9 - 0.1 * i;
        p.candidates.push_back({disc(m_height, m_width, c.x, c.y, 20 + 10 * i), score});
      }
      return p;
    }
    if (!prompt.maskLogits.empty()) {  // painted prompt: a disc in the middle
      p.candidates.push_back({disc(m_height, m_width, m_width / 2.0, m_height / 2.0, 25), 0.5});
      return p;
    }
    p.status = segment::Status::invalidInput("no include click");
    return p;
  }

  segment::FindSimilarResult findSimilar(const segment::FindSimilarRequest& request, const segment::CancelToken&) override {
    segment::FindSimilarResult r;
    ++m_config->searches;
    m_config->lastText = request.text;
    m_config->lastExemplars = request.exemplars.size();
    if (!request.text.empty() && m_config->text) {
      for (int i = 0; i < 4; ++i) {
        const double cx = 40 + 60 * i, cy = 120, score = 0.9 - 0.2 * i;
        if (score >= request.threshold) r.instances.push_back({disc(m_height, m_width, cx, cy, 12), {cx - 12, cy - 12, cx + 12, cy + 12}, score});
      }
      return r;
    }
    if (request.exemplars.empty() && request.patches.empty()) {
      r.status = segment::Status::invalidInput("no exemplar");
      return r;
    }
    for (int i = 0; i < 3; ++i) {
      const double cx = 60 + 80 * i, cy = 60;
      r.instances.push_back({disc(m_height, m_width, cx, cy, 15), {cx - 15, cy - 15, cx + 15, cy + 15}, 0.9 - 0.1 * i});
    }
    return r;
  }

 private:
  std::shared_ptr<FakeEngineConfig> m_config;
  int m_height = 0, m_width = 0;
};

inline ui::EngineFactory fakeEngine(std::shared_ptr<FakeEngineConfig> config) {
  return [config] { return std::make_unique<FakeSegmenter>(config); };
}

}  // namespace sam3::test
