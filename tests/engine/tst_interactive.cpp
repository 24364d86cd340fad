// The interactive path's edge cases: prompt coordinate chain and clamping, bad input (NaN,
// empty prompt, wrong mask size), painted-mask and previous-mask refinement, weight errors,
// segment everything's batched grid against one click at a time, and the tokenizer's bad input (unknown bytes, text longer than the context).

#include <QtTest>
#include <cmath>

#include "engine/text/BpeTokenizer.h"
#include "engine/sam3/EverythingDecoder.h"
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
  at::Tensor m_level72, m_level288, m_level144;

 private Q_SLOTS:
  void initTestCase() {
    const model::InteractiveHeadsConfig config;
    m_heads = std::make_unique<model::InteractiveHeads>(config, randomWeights(config));
    at::manual_seed(5);
    m_level72 = at::randn({1, 256, 72, 72});
    m_level288 = at::randn({1, 256, 288, 288});
    m_level144 = at::randn({1, 256, 144, 144});
    m_image = m_heads->prepareImage(m_level72, m_level288, m_level144);
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

  // Every proposal of the batched grid is the one-click candidate of its point: same decoder
  // inputs, so the same logits up to the batched products' float order.
  void gridProposalsEqualOneClickCandidates() {
    const int64_t h = 300, w = 400;
    const auto points = segment::everythingGrid(3, int(w), int(h));
    segment::EverythingOptions all;
    all.minPredictedIou = 0.0;
    all.minStability = 0.0;
    all.pointsPerBatch = 4;  // batches of 4, 4 and 1
    const model::GridProposals grid = model::decodeGrid({*m_heads, m_image}, points, h, w, all, {});
    QCOMPARE(grid.decodedPoints, 9);
    QCOMPARE(grid.predictedIou.size(), size_t(27));
    const model::InteractivePredictor predictor(*m_heads);
    for (int i = 0; i < 9; ++i) {
      prompt::InteractivePrompt click;
      click.clicks.push_back({points[size_t(i)][0], points[size_t(i)][1], true});
      const model::InteractiveResult one = predictor.predict(m_image, click, h, w, /*multimaskOutput=*/true);
      const at::Tensor filled = model::fillHoles(one.decoder.lowResMasks)[0];
      for (int t = 0; t < 3; ++t) {
        const int k = 3 * i + t;
        QCOMPARE(grid.point[size_t(k)], i);
        QVERIFY2(at::allclose(grid.logits[k], filled[t], 1e-4, 1e-4),
                 qPrintable(QStringLiteral("point %1 mask %2: max difference %3").arg(i).arg(t)
                                .arg((grid.logits[k] - filled[t]).abs().max().item<double>())));
        QVERIFY(std::abs(grid.predictedIou[size_t(k)] - one.iou[t].item<double>()) < 1e-5);
      }
    }
    // The filters keep exactly the proposals above both thresholds.
    segment::EverythingOptions strict = all;
    strict.minPredictedIou = 0.5;
    strict.minStability = 0.6;
    const model::GridProposals filtered = model::decodeGrid({*m_heads, m_image}, points, h, w, strict, {});
    size_t expected = 0;
    for (size_t k = 0; k < 27; ++k) expected += grid.predictedIou[k] > 0.5 && grid.stability[k] >= 0.6;
    QCOMPARE(filtered.predictedIou.size(), expected);
    for (size_t k = 0; k < filtered.predictedIou.size(); ++k) QVERIFY(filtered.predictedIou[k] > 0.5 && filtered.stability[k] >= 0.6);
    // Stopping after the first batch keeps what was decoded.
    const model::GridProposals stopped =
        model::decodeGrid({*m_heads, m_image}, points, h, w, all, [](int done, int) { return done == 0; });
    QCOMPARE(stopped.decodedPoints, 4);
    QCOMPARE(stopped.predictedIou.size(), size_t(12));
  }

  // The GPU's decoder path (plain ATen, here on the CPU) decodes the grid in its batches of 64
  // to the same proposals as the CPU heads.
  void gridOnThePortableDecoderEqualsTheHeads() {
    const int64_t h = 300, w = 400;
    const auto points = segment::everythingGrid(3, int(w), int(h));
    segment::EverythingOptions all;
    all.minPredictedIou = 0.0;
    all.minStability = 0.0;
    const model::PortableMaskDecoder portable(*m_heads, c10::kCPU);
    const model::PortableImage image =
        portable.image(m_heads->addNoMemoryEmbedding(m_level72), m_heads->convS0(m_level288), m_heads->convS1(m_level144));
    const model::GridProposals heads = model::decodeGrid({*m_heads, m_image}, points, h, w, all, {});
    const model::GridProposals device = model::decodeGrid({*m_heads, m_image, &portable, &image}, points, h, w, all, {});
    QCOMPARE(device.predictedIou.size(), heads.predictedIou.size());
    QVERIFY2(at::allclose(device.logits, heads.logits, 1e-3, 1e-3),
             qPrintable(QString::number((device.logits - heads.logits).abs().max().item<double>())));
    for (size_t k = 0; k < heads.predictedIou.size(); ++k) QVERIFY(std::abs(device.predictedIou[k] - heads.predictedIou[k]) < 1e-4);
  }

  // After NMS and the exclusive claims no pixel is in two instances, the best instance is the
  // best proposal upsampled, boxes are tight, and scores descend.
  void selectedInstancesAreNonOverlapping() {
    const int64_t h = 300, w = 400;
    segment::EverythingOptions options;
    options.minPredictedIou = 0.0;
    options.minStability = 0.0;
    options.minArea = 1;
    const model::GridProposals grid = model::decodeGrid({*m_heads, m_image}, segment::everythingGrid(4, int(w), int(h)), h, w, options, {});
    const std::vector<segment::Instance> instances = model::selectInstances(grid, h, w, options);
    QVERIFY(!instances.empty());
    std::vector<int> owners(size_t(h * w), 0);
    for (size_t i = 0; i < instances.size(); ++i) {
      const mask::BinaryMask& m = instances[i].mask;
      QCOMPARE(m.height(), int(h));
      QVERIFY(m.area() >= options.minArea);
      QCOMPARE(instances[i].box, segment::maskBox(m));
      if (i > 0) QVERIFY(instances[i].score <= instances[i - 1].score);
      for (int64_t p = 0; p < m.pixelCount(); ++p) owners[size_t(p)] += m.data()[p];
    }
    QVERIFY(*std::max_element(owners.begin(), owners.end()) <= 1);
    const size_t best = size_t(std::max_element(grid.predictedIou.begin(), grid.predictedIou.end()) - grid.predictedIou.begin());
    const at::Tensor bestMask = model::upsampleToMask(grid.logits[int64_t(best)].view({1, 1, 288, 288}), h, w)[0][0];
    QVERIFY(at::equal(bestMask, at::from_blob(const_cast<uint8_t*>(instances[0].mask.data()), {h, w}, at::kByte).to(at::kBool)));
    // Overlapping output keeps NMS's answer: more (or as many) instances, some sharing pixels.
    options.exclusive = false;
    QVERIFY(model::selectInstances(grid, h, w, options).size() >= instances.size());
    options.maxInstances = 2;
    QCOMPARE(model::selectInstances(grid, h, w, options).size(), size_t(2));
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
