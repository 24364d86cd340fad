// Exemplars drawn on another image (our extension of SAM3): what the geometry encoder computes
// with a pool term from image A on image B - exactly the model's encoding of B with the
// boxes' features pooled from A's map (coordinates, positions and cross-attention unchanged),
// the model itself when A is B, and a clear error for a pool term of the wrong shape.

#include <QtTest>

#include "engine/ops/OpsRegistry.h"
#include "engine/sam3/GeometryEncoder.h"

using namespace sam3;

namespace {

model::StateDict randomWeights(const model::GeometryEncoderConfig& config) {
  at::manual_seed(8);
  model::StateDict w;
  for (const auto& [name, shape] : config.expectedWeights()) w[name] = at::randn(shape) * 0.05;
  return w;
}

prompt::GeometryPrompt twoBoxes() {  // a positive and a negative exemplar, one image
  prompt::GeometryPrompt p = prompt::GeometryPrompt::empty(1);
  p.appendBoxes(at::tensor({0.3f, 0.4f, 0.2f, 0.3f, 0.7f, 0.6f, 0.25f, 0.2f}).view({2, 1, 4}), at::tensor({int64_t(1), int64_t(0)}).view({2, 1}),
                at::zeros({1, 2}, at::kBool));
  return p;
}

}  // namespace

class TestExemplarsFromAnotherImage : public QObject {
  Q_OBJECT

  model::GeometryEncoderConfig m_config;
  std::unique_ptr<model::GeometryEncoder> m_encoder;
  model::GeometryImageContext m_a, m_b;

 private Q_SLOTS:
  void initTestCase() {
    ops::ensureOpsRegistered();
    m_encoder = std::make_unique<model::GeometryEncoder>(m_config, randomWeights(m_config));
    const int64_t h = 18, w = 18, c = m_config.dModel;
    at::manual_seed(1);
    m_a = m_encoder->prepareImage(at::randn({h * w, 1, c}), at::randn({h * w, 1, c}), h, w);
    m_b = m_encoder->prepareImage(at::randn({h * w, 1, c}), at::randn({h * w, 1, c}), h, w);
  }

  void poolTermOfTheSameImageIsTheModel() {
    const prompt::GeometryPrompt p = twoBoxes();
    const model::GeometryEncoding native = m_encoder->encode(p, m_b);
    const model::GeometryEncoding pooled = m_encoder->encode(p, m_b, nullptr, m_encoder->poolBoxes(p, m_b));
    QVERIFY(at::equal(native.embeddings, pooled.embeddings));
    QVERIFY(at::equal(native.mask, pooled.mask));
  }

  void boxesPooledOnAWhileTheLayersSeeB() {
    const prompt::GeometryPrompt p = twoBoxes();
    // B's context with A's LayerNormed map: the model's own encoding of "boxes pooled on A,
    // cross-attention over B", the definition of the extension.
    model::GeometryImageContext mixed = m_b;
    mixed.pooledMap = m_a.pooledMap;
    mixed.pooledSeq = m_a.pooledSeq;
    model::Intermediates foreignCapture, aCapture;
    const model::GeometryEncoding foreign = m_encoder->encode(p, m_b, &foreignCapture, m_encoder->poolBoxes(p, m_a));
    const model::GeometryEncoding expected = m_encoder->encode(p, mixed);
    QVERIFY(at::allclose(foreign.embeddings, expected.embeddings, 0.0, 0.0));
    // Before the layers the tokens are A's exactly; after them they differ from A's (B is seen).
    const model::GeometryEncoding onA = m_encoder->encode(p, m_a, &aCapture);
    QVERIFY(at::equal(foreignCapture.at("inter.final_proj.input"), aCapture.at("inter.final_proj.input")));
    QVERIFY(!at::allclose(foreign.embeddings, onA.embeddings, 1e-3, 1e-3));
    QVERIFY(!at::allclose(foreign.embeddings, m_encoder->encode(p, m_b).embeddings, 1e-3, 1e-3));
  }

  void poolTermOfTheWrongShapeIsRefused() {
    const prompt::GeometryPrompt p = twoBoxes();
    try {
      m_encoder->encode(p, m_b, nullptr, at::zeros({3, 1, m_config.dModel}));
      QFAIL("a pool term for 3 boxes was taken for 2");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("pooled boxes must be [2, 1, 256]")), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestExemplarsFromAnotherImage)
#include "tst_exemplars_from_another_image.moc"
