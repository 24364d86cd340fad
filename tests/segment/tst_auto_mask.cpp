// The automatic mask generator's model-free parts against hand-computed cases: the click grid,
// the stability score, mask IoU (packed bits vs counting bytes), greedy NMS, the exclusive
// claims that make kept masks non-overlapping, the tight box, and option validation.

#include <QtTest>
#include <random>

#include "engine/segment/AutoMask.h"

using namespace sam3;
using segment::PackedMask;

namespace {

mask::BinaryMask rect(int h, int w, int x0, int y0, int x1, int y1) {  // [x0, x1) x [y0, y1)
  mask::BinaryMask m(h, w);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) m.set(y, x, true);
  return m;
}

double byteIou(const mask::BinaryMask& a, const mask::BinaryMask& b) {
  int64_t inter = 0, uni = 0;
  for (int64_t i = 0; i < a.pixelCount(); ++i) {
    inter += a.data()[i] && b.data()[i];
    uni += a.data()[i] || b.data()[i];
  }
  return uni == 0 ? 0.0 : double(inter) / double(uni);
}

}  // namespace

class TestAutoMask : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gridPointsAreCellCentresRowByRow() {
    const auto points = segment::everythingGrid(2, 100, 50);
    QCOMPARE(points.size(), size_t(4));
    QCOMPARE(points[0][0], 25.0);
    QCOMPARE(points[0][1], 12.5);
    QCOMPARE(points[1][0], 75.0);  // the row first
    QCOMPARE(points[1][1], 12.5);
    QCOMPARE(points[3][0], 75.0);
    QCOMPARE(points[3][1], 37.5);
    QCOMPARE(segment::everythingGrid(32, 640, 480).size(), size_t(1024));
    QVERIFY(segment::everythingGrid(0, 640, 480).empty());
    QVERIFY(segment::everythingGrid(4, 0, 480).empty());
  }

  void stabilityIsTheRatioOfTheTwoThresholdedAreas() {
    // > 1: {2, 3} (2 values); > -1: {0, 0.5, 2, 3} (4 values) -> 0.5.
    const std::vector<float> logits = {-3.0f, 0.0f, 0.5f, 2.0f, 3.0f, -1.0f};
    QCOMPARE(segment::stabilityScore(logits.data(), logits.size(), 0.0, 1.0), 0.5);
    QCOMPARE(segment::stabilityScore(logits.data(), logits.size(), 0.0, 0.25), 3.0 / 4.0);  // {0.5,2,3} / {0,0.5,2,3}
    const std::vector<float> negative = {-5.0f, -2.0f};
    QCOMPARE(segment::stabilityScore(negative.data(), negative.size(), 0.0, 1.0), 1.0);  // both empty
  }

  void packedIouEqualsCountingPixels() {
    QCOMPARE(PackedMask(rect(10, 10, 0, 0, 4, 4)).iou(PackedMask(rect(10, 10, 2, 2, 6, 6))), 4.0 / 28.0);
    QCOMPARE(PackedMask(rect(10, 10, 0, 0, 2, 2)).iou(PackedMask(rect(10, 10, 5, 5, 7, 7))), 0.0);  // apart
    QCOMPARE(PackedMask(mask::BinaryMask(10, 10)).iou(PackedMask(mask::BinaryMask(10, 10))), 0.0);  // both empty
    std::mt19937 rng(11);
    for (int trial = 0; trial < 20; ++trial) {  // widths across word boundaries, random blobs
      const int w = 60 + trial * 7, h = 30 + trial;
      mask::BinaryMask a(h, w), b(h, w);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          a.set(y, x, rng() % 3 == 0 && x > trial);
          b.set(y, x, rng() % 2 == 0 && y < h - trial);
        }
      QCOMPARE(PackedMask(a).iou(PackedMask(b)), byteIou(a, b));
      QCOMPARE(PackedMask(a).area(), a.area());
    }
  }

  void nmsKeepsTheBestOfEachOverlappingGroup() {
    // A = 10x10, B = 10x8 inside A (IoU 0.8); C = 10x10 elsewhere, D = 10x5 inside C (IoU 0.5,
    // kept at 0.7, dropped at 0.4); E apart from all.
    std::vector<PackedMask> masks = {PackedMask(rect(40, 40, 0, 0, 10, 10)), PackedMask(rect(40, 40, 0, 0, 10, 8)),
                                     PackedMask(rect(40, 40, 20, 20, 30, 30)), PackedMask(rect(40, 40, 20, 20, 30, 25)),
                                     PackedMask(rect(40, 40, 0, 30, 5, 35))};
    const std::vector<double> scores = {0.90, 0.95, 0.80, 0.85, 0.70};
    QCOMPARE(segment::suppressOverlapping(masks, scores, 0.7, 100), (std::vector<size_t>{1, 3, 2, 4}));
    QCOMPARE(segment::suppressOverlapping(masks, scores, 0.4, 100), (std::vector<size_t>{1, 3, 4}));
    QCOMPARE(segment::suppressOverlapping(masks, scores, 0.7, 2), (std::vector<size_t>{1, 3}));
    const std::vector<double> ties = {0.5, 0.5, 0.5, 0.5, 0.5};  // ties keep the given order
    QCOMPARE(segment::suppressOverlapping(masks, ties, 0.7, 100), (std::vector<size_t>{0, 2, 3, 4}));
  }

  void exclusiveClaimsLeaveNoPixelInTwoMasks() {
    segment::ExclusiveClaims claims(20, 20, 0.5, 4);
    mask::BinaryMask first = rect(20, 20, 0, 0, 10, 10);     // 100 px
    mask::BinaryMask second = rect(20, 20, 5, 0, 15, 10);    // 100 px, 50 taken: keeps exactly half
    mask::BinaryMask third = rect(20, 20, 0, 0, 16, 10);     // 160 px, 10 left: refused (< half)
    mask::BinaryMask tiny = rect(20, 20, 18, 18, 19, 19);    // 1 px: below the minimum area
    mask::BinaryMask fourth = rect(20, 20, 0, 12, 20, 20);   // untouched
    QVERIFY(claims.claim(first));
    QCOMPARE(first.area(), int64_t(100));
    QVERIFY(claims.claim(second));
    QCOMPARE(second.area(), int64_t(50));
    QCOMPARE(second.at(0, 9), uint8_t(0));  // claimed by the first
    QCOMPARE(second.at(0, 10), uint8_t(1));
    const mask::BinaryMask thirdBefore = third;
    QVERIFY(!claims.claim(third));
    QVERIFY(third == thirdBefore);  // a refused mask is untouched
    QVERIFY(!claims.claim(tiny));
    QVERIFY(claims.claim(fourth));
    for (int64_t i = 0; i < first.pixelCount(); ++i) {
      QVERIFY(first.data()[i] + second.data()[i] + fourth.data()[i] <= 1);
    }
    mask::BinaryMask wrongSize(10, 10);
    QVERIFY(!claims.claim(wrongSize));
  }

  void maskBoxIsTight() {
    QCOMPARE(segment::maskBox(rect(30, 40, 3, 5, 17, 9)), (std::array<double, 4>{3, 5, 17, 9}));
    mask::BinaryMask two(30, 40);
    two.set(2, 30, true);
    two.set(20, 1, true);
    QCOMPARE(segment::maskBox(two), (std::array<double, 4>{1, 2, 31, 21}));
    QCOMPARE(segment::maskBox(mask::BinaryMask(5, 5)), (std::array<double, 4>{0, 0, 0, 0}));
  }

  void optionsAreValidated() {
    segment::EverythingOptions options;
    QVERIFY(options.validate().empty());
    options.pointsPerSide = 0;
    QVERIFY(QString::fromStdString(options.validate()).contains(QStringLiteral("1 to 128 points per side")));
    options = {};
    options.pointsPerSide = 1000;
    QVERIFY(!options.validate().empty());
    options = {};
    options.nmsIou = 1.5;
    QVERIFY(QString::fromStdString(options.validate()).contains(QStringLiteral("[0, 1]")));
    options = {};
    options.pointsPerBatch = -1;
    QVERIFY(!options.validate().empty());
    options.pointsPerBatch = 0;  // automatic
    QVERIFY(options.validate().empty());
    options = {};
    options.maxInstances = 0;
    QVERIFY(!options.validate().empty());
  }
};

QTEST_APPLESS_MAIN(TestAutoMask)
#include "tst_auto_mask.moc"
