// One oriented image everywhere: JPEGs with each of the eight EXIF orientations, stored so
// that all of them show the same picture (a disc at 70,60 of a 320 x 200 frame), go through the
// window (classic engine: a box → mask), a folder batch (exemplar search), the COCO export of
// the project and the CLI's `segment`; every path must give the same mask (IoU ≥ 0.8 with the
// window's mask of the unrotated image: JPEG's 8 × 8 blocks and chroma subsampling fall
// differently on each rotation, measured 0.88 at worst; a wrong orientation gives ~0) in the same
// 320 x 200 frame, around the disc.

#include <QProcess>
#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "GuiHarness.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/mask/Rle.h"
#include "support/SyntheticImage.h"
#include "ui/dialogs/ReviewGallery.h"
#include "ui/controllers/BatchController.h"
#include "ui/controllers/FolderController.h"

using namespace sam3;
using namespace sam3::test;

namespace {

constexpr int kWidth = 320, kHeight = 200;
const QPointF kDisc(70, 60);
constexpr int kBoxHalf = 30;  // the box prompt around the disc (radius 24)

cv::Mat shownPicture() {
  cv::Mat image(kHeight, kWidth, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::circle(image, cv::Point(int(kDisc.x()), int(kDisc.y())), 24, cv::Scalar(40, 120, 220), cv::FILLED);
  cv::rectangle(image, cv::Rect(240, 140, 40, 30), cv::Scalar(200, 60, 30), cv::FILLED);  // no symmetry
  return image;
}

// The pixels to store so that a viewer applying `orientation` shows `shown` (the inverse of
// EXIF's stored → shown transform).
cv::Mat storedFor(const cv::Mat& shown, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(shown, out, 1); break;
    case 3: cv::rotate(shown, out, cv::ROTATE_180); break;
    case 4: cv::flip(shown, out, 0); break;
    case 5: cv::transpose(shown, out); break;
    case 6: cv::rotate(shown, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    case 7: cv::rotate(shown, out, cv::ROTATE_180); cv::transpose(out, out); break;
    case 8: cv::rotate(shown, out, cv::ROTATE_90_CLOCKWISE); break;
    default: out = shown.clone();
  }
  return out;
}

QPointF centroid(const mask::BinaryMask& m) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < m.height(); ++y)
    for (int x = 0; x < m.width(); ++x)
      if (m.at(y, x)) sx += x, sy += y, ++n;
  return n ? QPointF(sx / n, sy / n) : QPointF(-1, -1);
}

bool near(QPointF a, QPointF b) { return std::abs(a.x() - b.x()) <= 6 && std::abs(a.y() - b.y()) <= 6; }

double iou(const mask::BinaryMask& a, const mask::BinaryMask& b) {
  if (a.height() != b.height() || a.width() != b.width()) return 0;
  int64_t both = 0, either = 0;
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < a.width(); ++x) both += a.at(y, x) && b.at(y, x), either += a.at(y, x) || b.at(y, x);
  return either ? double(both) / double(either) : 0;
}

mask::Rle hitsOfFirst(const QSignalSpy& imageDone) {
  return qvariant_cast<std::vector<ui::BatchHit>>(imageDone.first().at(2)).front().mask;
}

}  // namespace

class TestOrientations : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QStringList m_images;
  mask::BinaryMask m_reference;  // the window's mask of o1.jpg

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    for (int o = 1; o <= 8; ++o) {
      const QString path = m_dir.filePath(QStringLiteral("o%1.jpg").arg(o));
      io::writeFileAtomically(path.toStdString(), jpegWithOrientation(storedFor(shownPicture(), o), o));
      m_images << path;
    }
  }

  void windowBatchAndCocoExportAgree() {
    MainWindow w;  // the classic engine: masks follow the pixels
    w.resize(1000, 700);
    QVERIFY(test::showActive(w));
    QVERIFY(w.openFolder(m_dir.path()));
    for (int i = 0; i < 8; ++i) {
      QVERIFY(w.folders()->showImageAt(i));
      QTRY_COMPARE(w.currentImagePath(), m_images[i]);
      QCOMPARE(w.canvas()->image().size(), QSize(kWidth, kHeight));
      QSignalSpy ready(w.engineService(), &ui::EngineService::predictionReady);
      w.selectTool(ui::ToolKind::Box);
      drag(w, kDisc - QPointF(kBoxHalf, kBoxHalf), kDisc + QPointF(kBoxHalf, kBoxHalf));
      QVERIFY(ready.wait(20000));
      const mask::BinaryMask& live = w.session()->liveMask();
      const QPointF c = centroid(live);
      if (i == 0) m_reference = live;
      QVERIFY2(near(c, kDisc) && iou(live, m_reference) >= 0.8,
               qPrintable(QStringLiteral("%1: mask of %2 pixels centred at %3,%4, IoU %5 with o1's")
                              .arg(m_images[i]).arg(live.area()).arg(c.x()).arg(c.y()).arg(iou(live, m_reference))));
      test::press(Qt::Key_Return);
    }
    const annotation::Project& project = w.document()->project();
    QCOMPARE(project.objects().size(), size_t(8));
    // COCO: every image 320 x 200, every box around the disc.
    const nlohmann::json coco = io::exportCoco(project).coco;
    for (const auto& image : coco["images"]) {
      QCOMPARE(image["width"].get<int>(), kWidth);
      QCOMPARE(image["height"].get<int>(), kHeight);
    }
    for (const auto& a : coco["annotations"]) {
      const auto box = a["bbox"].get<std::array<double, 4>>();
      QVERIFY2(near(QPointF(box[0] + box[2] / 2, box[1] + box[3] / 2), kDisc), qPrintable(QString::fromStdString(a.dump())));
    }
    // A folder batch with the disc of the first image as the exemplar finds it at the same
    // place in every orientation.
    QVERIFY(w.folders()->showImageAt(0));
    test::press(Qt::Key_F);
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    drag(w, kDisc - QPointF(26, 26), kDisc + QPointF(26, 26));
    QVERIFY(found.wait(20000));
    QSignalSpy imageDone(w.engineService(), &ui::EngineService::batchImageDone);
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    QVERIFY(w.batch()->labelFolderWithExemplars());
    QVERIFY(finished.wait(60000));
    QCOMPARE(imageDone.size(), 8);
    for (const auto& done : imageDone) {
      const auto hits = qvariant_cast<std::vector<ui::BatchHit>>(done.at(2));
      QVERIFY2(!hits.empty(), qPrintable(done.at(0).toString()));
      const ui::BatchHit& best = hits.front();
      QCOMPARE(best.mask.width, kWidth);
      QCOMPARE(best.mask.height, kHeight);
      QVERIFY2(near(centroid(mask::decode(best.mask)), kDisc), qPrintable(done.at(0).toString()));
      QVERIFY2(iou(mask::decode(best.mask), mask::decode(hitsOfFirst(imageDone))) >= 0.8, qPrintable(done.at(0).toString()));
    }
    QTRY_VERIFY(w.batch()->reviewGallery());
    w.batch()->reviewGallery()->reject();
  }

  void theCommandLineAgrees() {
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    for (const QString& image : m_images) {
      const QString out = m_dir.filePath(QStringLiteral("mask.png"));
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(app, {QStringLiteral("segment"), QStringLiteral("--image"), image, QStringLiteral("--box"),
                          QStringLiteral("%1,%2,%3,%4")
                              .arg(kDisc.x() - kBoxHalf)
                              .arg(kDisc.y() - kBoxHalf)
                              .arg(kDisc.x() + kBoxHalf)
                              .arg(kDisc.y() + kBoxHalf),
                          QStringLiteral("--out"), out});
      QVERIFY(process.waitForFinished(60000));
      QVERIFY2(process.exitCode() == 0, process.readAll().constData());
      const cv::Mat m = cv::imread(out.toStdString(), cv::IMREAD_GRAYSCALE);
      QCOMPARE(m.cols, kWidth);
      QCOMPARE(m.rows, kHeight);
      const mask::BinaryMask cli(kHeight, kWidth, std::vector<uint8_t>(m.data, m.data + m.total()));
      QVERIFY2(near(centroid(cli), kDisc) && (m_reference.empty() || iou(cli, m_reference) >= 0.8), qPrintable(image));
    }
  }
};

QTEST_MAIN(TestOrientations)
#include "tst_orientations.moc"
