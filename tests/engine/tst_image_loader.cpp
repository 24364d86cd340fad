// The one image loader: headers read without decoding (sizes agree with the decoders), images
// above the pixel limit refused by their header with the size and the setting named, truncated
// and corrupt files refused clearly, and all eight EXIF orientations giving the geometry and
// pixels Qt's autoTransform (the window) gives.

#include <QBuffer>
#include <QImage>
#include <QImageReader>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/ImageLoader.h"
#include "support/SyntheticImage.h"

using namespace sam3;

namespace {

std::string encode(const cv::Mat& image, const char* extension) {
  std::vector<uchar> bytes;
  if (!cv::imencode(extension, image, bytes)) return {};
  return std::string(bytes.begin(), bytes.end());
}

// Not symmetric in any direction: a gradient with a bright block in the stored top-left.
cv::Mat asymmetric(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(4 * x), uchar(6 * y), 90);
  cv::rectangle(image, cv::Rect(0, 0, width / 4, height / 5), cv::Scalar(255, 255, 255), cv::FILLED);
  return image;
}

}  // namespace

class TestImageLoader : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;

  QString write(const QString& name, const std::string& bytes) {
    const QString path = m_dir.filePath(name);
    io::writeFileAtomically(path.toStdString(), bytes);
    return path;
  }

 private Q_SLOTS:
  void headersAgreeWithTheDecoders_data() {
    QTest::addColumn<QString>("extension");
    for (const char* e : {".png", ".jpg", ".bmp", ".tiff", ".webp"}) QTest::newRow(e) << QString::fromLatin1(e);
  }
  void headersAgreeWithTheDecoders() {
    QFETCH(QString, extension);
    const std::string bytes = encode(asymmetric(37, 23), extension.toLatin1().constData());
    if (bytes.empty()) QSKIP("this OpenCV cannot write the format");
    const auto header = io::readImageHeader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    QVERIFY(header);
    QCOMPARE(header->width, int64_t(37));
    QCOMPARE(header->height, int64_t(23));
    QCOMPARE(header->orientation, 1);
    const io::LoadedImage loaded = io::decodeImage(bytes, "x");
    QVERIFY2(loaded.error.empty(), loaded.error.c_str());
    QCOMPARE(loaded.pixels.cols, 37);
    // Damaged headers give nothing rather than a guess: every truncation of the first bytes.
    for (size_t n = 0; n < std::min<size_t>(bytes.size(), 64); ++n) {
      const auto cut = io::readImageHeader(reinterpret_cast<const uint8_t*>(bytes.data()), n);
      QVERIFY(!cut || (cut->width == 37 && cut->height == 23));
    }
  }

  void imagesAboveTheLimitAreRefusedByTheirHeader() {
    // A small PNG whose header claims 30000 x 30000 (900 MP): refused before decoding.
    const QString path = write(QStringLiteral("bomb.png"), test::pngClaimingSize(30000, 30000));
    const io::LoadedImage loaded = io::loadImage(path.toStdString());
    QVERIFY(loaded.pixels.empty());
    const QString error = QString::fromStdString(loaded.error);
    QVERIFY2(error.contains(QStringLiteral("30000 x 30000")) && error.contains(QStringLiteral("900 MP")) &&
                 error.contains(QStringLiteral("400 MP")) && error.contains(QStringLiteral("--max-pixels")),
             qPrintable(error));
    io::ImageLimits small;
    small.maxPixels = 100;
    small.setting = "the setting X";
    const QString refused = QString::fromStdString(io::loadImage(write(QStringLiteral("ok.png"), encode(asymmetric(16, 16), ".png")).toStdString(), small).error);
    QVERIFY2(refused.contains(QStringLiteral("16 x 16")) && refused.contains(QStringLiteral("the setting X")), qPrintable(refused));
  }

  void truncatedAndCorruptFilesAreRefusedClearly() {
    const std::string png = encode(asymmetric(64, 48), ".png");
    const io::LoadedImage half = io::decodeImage(png.substr(0, png.size() / 2), "half.png");
    QVERIFY(half.pixels.empty());
    QVERIFY2(QString::fromStdString(half.error).contains(QStringLiteral("cannot read the image half.png: it could not be decoded")), half.error.c_str());
    QVERIFY(!io::decodeImage("not an image at all", "text.png").error.empty());
    QVERIFY(QString::fromStdString(io::loadImage(m_dir.filePath(QStringLiteral("missing.png")).toStdString()).error)
                .contains(QStringLiteral("missing or unreadable")));
    QVERIFY(QString::fromStdString(io::loadImage(write(QStringLiteral("empty.png"), std::string()).toStdString()).error).contains(QStringLiteral("empty")));
  }

  void everyOrientationMatchesTheWindow_data() {
    QTest::addColumn<int>("orientation");
    for (int o = 1; o <= 8; ++o) QTest::newRow(qPrintable(QString::number(o))) << o;
  }
  void everyOrientationMatchesTheWindow() {
    QFETCH(int, orientation);
    const cv::Mat stored = asymmetric(40, 24);
    const std::string jpeg = test::jpegWithOrientation(stored, orientation);
    const auto header = io::readImageHeader(reinterpret_cast<const uint8_t*>(jpeg.data()), jpeg.size());
    QVERIFY(header);
    QCOMPARE(header->orientation, orientation);
    const QString path = write(QStringLiteral("o%1.jpg").arg(orientation), jpeg);
    const io::LoadedImage ours = io::loadImage(path.toStdString());
    QVERIFY2(ours.error.empty(), ours.error.c_str());
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage window = reader.read().convertToFormat(QImage::Format_RGB888);
    QCOMPARE(ours.pixels.cols, window.width());
    QCOMPARE(ours.pixels.rows, window.height());
    QCOMPARE(int64_t(ours.pixels.cols), header->orientedWidth());
    double difference = 0;
    for (int y = 0; y < window.height(); ++y)
      for (int x = 0; x < window.width(); ++x) {
        const cv::Vec3b bgr = ours.pixels.at<cv::Vec3b>(y, x);
        const QRgb rgb = window.pixel(x, y);
        difference += std::abs(bgr[2] - qRed(rgb)) + std::abs(bgr[1] - qGreen(rgb)) + std::abs(bgr[0] - qBlue(rgb));
      }
    difference /= 3.0 * window.width() * window.height();
    QVERIFY2(difference < 4.0, qPrintable(QStringLiteral("mean difference %1").arg(difference)));  // the same JPEG decode
  }
};

QTEST_GUILESS_MAIN(TestImageLoader)
#include "tst_image_loader.moc"
