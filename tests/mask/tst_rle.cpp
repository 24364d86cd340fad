// COCO RLE and polygons: encode/decode identity on random masks up to 4000x3000, compressed
// strings, set operations against pixel logic, malformed input, polygon topology (holes).

#include <QtTest>
#include <cmath>
#include <random>

#include "engine/mask/MaskEditing.h"
#include "engine/mask/Polygons.h"
#include "engine/mask/Rle.h"

using namespace sam3::mask;

namespace {

BinaryMask randomBlobs(int h, int w, std::mt19937& rng, int blobs) {
  BinaryMask m(h, w);
  std::uniform_int_distribution<int> ry(0, h - 1), rx(0, w - 1), rr(1, std::max(2, std::min(h, w) / 6));
  for (int b = 0; b < blobs; ++b) {
    const int cy = ry(rng), cx = rx(rng), r = rr(rng);
    for (int y = std::max(0, cy - r); y < std::min(h, cy + r); ++y)
      for (int x = std::max(0, cx - r); x < std::min(w, cx + r); ++x)
        if ((y - cy) * (y - cy) + (x - cx) * (x - cx) < r * r) m.set(y, x, (b % 5) != 4);  // some blobs cut holes
  }
  return m;
}

BinaryMask noise(int h, int w, std::mt19937& rng, double p) {
  BinaryMask m(h, w);
  std::bernoulli_distribution on(p);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.set(y, x, on(rng));
  return m;
}

}  // namespace

namespace {
int64_t differingPixels(const sam3::mask::BinaryMask& a, const sam3::mask::BinaryMask& b) {
  int64_t n = 0;
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < a.width(); ++x) n += a.at(y, x) != b.at(y, x);
  return n;
}
}  // namespace

class TestRle : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void encodeDecodeIdentity() {
    std::mt19937 rng(42);
    const std::vector<std::pair<int, int>> sizes = {{1, 1}, {1, 37}, {29, 1}, {7, 9}, {64, 80}, {333, 517}, {3000, 4000}};
    for (const auto& [h, w] : sizes) {
      for (int kind = 0; kind < 3; ++kind) {
        const BinaryMask m = kind == 0 ? randomBlobs(h, w, rng, 12) : noise(h, w, rng, kind == 1 ? 0.5 : 0.01);
        const Rle rle = encode(m);
        QVERIFY(decode(rle) == m);
        QCOMPARE(area(rle), m.area());
        QVERIFY(fromCompressedString(toCompressedString(rle), h, w) == rle);
        if (h * w > 1e6) break;  // one big mask is enough
      }
    }
  }

  void boundingBoxMatchesPixels() {
    std::mt19937 rng(3);
    for (int i = 0; i < 50; ++i) {
      const BinaryMask m = randomBlobs(40, 50, rng, 1 + i % 3);
      int x0 = 50, y0 = 40, x1 = -1, y1 = -1;
      bool wraps = false;
      for (int x = 0; x < 50; ++x)
        for (int y = 0; y < 40; ++y)
          if (m.at(y, x)) {
            x0 = std::min(x0, x); x1 = std::max(x1, x); y0 = std::min(y0, y); y1 = std::max(y1, y);
            if (y == 39 && x + 1 < 50 && m.at(0, x + 1)) wraps = true;  // the reference's quirk
          }
      const auto box = boundingBox(encode(m));
      if (x1 < 0) {
        QCOMPARE(box, (std::array<double, 4>{0, 0, 0, 0}));
      } else if (!wraps) {
        QCOMPARE(box, (std::array<double, 4>{double(x0), double(y0), double(x1 - x0 + 1), double(y1 - y0 + 1)}));
      }
    }
  }

  void setOperationsMatchPixelLogic() {
    std::mt19937 rng(5);
    for (int i = 0; i < 20; ++i) {
      const BinaryMask a = randomBlobs(31, 47, rng, 4), b = randomBlobs(31, 47, rng, 4);
      BinaryMask u(31, 47), n(31, 47), d(31, 47);
      for (int y = 0; y < 31; ++y)
        for (int x = 0; x < 47; ++x) {
          u.set(y, x, a.at(y, x) || b.at(y, x));
          n.set(y, x, a.at(y, x) && b.at(y, x));
          d.set(y, x, a.at(y, x) && !b.at(y, x));
        }
      QVERIFY(decode(unite(encode(a), encode(b))) == u);
      QVERIFY(decode(intersect(encode(a), encode(b))) == n);
      QVERIFY(decode(subtract(encode(a), encode(b))) == d);
      QVERIFY(unite(encode(a), encode(b)) == encode(u));  // canonical runs
      const int64_t inter = n.area(), uni = u.area();
      QCOMPARE(iou(encode(a), encode(b)), uni == 0 ? 0.0 : double(inter) / double(uni));
    }
    QCOMPARE(iou(encode(BinaryMask(4, 4)), encode(BinaryMask(4, 4))), 0.0);  // both empty
    QCOMPARE(iou(encode(BinaryMask(2, 3)), encode(BinaryMask(3, 2))), 0.0);  // sizes differ
    // fuzz_rle_string's first finding: "00" for a 0x0 mask decoded through memset(nullptr, 0).
    QVERIFY(decode(fromCompressedString("00", 0, 0)).empty());
    QVERIFY_THROWS_EXCEPTION(RleError, unite(encode(BinaryMask(2, 3)), encode(BinaryMask(3, 2))));
  }

  void malformedInputIsRejected_data() {
    QTest::addColumn<QString>("counts");
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sum too small") << "S1" << 5 << 8 << "sum to 35";
    QTest::newRow("bad character") << "0h0 " << 6 << 4 << "invalid character";
    QTest::newRow("truncated value") << "0h" << 6 << 4 << "ends inside";
    QTest::newRow("negative run") << "O" << 1 << 1 << "invalid run length";
    QTest::newRow("negative size") << "" << -1 << 4 << "negative";
  }

  void malformedInputIsRejected() {
    QFETCH(QString, counts);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(QString, expected);
    try {
      fromCompressedString(counts.toStdString(), h, w);
      QFAIL("accepted malformed RLE");
    } catch (const RleError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(RleError, decode(Rle{2, 2, {1, 2}}));
  }

  // Bounded mutation fuzz of the string reader: a value or an RleError, nothing else.
  void stringReaderFuzz() {
    std::mt19937 rng(11);
    const std::string good = toCompressedString(encode(randomBlobs(30, 40, rng, 6)));
    int rejected = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string s = good;
      for (int f = 0; f < 1 + int(rng() % 3); ++f) s[rng() % s.size()] = char(rng() % 256);
      try {
        const Rle r = fromCompressedString(s, 30, 40);
        QCOMPARE(decode(r).pixelCount(), int64_t(1200));
      } catch (const RleError&) {
        ++rejected;
      }
    }
    QVERIFY(rejected > 1000);
  }

  void polygonsKeepHolesAndParts() {
    BinaryMask ring(40, 60);
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 60; ++x) {
        const int dy = y - 20, dx = x - 20;
        ring.set(y, x, dx * dx + dy * dy <= 15 * 15 && dx * dx + dy * dy > 6 * 6);
        if (x >= 45 && x < 55 && y >= 5 && y < 15) ring.set(y, x, true);  // a second part
      }
    const PolygonSet set = maskToPolygons(ring);
    QCOMPARE(set.outer.size(), size_t(2));
    QCOMPARE(set.holes.size(), size_t(1));
    // The rings follow pixel edges: outer minus holes rasterizes (COCO's rule) to the mask exactly.
    const Rle rebuilt = subtract(polygonsToRle(set.outer, 40, 60), polygonsToRle(set.holes, 40, 60));
    QCOMPARE(differingPixels(decode(rebuilt), ring), int64_t(0));
    // The square part's ring is its four pixel corners, clockwise on screen.
    bool square = false;
    for (const Ring& r : set.outer) square = square || r == Ring{45, 5, 55, 5, 55, 15, 45, 15};
    QVERIFY(square);
    // Simplified rings stay close.
    const PolygonSet coarse = maskToPolygons(ring, 1.0);
    const Rle approx = subtract(polygonsToRle(coarse.outer, 40, 60), polygonsToRle(coarse.holes, 40, 60));
    QVERIFY(differingPixels(decode(approx), ring) < ring.area() / 8);
  }

  void polygonsRoundTripExactlyOnRandomMasks() {
    // Blobs, single pixels, parts touching only at a corner, holes with islands inside: every
    // pixel comes back. Nested rings alternate (part, hole, part in the hole), so the mask is the
    // pixels inside an odd number of rings.
    std::mt19937 rng(11);
    int64_t pixels = 0;
    for (int trial = 0; trial < 300; ++trial) {
      const int h = 1 + int(rng() % 40), w = 1 + int(rng() % 40);
      BinaryMask m(h, w);
      const int blobs = int(rng() % 4);
      for (int b = 0; b < blobs; ++b) {
        const int cx = int(rng() % w), cy = int(rng() % h), r = 1 + int(rng() % 10);
        const bool on = rng() % 3 != 0;  // some blobs cut holes
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) m.set(y, x, on);
      }
      for (int k = int(rng() % 30); k > 0; --k) m.set(int(rng() % h), int(rng() % w), rng() % 2);  // noise, diagonal contacts
      const PolygonSet set = maskToPolygons(m);
      Rle odd{h, w, {uint32_t(h) * uint32_t(w)}};
      for (const auto* rings : {&set.outer, &set.holes})
        for (const Ring& r : *rings) {
          const Rle one = polygonToRle(r, h, w);
          odd = subtract(unite(odd, one), intersect(odd, one));
        }
      QVERIFY2(differingPixels(decode(odd), m) == 0, qPrintable(QStringLiteral("trial %1 (%2x%3)").arg(trial).arg(w).arg(h)));
      pixels += m.area();
    }
    QVERIFY(pixels > 10000);
  }

  void polygonRasterizationOfABox() {
    // An axis-aligned square polygon covers the pixels whose centres lie inside it.
    const Rle rle = polygonToRle({2, 3, 12, 3, 12, 9, 2, 9}, 20, 20);
    const BinaryMask m = decode(rle);
    QCOMPARE(area(rle), int64_t(10 * 6));
    QVERIFY(m.at(3, 2) && m.at(8, 11) && !m.at(9, 11) && !m.at(3, 12) && !m.at(2, 2));
    QVERIFY_THROWS_EXCEPTION(RleError, polygonToRle({1, 2, 3, 4}, 10, 10));
    // fuzz_coco_validator's finding: a vertex at 3.4e9 overflowed int (and would have traced
    // billions of edge pixels); such vertices are refused, slightly outside ones still work.
    QVERIFY_THROWS_EXCEPTION(RleError, polygonToRle({2, 1, 3, 1, 3444444444.0, 3, 1, 6}, 10, 20));
    QVERIFY_THROWS_EXCEPTION(RleError, polygonToRle({2, 1, 3, 1, std::nan(""), 3}, 10, 20));
    // The 10-minute run's finding: a 1333333330-pixel-wide image let an in-range vertex overflow
    // int once upsampled; images past 2^20 a side (or 2^32 pixels) are refused.
    QVERIFY_THROWS_EXCEPTION(RleError, polygonToRle({19, 0, 3, 1, 3, 3, 1, 3}, 10, 1333333330));
    QVERIFY_THROWS_EXCEPTION(RleError, polygonToRle({19, 0, 3, 1, 3, 3, 1, 3}, 70000, 70000));
    QCOMPARE(area(polygonToRle({-2, -2, 22, -2, 22, 12, -2, 12}, 10, 20)), int64_t(200));
  }

  void editingHelpers() {
    // contains() walks the runs: it must agree with decoding at every pixel.
    std::mt19937 rng(5);
    BinaryMask m(23, 31);
    for (int y = 0; y < 23; ++y)
      for (int x = 0; x < 31; ++x) m.set(y, x, (rng() % 3) == 0);
    const Rle rle = encode(m);
    for (int y = 0; y < 23; ++y)
      for (int x = 0; x < 31; ++x) QCOMPARE(contains(rle, x, y), bool(m.at(y, x)));
    QVERIFY(!contains(rle, -1, 0));
    QVERIFY(!contains(rle, 31, 0));

    // A stroke: a round dab of radius 10 has about pi * 100 pixels and stays in the image.
    const BinaryMask dab = rasterizeStroke({{50.0, 40.0}}, 10.0, 80, 100);
    QVERIFY2(std::abs(dab.area() - 314) < 40, qPrintable(QString::number(dab.area())));
    QVERIFY(dab.at(40, 50));
    QVERIFY(!dab.at(40, 62));
    const BinaryMask edge = rasterizeStroke({{-5.0, -5.0}, {5.0, 5.0}}, 3.0, 20, 20);
    QVERIFY(edge.area() > 0 && edge.at(2, 2));
    QCOMPARE(rasterizeStroke({{500.0, 500.0}}, 3.0, 20, 20).area(), int64_t(0));  // outside: nothing

    // Split: two separate dabs are two parts, largest first, together the original.
    BinaryMask two = rasterizeStroke({{20.0, 20.0}}, 8.0, 60, 90);
    const BinaryMask big = rasterizeStroke({{60.0, 30.0}}, 12.0, 60, 90);
    for (int64_t i = 0; i < two.pixelCount(); ++i) two.data()[i] |= big.data()[i];
    const std::vector<BinaryMask> parts = connectedParts(two);
    QCOMPARE(parts.size(), size_t(2));
    QCOMPARE(parts[0].area(), big.area());
    QCOMPARE(parts[0].area() + parts[1].area(), two.area());
    QCOMPARE(connectedParts(two, big.area()).size(), size_t(1));  // the small one is dropped
  }
};

QTEST_GUILESS_MAIN(TestRle)
#include "tst_rle.moc"
