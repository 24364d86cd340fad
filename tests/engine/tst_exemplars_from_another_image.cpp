// Exemplars drawn on another image (our extension of SAM3): what the geometry encoder computes
// with a pool term from image A on image B - exactly the model's encoding of B with the
// boxes' features pooled from A's map (coordinates, positions and cross-attention unchanged),
// the model itself when A is B, and a clear error for a pool term of the wrong shape; then the
// SAM3 engine on the fixture bundle (FindSimilarRequest::source).

#include <QtTest>

#include <QTemporaryDir>

#include "engine/ops/OpsRegistry.h"
#include "engine/sam3/GeometryEncoder.h"
#include "engine/sam3/Sam3Segmenter.h"
#include "support/SyntheticImage.h"
#include "support/TestSupport.h"

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
  // Exemplars from another image (our extension): on the image they were drawn on it is the
  // model's own search; on another image the boxes' features come from theirs (the geometry
  // encoder's part is proven in tst_exemplars_from_another_image), and the pool term is kept
  // for the next image of a batch.
  void exemplarsFromAnotherImage() {
    if (!test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    QTemporaryDir work;
    const QString bundle = work.filePath(QStringLiteral("fixture.sam3bundle"));
    const QString made = test::makeFixtureBundle(bundle, /*withVariants=*/false);
    QVERIFY2(made.isEmpty(), qPrintable(made));
    model::Sam3SegmenterOptions options;
    options.bundleDirectory = bundle.toStdString();
    options.device = "cpu";
    std::string error;
    auto engine = model::Sam3Segmenter::open(options, error);
    QVERIFY2(engine, error.c_str());
    QVERIFY(engine->capabilities().exemplarsFromOtherImages);
    const cv::Mat a = test::randomDiscs(300, 200, 7), b = test::randomDiscs(300, 200, 9);
    segment::FindSimilarRequest native;
    native.exemplars = {{{40, 30, 120, 110}, true}, {{200, 100, 260, 180}, false}};
    native.threshold = 0.0;
    segment::FindSimilarRequest foreign;
    foreign.source = {a, native.exemplars};
    foreign.threshold = 0.0;
    QVERIFY(engine->setImage(a, "a").ok());
    const segment::FindSimilarResult onA = engine->findSimilar(native);
    const segment::FindSimilarResult sourceIsA = engine->findSimilar(foreign);
    QVERIFY2(sourceIsA.status.ok(), sourceIsA.status.message.c_str());
    QCOMPARE(sourceIsA.instances.size(), onA.instances.size());
    for (size_t i = 0; i < onA.instances.size(); ++i) {
      QCOMPARE(sourceIsA.instances[i].score, onA.instances[i].score);
      QVERIFY(sourceIsA.instances[i].mask == onA.instances[i].mask);
    }
    QVERIFY(engine->setImage(b, "b").ok());
    const int encodes = engine->stats().backboneRuns;
    const segment::FindSimilarResult fromA = engine->findSimilar(foreign);
    QVERIFY2(fromA.status.ok(), fromA.status.message.c_str());
    QCOMPARE(fromA.instances.size(), size_t(16));
    QVERIFY(engine->findSimilar(foreign).instances.front().score == fromA.instances.front().score);  // deterministic
    QCOMPARE(engine->stats().backboneRuns, encodes);  // A's embedding came from the cache, once
    const segment::FindSimilarResult onB = engine->findSimilar(native);
    bool differs = false;
    for (size_t i = 0; i < onB.instances.size(); ++i) differs |= std::abs(onB.instances[i].score - fromA.instances[i].score) > 1e-6;
    QVERIFY2(differs, "the exemplars pooled on A gave B's own search");
    segment::FindSimilarRequest both = foreign;
    both.exemplars = native.exemplars;
    QVERIFY(QString::fromStdString(engine->findSimilar(both).status.message).contains(QStringLiteral("one image at a time")));
    segment::FindSimilarRequest pixelsOnly;
    pixelsOnly.patches.push_back({a(cv::Rect(40, 30, 80, 80)).clone(), true});
    QVERIFY(QString::fromStdString(engine->findSimilar(pixelsOnly).status.message).contains(QStringLiteral("not from pixels")));
  }
};

QTEST_GUILESS_MAIN(TestExemplarsFromAnotherImage)
#include "tst_exemplars_from_another_image.moc"
