// The interactive path's edge cases: prompt coordinate chain and clamping, bad input (NaN,
// empty prompt, wrong mask size), painted-mask and previous-mask refinement, weight errors,
// and the tokenizer's bad input (unknown bytes, text longer than the context).

#include <QtTest>
#include <cmath>

#include "engine/text/BpeTokenizer.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/MaskPostprocess.h"
#include "support/TestSupport.h"

using namespace sam3;
using sam3::test::errorOf;

namespace {

model::StateDict randomWeights(const model::InteractiveHeadsConfig& config) {
  at::manual_seed(3);
  model::StateDict w;
  for (const auto& [name, shape] : config.expectedWeights()) {
    w[name] = name.find("norm") != std::string::npos || name.find("output_upscaling.1") != std::string::npos ||
                      name.find("mask_downscaling.1") != std::string::npos || name.find("mask_downscaling.4") != std::string::npos
                  ? at::ones(shape) + 0.1 * at::randn(shape)
                  : at::randn(shape) * (1.0 / std::sqrt(double(shape.size() > 1 ? shape[1] : shape[0])));
  }
  return w;
}


}  // namespace

class TestInteractive : public QObject {
  Q_OBJECT

  std::unique_ptr<model::InteractiveHeads> m_heads;
  model::InteractiveImage m_image;

 private Q_SLOTS:
  void initTestCase() {
    const model::InteractiveHeadsConfig config;
    m_heads = std::make_unique<model::InteractiveHeads>(config, randomWeights(config));
    at::manual_seed(5);
    m_image = m_heads->prepareImage(at::randn({1, 256, 72, 72}), at::randn({1, 256, 288, 288}), at::randn({1, 256, 144, 144}));
  }

  void coordinateChainPutsBoxCornersFirst() {
    prompt::InteractivePrompt p;
    p.clicks = {{100, 50, true}, {10, 20, false}};
    p.box = std::array<double, 4>{300, 200, 40, 30};  // dragged bottom-right to top-left
    const model::ModelPoints points = model::toModelPoints(p, 375, 500);
    QCOMPARE(points.labels.sizes().vec(), (std::vector<int64_t>{1, 4}));
    QVERIFY(at::equal(points.labels[0], at::tensor(at::ArrayRef<int64_t>({2, 3, 1, 0}))));
    QCOMPARE(points.coords[0][0][0].item<float>(), 40.0f / 500.0f * 1008.0f);
    QCOMPARE(points.coords[0][1][1].item<float>(), 200.0f / 375.0f * 1008.0f);
    p.clicks = {{-30, 900, true}};  // outside: clamped to the border
    const model::ModelPoints clamped = model::toModelPoints(p, 375, 500);
    QCOMPARE(clamped.coords[0][2][0].item<float>(), 0.0f);
    QCOMPARE(clamped.coords[0][2][1].item<float>(), 1008.0f);
  }

  void badInputIsRejected() {
    const model::InteractivePredictor predictor(*m_heads);
    prompt::InteractivePrompt empty;
    QVERIFY(errorOf([&] { predictor.predict(m_image, empty, 100, 100, false); }).contains(QStringLiteral("empty")));
    prompt::InteractivePrompt nan;
    nan.clicks = {{std::nan(""), 3, true}};
    QVERIFY(errorOf([&] { predictor.predict(m_image, nan, 100, 100, false); }).contains(QStringLiteral("finite")));
    prompt::InteractivePrompt badMask;
    badMask.maskLogits.assign(100, 1.0f);
    QVERIFY(errorOf([&] { predictor.predict(m_image, badMask, 100, 100, false); }).contains(QStringLiteral("288x288")));
    QVERIFY(errorOf([&] { m_heads->prepareImage(at::randn({1, 256, 70, 70}), at::randn({1, 256, 288, 288}), at::randn({1, 256, 144, 144})); })
                .contains(QStringLiteral("image embeddings")));
    model::StateDict broken = randomWeights(model::InteractiveHeadsConfig{});
    broken.erase("tracker.no_mem_embed");
    QVERIFY(errorOf([&] { model::InteractiveHeads(model::InteractiveHeadsConfig{}, broken, "w.pt"); }).contains(QStringLiteral("tracker.no_mem_embed")));
  }

  void predictionsHaveImageSizeAndRefine() {
    const model::InteractivePredictor predictor(*m_heads);
    prompt::InteractivePrompt p;
    p.clicks = {{60, 40, true}};
    const model::InteractiveResult multi = predictor.predict(m_image, p, 120, 160, true);
    QCOMPARE(multi.masks.sizes().vec(), (std::vector<int64_t>{3, 120, 160}));
    QCOMPARE(multi.lowResLogits.sizes().vec(), (std::vector<int64_t>{3, 288, 288}));
    QVERIFY(multi.lowResLogits.abs().max().item<float>() <= 32.0f);
    // Refining with the previous logits (the predictor's third output) changes the result.
    const at::Tensor previous = multi.lowResLogits[0].contiguous();
    p.maskLogits.assign(previous.data_ptr<float>(), previous.data_ptr<float>() + 288 * 288);
    p.clicks.push_back({100, 90, false});
    const model::InteractiveResult refined = predictor.predict(m_image, p, 120, 160, false);
    QCOMPARE(refined.masks.sizes().vec(), (std::vector<int64_t>{1, 120, 160}));
    QVERIFY(!at::equal(refined.lowResLogits, multi.lowResLogits.slice(0, 0, 1)));
    // A painted mask as the only prompt.
    std::vector<uint8_t> painted(size_t(120) * 160, 0);
    for (int y = 20; y < 60; ++y)
      for (int x = 30; x < 90; ++x) painted[size_t(y) * 160 + x] = 1;
    prompt::InteractivePrompt paint;
    paint.maskLogits = prompt::paintedMaskToLogits(painted, 120, 160);
    QCOMPARE(paint.maskLogits.size(), size_t(288 * 288));
    QCOMPARE(paint.maskLogits[size_t(288) * 100 + 120], 10.0f);  // inside the painted area
    QCOMPARE(paint.maskLogits[0], -10.0f);
    QCOMPARE(predictor.predict(m_image, paint, 120, 160, false).masks.size(0), int64_t(1));
  }

  // The mask path skips interpolation in cells whose four logits agree in sign; it must equal
  // thresholding the interpolated logits pixel for pixel, tiny and zero logits included.
  void maskUpsamplingEqualsThresholdedLogits() {
    at::manual_seed(3);
    at::Tensor logits = at::randn({1, 2, 288, 288}) * 4;
    logits.view(-1).slice(0, 0, 4000).fill_(0.0f);
    logits.view(-1).slice(0, 4000, 8000).mul_(1e-32);
    logits[0][1].slice(0, 100, 180).fill_(-3.0f);
    for (auto [h, w] : {std::pair<int64_t, int64_t>{3000, 4000}, {375, 500}, {100, 57}, {1, 1}}) {
      const at::Tensor expected = model::upsampleLogits(logits, h, w) > 0;
      const at::Tensor actual = model::upsampleToMask(logits, h, w);
      QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
      QVERIFY2(at::equal(actual, expected), qPrintable(QStringLiteral("differs at %1x%2").arg(w).arg(h)));
    }
  }

  void tokenizerEdgeCases() {
    const QString golden = sam3::test::goldenDir();
    if (golden.isEmpty()) QSKIP("golden data (the BPE vocabulary) not found; skipped");
    const auto tokenizer = text::BpeTokenizer::fromFile((golden + QStringLiteral("/tokenizer/bpe_simple_vocab_16e6.txt.gz")).toStdString());
    const std::vector<int64_t> ids = tokenizer.tokenize(std::string("caf\xff\xfe dog"), 32);  // invalid UTF-8 bytes
    QCOMPARE(ids.front(), text::BpeTokenizer::kStartOfText);
    QVERIFY(std::find(ids.begin(), ids.end(), text::BpeTokenizer::kEndOfText) != ids.end());
    std::string longText;
    for (int i = 0; i < 100; ++i) longText += "dog ";
    const std::vector<int64_t> truncated = tokenizer.tokenize(longText, 32);
    QCOMPARE(truncated.size(), size_t(32));
    QCOMPARE(truncated.back(), text::BpeTokenizer::kEndOfText);
    QVERIFY(errorOf([&] { tokenizer.tokenize("x", 1); }).contains(QStringLiteral("context length")));
    QVERIFY(errorOf([] { text::BpeTokenizer::fromFile("/nonexistent/vocab.txt.gz"); }).contains(QStringLiteral("/nonexistent/vocab.txt.gz")));
  }
};

QTEST_GUILESS_MAIN(TestInteractive)
#include "tst_interactive.moc"
