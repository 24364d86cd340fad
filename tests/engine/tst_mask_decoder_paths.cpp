// The mask decoder's two implementations against each other: InteractiveHeads' CPU fast paths
// and PortableMaskDecoder, the plain port of the original two-way transformer (ATen operators in
// the original's order) that serves other devices. The golden PVS cases hold fewer than 16
// tokens and one image; this suite also covers the token counts on both sides of every switch
// in decode() (carried and folded attentions below 16 tokens, projected ones from 16), mask
// prompts and a batch of objects. The portable decoder also runs on the meta device, which
// fails on any tensor left on the CPU: the device placement a GPU needs, checked without one.

#include <QtTest>
#include <cmath>

#include "engine/sam3/InteractiveHeads.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/PortableMaskDecoder.h"

using namespace sam3;

namespace {

model::StateDict randomWeights(const model::InteractiveHeadsConfig& config) {
  at::manual_seed(11);
  model::StateDict w;
  for (const auto& [name, shape] : config.expectedWeights()) {
    const bool norm = name.find("norm") != std::string::npos || name.find("output_upscaling.1") != std::string::npos ||
                      name.find("mask_downscaling.1") != std::string::npos || name.find("mask_downscaling.4") != std::string::npos;
    w[name] = norm ? at::ones(shape) + 0.1 * at::randn(shape)
                   : at::randn(shape) * (1.0 / std::sqrt(double(shape.size() > 1 ? shape[1] : shape[0])));
  }
  return w;
}

double relativeError(const at::Tensor& actual, const at::Tensor& expected) {
  return (actual - expected).abs().max().item<double>() / std::max(1.0, expected.abs().max().item<double>());
}

}  // namespace

class TestMaskDecoderPaths : public QObject {
  Q_OBJECT

  model::InteractiveHeadsConfig m_config;
  model::StateDict m_weights;
  std::unique_ptr<model::InteractiveHeads> m_heads;
  at::Tensor m_embeddings, m_featS0, m_featS1;
  model::InteractiveImage m_image;

  // Random clicks (and optionally a box) in the 1008 frame for `batch` objects.
  at::Tensor sparseFor(int64_t batch, int64_t clicks) const {
    const at::Tensor coords = at::rand({batch, clicks, 2}) * 1008.0;
    const at::Tensor labels = at::randint(0, 4, {batch, clicks}, at::kLong);
    return m_heads->embedPoints(coords, labels, /*pad=*/true);
  }

  void compare(const at::Tensor& sparse, const at::Tensor& maskPrompt, bool repeatImage) {
    at::Tensor dense, hidden;
    if (maskPrompt.defined()) {
      hidden = m_heads->embedMaskHidden(maskPrompt);
      dense = m_heads->denseFromMaskHidden(hidden);
    }
    const model::DecoderOutput ours = m_heads->decode(m_image, sparse, dense, /*multimaskOutput=*/true, repeatImage, hidden);
    const model::PortableMaskDecoder portable(*m_heads, at::kCPU);
    const model::DecoderOutput plain = portable.decode(portable.image(m_embeddings, m_featS0, m_featS1), sparse, dense, true);
    const at::Tensor &masks = plain.allMaskLogits, &iou = plain.allIou, &objectScore = plain.objectScoreLogits;
    QCOMPARE(ours.allMaskLogits.sizes().vec(), masks.sizes().vec());
    // float32 products in another order: errors below 1e-6 relative (measured); a wrong head, PE or
    // bias shows up at 1e-2 or more.
    QVERIFY2(relativeError(ours.allMaskLogits, masks) < 2e-5, qPrintable(QString::number(relativeError(ours.allMaskLogits, masks))));
    QVERIFY2(relativeError(ours.allIou, iou) < 2e-5, qPrintable(QString::number(relativeError(ours.allIou, iou))));
    QVERIFY2(relativeError(ours.objectScoreLogits, objectScore) < 2e-5,
             qPrintable(QString::number(relativeError(ours.objectScoreLogits, objectScore))));
    // The single-mask selection picks the same token on both paths.
    const at::Tensor ourToken = m_heads->decode(m_image, sparse, dense, false, repeatImage, hidden).selectedToken;
    QVERIFY(at::equal(ourToken, portable.decode(portable.image(m_embeddings, m_featS0, m_featS1), sparse, dense, false).selectedToken));
  }

 private Q_SLOTS:
  void initTestCase() {
    m_weights = randomWeights(m_config);
    m_heads = std::make_unique<model::InteractiveHeads>(m_config, m_weights);
    at::manual_seed(12);
    m_embeddings = m_heads->addNoMemoryEmbedding(at::randn({1, 256, 72, 72}));
    m_featS0 = at::randn({1, 32, 288, 288});
    m_featS1 = at::randn({1, 64, 144, 144});
    m_image = m_heads->prepareImageFromDecoderInputs(m_embeddings, m_featS0, m_featS1);
  }

  // Tokens = 6 output tokens + clicks + the padding point; 16 tokens is where the carried and
  // folded attentions give way to projected ones.
  void tokenCountsAroundTheSwitch_data() {
    QTest::addColumn<int>("clicks");
    for (int clicks : {1, 8, 9, 20}) QTest::newRow(qPrintable(QString("%1 click(s)").arg(clicks))) << clicks;
  }
  void tokenCountsAroundTheSwitch() {
    QFETCH(int, clicks);
    at::manual_seed(20 + clicks);
    compare(sparseFor(1, clicks), {}, false);
  }

  void maskPromptAroundTheSwitch_data() { tokenCountsAroundTheSwitch_data(); }
  void maskPromptAroundTheSwitch() {
    QFETCH(int, clicks);
    at::manual_seed(40 + clicks);
    compare(sparseFor(1, clicks), at::randn({1, 1, 288, 288}) * 4.0, false);
  }

  // The whole portable decoder on the meta device (shapes only): a tensor made on the CPU by
  // mistake would raise "found at least two devices". Single-mask selection included.
  void portableDecoderKeepsToItsDevice() {
    const c10::Device meta(c10::DeviceType::Meta);
    const model::PortableMaskDecoder portable(*m_heads, meta);
    const model::PortableImage image = portable.image(m_embeddings, m_featS0, m_featS1);
    QCOMPARE(image.imageEmbeddings.device().type(), c10::DeviceType::Meta);
    at::manual_seed(70);
    for (bool withMask : {false, true}) {
      const at::Tensor sparse = sparseFor(2, 3);
      const at::Tensor dense = withMask ? m_heads->embedMask(at::randn({2, 1, 288, 288})) : at::Tensor();
      model::DecoderOutput out;
      try {
        out = portable.decode(image, sparse, dense, /*multimaskOutput=*/false);
      } catch (const std::exception& e) {
        QFAIL(e.what());
      }
      QCOMPARE(out.lowResMasks.device().type(), c10::DeviceType::Meta);
      QCOMPARE(out.lowResMasks.sizes().vec(), (std::vector<int64_t>{2, 1, 288, 288}));
      QCOMPARE(out.allIou.sizes().vec(), (std::vector<int64_t>{2, 4}));
      QCOMPARE(out.objectScoreLogits.sizes().vec(), (std::vector<int64_t>{2, 1}));
    }
  }

  // The predictor's device path (prompt encoder and post-processing on the CPU, decoder on the
  // portable one's device - here the CPU) gives the same result as the CPU heads.
  void predictorDevicePathMatches() {
    const model::PortableMaskDecoder portable(*m_heads, at::kCPU);
    const model::PortableImage deviceImage = portable.image(m_embeddings, m_featS0, m_featS1);
    const model::InteractivePredictor onHeads(*m_heads), onDevice(*m_heads, portable, deviceImage);
    prompt::InteractivePrompt p;
    p.clicks = {{120, 80, true}, {300, 200, false}};
    p.box = std::array<double, 4>{50, 40, 400, 300};
    for (bool withMask : {false, true}) {
      if (withMask) {  // a previous mask: a band of positive logits
        p.maskLogits.assign(288 * 288, -2.0f);
        std::fill_n(p.maskLogits.begin() + 288 * 100, 288 * 50, 3.0f);
      }
      const model::InteractiveResult a = onHeads.predict(m_image, p, 480, 640, false), b = onDevice.predict(m_image, p, 480, 640, false);
      QCOMPARE(b.masks.sizes().vec(), a.masks.sizes().vec());
      QVERIFY(at::equal(a.decoder.selectedToken, b.decoder.selectedToken));
      QVERIFY2(relativeError(b.lowResLogits, a.lowResLogits) < 2e-5, qPrintable(QString::number(relativeError(b.lowResLogits, a.lowResLogits))));
      // Pixels whose logit is within float noise of 0 may differ; nothing else.
      QVERIFY(a.masks.ne(b.masks).sum().item<int64_t>() <= 20);
    }
  }

  void portableDecoderRejectsBadShapes() {
    const model::PortableMaskDecoder portable(*m_heads, at::kCPU);
    const model::PortableImage image = portable.image(m_embeddings, m_featS0, m_featS1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, portable.decode(image, at::zeros({1, 3, 128}), {}, true));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, portable.decode(image, sparseFor(1, 1), at::zeros({1, 256, 36, 36}), true));
  }

  void batchOfObjects() {
    at::manual_seed(60);
    compare(sparseFor(3, 2), {}, false);  // three boxes' corners on one image: the cached image side is shared
    compare(sparseFor(2, 12), at::randn({2, 1, 288, 288}) * 4.0, /*repeatImage=*/true);
  }
};

QTEST_GUILESS_MAIN(TestMaskDecoderPaths)
#include "tst_mask_decoder_paths.moc"
