// The geometry encoder away from the CPU. Without a GPU here, it runs on the meta device
// (shapes only), which raises "found at least two devices" for any tensor left on the CPU:
// the device placement a CUDA build needs, checked on every machine.

#include <QtTest>

#include "engine/ops/OpsRegistry.h"
#include "engine/sam3/GeometryEncoder.h"

using namespace sam3;

namespace {

model::StateDict randomWeights(const model::GeometryEncoderConfig& config) {
  at::manual_seed(4);
  model::StateDict w;
  for (const auto& [name, shape] : config.expectedWeights()) w[name] = at::randn(shape) * 0.02;
  return w;
}

prompt::GeometryPrompt pointsAndBoxes() {
  prompt::GeometryPrompt p = prompt::GeometryPrompt::empty(2);
  p.appendBoxes(at::rand({3, 2, 4}) * 0.4 + 0.1, at::ones({3, 2}, at::kLong), at::tensor({0, 0, 0, 0, 1, 1}).to(at::kBool).view({2, 3}));
  p.appendPoints(at::rand({2, 2, 2}), at::zeros({2, 2}, at::kLong));
  return p;
}

}  // namespace

class TestGeometryEncoderDevice : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { ops::ensureOpsRegistered(); }

  void runsOnTheMetaDevice() {
    const model::GeometryEncoderConfig config;
    const c10::Device meta(c10::DeviceType::Meta);
    const model::GeometryEncoder encoder(config, randomWeights(config), "weights", meta);
    QCOMPARE(encoder.device().type(), c10::DeviceType::Meta);
    const int64_t h = 9, w = 11, c = config.dModel;
    // Inputs made on the CPU, as the app hands them over; the encoder moves them.
    const model::GeometryImageContext image = encoder.prepareImage(at::randn({h * w, 2, c}), at::randn({h * w, 1, c}), h, w);
    QCOMPARE(image.pooledMap.device().type(), c10::DeviceType::Meta);
    model::GeometryEncoding encoded;
    try {
      encoded = encoder.encode(pointsAndBoxes(), image);
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QCOMPARE(encoded.embeddings.device().type(), c10::DeviceType::Meta);
    QCOMPARE(encoded.embeddings.sizes().vec(), (std::vector<int64_t>{2 + 3 + 1, 2, c}));  // points + boxes + CLS
    QCOMPARE(encoded.mask.sizes().vec(), (std::vector<int64_t>{2, 2 + 3 + 1}));
  }

  // The prompt is validated on the CPU before it moves: bad input still gets its clear error.
  void badPromptIsRejectedBeforeMoving() {
    const model::GeometryEncoderConfig config;
    const model::GeometryEncoder encoder(config, randomWeights(config), "weights", c10::Device(c10::DeviceType::Meta));
    const model::GeometryImageContext image = encoder.prepareImage(at::randn({12, 1, config.dModel}), {}, 3, 4);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encoder.encode(pointsAndBoxes(), image));  // batch 2 against 1
  }
};

QTEST_GUILESS_MAIN(TestGeometryEncoderDevice)
#include "tst_geometry_encoder_device.moc"
