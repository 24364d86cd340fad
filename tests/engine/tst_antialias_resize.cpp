// Antialiased 8-bit resizing against torchvision's uint8 path: the expected bytes were computed
// once in the reference venv with torch 2.11's _upsample_bilinear2d_aa on uint8 tensors (the
// kernel the official SAM3 processor uses; random inputs, seeds 1-4). A float resize rounded
// back to 8 bit differs from them in 4, 10 and 4 bytes of the first three rows.
#include <QtTest>
#include <vector>

#include "engine/sam3/AntialiasResize.h"

using Bytes = std::vector<uint8_t>;
Q_DECLARE_METATYPE(Bytes)

class TestAntialiasResize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesTorchUint8_data() {
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("oh");
    QTest::addColumn<int>("ow");
    QTest::addColumn<Bytes>("src");
    QTest::addColumn<Bytes>("expected");
    QTest::newRow("shrink") << 5 << 7 << 3 << 3 << 4 << Bytes{37, 241, 241, 235, 247, 43, 140, 222, 76, 72, 96, 26, 255, 86, 52, 137, 141, 80, 203, 233, 109, 133, 137, 115, 79, 7, 41, 192, 63, 210, 144, 61, 15, 129, 22, 64, 204, 57, 196, 71, 1, 25, 237, 128, 111, 252, 60, 226, 134, 209, 215, 25, 8, 135, 178, 216, 26, 20, 141, 153, 254, 115, 104, 101, 175, 22, 146, 234, 9, 212, 121, 195, 139, 200, 231, 252, 30, 126, 234, 71, 23, 156, 131, 125, 157, 198, 100, 142, 149, 155, 50, 49, 165, 68, 57, 57, 215, 3, 83, 215, 196, 166, 233, 24, 136}
                        << Bytes{121, 172, 122, 147, 132, 84, 166, 74, 62, 157, 118, 97, 186, 119, 117, 145, 117, 173, 139, 107, 93, 156, 101, 107, 137, 182, 83, 118, 112, 148, 192, 69, 110, 211, 98, 118};
    QTest::newRow("grow") << 4 << 3 << 1 << 9 << 11 << Bytes{168, 15, 237, 72, 22, 43, 210, 75, 104, 7, 162, 177}
                        << Bytes{168, 168, 140, 98, 57, 15, 76, 136, 197, 237, 237, 152, 152, 127, 90, 53, 16, 68, 119, 171, 205, 205, 109, 109, 93, 68, 44, 19, 47, 73, 100, 118, 118, 80, 80, 70, 55, 40, 25, 31, 36, 42, 46, 46, 141, 141, 124, 99, 74, 49, 56, 62, 69, 74, 74, 202, 202, 178, 143, 108, 72, 80, 88, 96, 101, 101, 131, 131, 127, 121, 115, 109, 115, 122, 128, 132, 132, 41, 41, 60, 89, 119, 147, 152, 157, 161, 165, 165, 7, 7, 35, 77, 120, 162, 166, 170, 174, 177, 177};
    QTest::newRow("mixed") << 13 << 2 << 3 << 5 << 6 << Bytes{106, 81, 37, 152, 218, 20, 249, 150, 94, 131, 66, 49, 184, 2, 149, 200, 191, 127, 0, 60, 206, 21, 129, 244, 253, 179, 28, 147, 90, 119, 202, 69, 54, 107, 104, 0, 249, 110, 192, 169, 97, 233, 138, 157, 18, 149, 106, 116, 119, 152, 191, 166, 251, 165, 224, 62, 184, 148, 7, 184, 172, 248, 199, 93, 171, 165, 167, 33, 253, 142, 123, 174, 248, 79, 33, 26, 176, 113}
                        << Bytes{174, 89, 97, 174, 89, 97, 165, 108, 89, 156, 126, 80, 146, 145, 72, 146, 145, 72, 148, 90, 115, 148, 90, 115, 135, 101, 124, 121, 112, 133, 108, 123, 142, 108, 123, 142, 202, 121, 107, 202, 121, 107, 184, 119, 117, 166, 116, 127, 148, 113, 137, 148, 113, 137, 168, 137, 166, 168, 137, 166, 160, 134, 165, 151, 132, 165, 143, 129, 164, 143, 129, 164, 196, 99, 170, 196, 99, 170, 163, 113, 165, 129, 128, 159, 96, 142, 154, 96, 142, 154};
    QTest::newRow("wide") << 3 << 40 << 1 << 3 << 7 << Bytes{122, 174, 183, 197, 129, 104, 87, 200, 50, 137, 58, 252, 103, 109, 94, 55, 183, 57, 104, 164, 178, 44, 38, 126, 234, 52, 131, 0, 183, 21, 149, 201, 166, 253, 230, 56, 194, 174, 117, 30, 136, 49, 66, 186, 87, 160, 168, 243, 170, 173, 161, 32, 126, 237, 156, 3, 114, 115, 207, 98, 95, 185, 255, 50, 145, 240, 209, 217, 73, 187, 176, 204, 151, 114, 222, 22, 195, 190, 190, 75, 23, 56, 114, 198, 231, 237, 234, 199, 201, 210, 183, 181, 243, 240, 85, 222, 79, 36, 219, 59, 107, 51, 8, 249, 165, 72, 187, 250, 125, 54, 231, 96, 158, 132, 54, 75, 8, 228, 31, 40}
                        << Bytes{154, 122, 113, 116, 104, 154, 147, 120, 162, 127, 137, 176, 162, 150, 151, 209, 166, 104, 145, 131, 86};
  }

  void matchesTorchUint8() {
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, c);
    QFETCH(int, oh);
    QFETCH(int, ow);
    QFETCH(Bytes, src);
    QFETCH(Bytes, expected);
    QCOMPARE(src.size(), size_t(h) * size_t(w) * size_t(c));
    const Bytes out = sam3::model::resizeAntialiasU8(src.data(), h, w, c, oh, ow);
    QCOMPARE(out, expected);
  }

  void sameSizeIsIdentityAndBadSizesThrow() {
    const Bytes src = {1, 2, 3, 4, 5, 6};
    QCOMPARE(sam3::model::resizeAntialiasU8(src.data(), 2, 3, 1, 2, 3), src);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sam3::model::resizeAntialiasU8(src.data(), 2, 3, 1, 0, 3));
  }

  void constantImageStaysConstant() {
    // Normalized weights: every output of a flat image is the flat value, at any scale.
    const Bytes src(size_t(37) * 53 * 3, 173);
    for (const auto& [oh, ow] : std::vector<std::pair<int, int>>{{1008, 1008}, {5, 7}, {37, 1}}) {
      const Bytes out = sam3::model::resizeAntialiasU8(src.data(), 37, 53, 3, oh, ow);
      QVERIFY(std::all_of(out.begin(), out.end(), [](uint8_t v) { return v == 173; }));
    }
  }
};

QTEST_GUILESS_MAIN(TestAntialiasResize)
#include "tst_antialias_resize.moc"
