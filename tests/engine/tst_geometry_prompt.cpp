// SAM3 prompt structures: the padded-concatenation rule, defaults, validation errors, the
// gesture builder, and the sine position codes against their closed form.

#include <QtTest>

#include "support/TestSupport.h"
#include <cmath>

#include "engine/prompt/torch/GeometryPrompt.h"
#include "engine/prompt/torch/GeometryPromptBuilder.h"
#include "engine/prompt/torch/PaddedSequence.h"
#include "engine/sam3/GeometryEncoder.h"
#include "engine/sam3/PositionEmbeddingSine.h"

using namespace sam3;
using sam3::test::errorOf;
using prompt::GeometryPrompt;

namespace {

at::Tensor boolMask(std::vector<std::vector<int>> rows) {
  at::Tensor m = at::zeros({int64_t(rows.size()), int64_t(rows[0].size())}, at::kBool);
  for (size_t b = 0; b < rows.size(); ++b)
    for (size_t i = 0; i < rows[b].size(); ++i) m[b][i] = bool(rows[b][i]);
  return m;
}


}  // namespace

class TestGeometryPrompt : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void rightPaddedRule() {
    QVERIFY(prompt::isRightPadded(boolMask({{0, 0, 1}, {1, 1, 1}, {0, 0, 0}})));
    QVERIFY(!prompt::isRightPadded(boolMask({{0, 1, 0}})));
    QVERIFY(prompt::isRightPadded(at::zeros({2, 0}, at::kBool)));
  }

  void concatPacksValidItemsLeft() {
    // Batch 0: seq1 has 1 valid of 2, seq2 has 2 valid of 3. Batch 1: seq1 2 valid, seq2 none.
    const at::Tensor seq1 = at::arange(1, 5, at::kFloat).view({2, 2, 1});        // values 1..4
    const at::Tensor seq2 = at::arange(11, 17, at::kFloat).view({3, 2, 1});      // values 11..16
    const auto [out, mask] = prompt::concatPaddedSequences(seq1, boolMask({{0, 1}, {0, 0}}), seq2,
                                                           boolMask({{0, 0, 1}, {1, 1, 1}}));
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{5, 2, 1}));
    // Batch 0: [1, 11, 13, ...] ; batch 1: [2, 4, ...]
    QCOMPARE(out[0][0][0].item<float>(), 1.f);
    QCOMPARE(out[1][0][0].item<float>(), 11.f);
    QCOMPARE(out[2][0][0].item<float>(), 13.f);
    QCOMPARE(out[0][1][0].item<float>(), 2.f);
    QCOMPARE(out[1][1][0].item<float>(), 4.f);
    QVERIFY(at::equal(mask, boolMask({{0, 0, 0, 1, 1}, {0, 0, 1, 1, 1}})));
  }

  void concatTakesSecondDtype() {
    const auto [out, mask] = prompt::concatPaddedSequences(at::ones({1, 1, 1}, at::kLong), boolMask({{0}}),
                                                           at::zeros({1, 1, 1}, at::kFloat), boolMask({{0}}));
    QCOMPARE(out.scalar_type(), at::kFloat);
  }

  void concatRejectsLeftPadding() {
    const QString e = errorOf([] {
      prompt::concatPaddedSequences(at::zeros({2, 1, 1}), boolMask({{1, 0}}), at::zeros({1, 1, 1}), boolMask({{0}}));
    });
    QVERIFY2(e.contains(QStringLiteral("right-padded")), qPrintable(e));
  }

  void appendFollowsSam3Processor() {
    GeometryPrompt p = GeometryPrompt::empty(1);
    QCOMPARE(p.numBoxes(), int64_t(0));
    p.appendBoxes(at::rand({2, 1, 4}), at::tensor(at::ArrayRef<int64_t>({1, 0})).to(at::kBool).view({2, 1}));
    p.appendBoxes(at::rand({1, 1, 4}), at::ones({1, 1}, at::kLong));
    QCOMPARE(p.numBoxes(), int64_t(3));
    QCOMPARE(p.boxLabels().scalar_type(), at::kLong);
    QVERIFY(at::equal(p.boxLabels().view({3}), at::tensor(at::ArrayRef<int64_t>({1, 0, 1}))));
    QVERIFY(!p.boxMask().any().item<bool>());
    p.appendPoints(at::rand({2, 1, 2}), at::zeros({2, 1}, at::kLong), boolMask({{0, 1}}));
    QCOMPARE(p.numPoints(), int64_t(2));
    QVERIFY(at::equal(p.pointMask(), boolMask({{0, 1}})));
  }

  void createFillsDefaults() {
    const GeometryPrompt p = GeometryPrompt::create(at::rand({3, 2, 4}), {}, {}, {}, {}, {});
    QCOMPARE(p.batchSize(), int64_t(2));
    QCOMPARE(p.boxLabels().sizes().vec(), (std::vector<int64_t>{3, 2}));
    QVERIFY(at::equal(p.boxLabels(), at::ones({3, 2}, at::kLong)));
    QCOMPARE(p.boxMask().sizes().vec(), (std::vector<int64_t>{2, 3}));
    QCOMPARE(p.points().sizes().vec(), (std::vector<int64_t>{0, 2, 2}));
  }

  void invalidPrompts_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nothing") << 0 << "needs boxes or points";
    QTest::newRow("box width 3") << 1 << "`boxes` must be [N,B,4]";
    QTest::newRow("batch mismatch") << 2 << "batch must be 1";
    QTest::newRow("mask not batch-first") << 3 << "batch-first";
    QTest::newRow("left padded") << 4 << "right-padded";
    QTest::newRow("label 2") << 5 << "must be 0 (negative) or 1 (positive)";
  }

  void invalidPrompts() {
    QFETCH(int, which);
    QFETCH(QString, expected);
    const std::vector<std::function<void()>> calls = {
        [] { GeometryPrompt::create({}, {}, {}, {}, {}, {}); },
        [] { GeometryPrompt::create(at::rand({2, 1, 3}), {}, {}, {}, {}, {}); },
        [] { GeometryPrompt::create(at::rand({2, 1, 4}), {}, {}, at::rand({2, 2, 2}), {}, {}); },
        [] { GeometryPrompt::create(at::rand({2, 1, 4}), {}, at::zeros({2, 1}, at::kBool), {}, {}, {}); },
        [] { GeometryPrompt::create(at::rand({2, 1, 4}), {}, boolMask({{1, 0}}), {}, {}, {}); },
        [] { GeometryPrompt::create(at::rand({1, 1, 4}), at::full({1, 1}, 2, at::kLong), {}, {}, {}, {}); },
    };
    const QString e = errorOf(calls.at(which));
    QVERIFY2(e.contains(expected), qPrintable(QStringLiteral("got: ") + e));
  }

  void builderNormalizesGestures() {
    prompt::GeometryPromptBuilder builder(200, 100);
    builder.addBox(150, 80, 50, 20, true);    // dragged bottom-right to top-left
    builder.addBox(-20, -10, 40, 300, false); // partly outside: clamped
    builder.addPoint(100, 50, true);
    builder.addPoint(250, -5, false);         // clamped to the corner
    const GeometryPrompt p = builder.build();
    QCOMPARE(p.batchSize(), int64_t(1));
    const at::Tensor boxes = p.boxes().view({2, 4});
    QVERIFY(at::allclose(boxes[0], at::tensor(at::ArrayRef<float>({0.5f, 0.5f, 0.5f, 0.6f}))));
    QVERIFY(at::allclose(boxes[1], at::tensor(at::ArrayRef<float>({0.1f, 0.5f, 0.2f, 1.0f}))));
    QVERIFY(at::equal(p.boxLabels().view({2}), at::tensor(at::ArrayRef<int64_t>({1, 0}))));
    QVERIFY(at::allclose(p.points().view({2, 2}), at::tensor(at::ArrayRef<float>({0.5f, 0.5f, 1.0f, 0.0f})).view({2, 2})));
    QVERIFY(at::equal(p.pointLabels().view({2}), at::tensor(at::ArrayRef<int64_t>({1, 0}))));
    QVERIFY(errorOf([&] { builder.addPoint(std::nan(""), 1); }).contains(QStringLiteral("non-finite")));
    QVERIFY(errorOf([] { prompt::GeometryPromptBuilder(0, 10); }).contains(QStringLiteral("positive")));
    builder.clear();
    QCOMPARE(builder.build().numBoxes(), int64_t(0));
  }

  void sineCodesMatchClosedForm() {
    const model::PositionEmbeddingSine pe(8);  // 4 features per axis
    const at::Tensor code = pe.encodeBoxes(at::tensor(at::ArrayRef<float>({0.25f, 0.75f, 0.5f, 0.125f})).view({1, 4}));
    QCOMPARE(code.sizes().vec(), (std::vector<int64_t>{1, 10}));
    auto expected = [](double v, int i) {
      const double dimT = std::pow(10000.0, 2.0 * (i / 2) / 4.0);
      const double a = v * 2 * M_PI / dimT;
      return i % 2 == 0 ? std::sin(a) : std::cos(a);
    };
    for (int i = 0; i < 4; ++i) {
      QVERIFY(std::abs(code[0][i].item<float>() - expected(0.75, i)) < 1e-6);      // cy first
      QVERIFY(std::abs(code[0][4 + i].item<float>() - expected(0.25, i)) < 1e-6);  // then cx
    }
    QCOMPARE(code[0][8].item<float>(), 0.125f);  // raw h
    QCOMPARE(code[0][9].item<float>(), 0.5f);    // raw w
    const at::Tensor map = pe.imageEncoding(3, 5);
    QCOMPARE(map.sizes().vec(), (std::vector<int64_t>{1, 8, 3, 5}));
    QVERIFY(std::abs(map[0][0][2][1].item<float>() - std::sin(3.0 / (3 + 1e-6) * 2 * M_PI)) < 1e-5);
    QVERIFY(std::abs(map[0][4][2][1].item<float>() - std::sin(2.0 / (5 + 1e-6) * 2 * M_PI)) < 1e-5);
  }

  void encoderRejectsMismatchedInputs() {
    model::GeometryEncoderConfig config;
    config.dModel = config.posNumFeats = 8;
    config.numHeads = 2;
    config.dimFeedforward = 16;
    config.numLayers = 1;
    model::StateDict weights;
    for (const auto& [name, shape] : config.expectedWeights()) weights[name] = at::randn(shape);
    const model::GeometryEncoder encoder(config, weights);
    QVERIFY(errorOf([&] { encoder.prepareImage(at::randn({10, 1, 8}), {}, 3, 3); }).contains(QStringLiteral("H*W = 9")));
    const auto image = encoder.prepareImage(at::randn({9, 1, 8}), at::randn({9, 1, 8}), 3, 3);
    QVERIFY(errorOf([&] { encoder.encode(GeometryPrompt::empty(2), image); }).contains(QStringLiteral("batch")));
    const auto result = encoder.encode(GeometryPrompt::empty(1), image);
    QCOMPARE(result.embeddings.sizes().vec(), (std::vector<int64_t>{1, 1, 8}));  // the CLS token only
    QVERIFY(at::isfinite(result.embeddings).all().item<bool>());
  }
};

QTEST_GUILESS_MAIN(TestGeometryPrompt)
#include "tst_geometry_prompt.moc"
