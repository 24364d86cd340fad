// The window with the classic engine on a real photograph (tests/data/real_photos): one click on
// the espresso cup of issue #18 gives the cup (not a 13-pixel patch), Tab walks the click's
// other readings and comes back, Enter keeps the one shown.

#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "GuiHarness.h"
#include "engine/mask/Rle.h"
#include "support/RealPhotoCases.h"
#include "support/TestSupport.h"

using namespace sam3;
using namespace sam3::test;
using namespace sam3::ui;

namespace {
cv::Mat asTruth(const mask::BinaryMask& m) {
  return cv::Mat(m.height(), m.width(), CV_8U, const_cast<uint8_t*>(m.data())) * 255;
}
}  // namespace

class TestRealPhotoWindow : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void oneClickOnTheCupThenTabAndEnter() {
    const auto cases = loadRealPhotoCases();
    const auto it = std::find_if(cases.begin(), cases.end(), [](const RealPhotoCase& c) { return c.label == "cup / click 300,200"; });
    QVERIFY(it != cases.end());
    MainWindow w;  // no engine factory: the classic engine
    w.resize(1000, 700);
    QVERIFY(test::showActive(w));
    QString error;
    QVERIFY2(w.openImage(QString::fromStdString(it->imageFile), &error), qPrintable(error));
    w.selectTool(ToolKind::Point);
    QSignalSpy ready(w.engineService(), &EngineService::predictionReady);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {300, 200}));
    QVERIFY(ready.wait(30000));
    const int count = w.session()->candidateCount();
    QVERIFY2(count >= 2, "a lone click offers more than one size");
    const mask::BinaryMask first = w.session()->liveMask();
    const double cup = maskIou(first, it->truth);
    qInfo("the cup: %lld pixels, IoU %.3f with the hand-made truth; %d candidates", static_cast<long long>(first.area()), cup, count);
    QVERIFY2(cup >= it->floors.at("classic"), qPrintable(QString::number(cup)));
    QCoreApplication::sendPostedEvents();  // the status bar lays its new text out by posted events
    QCoreApplication::processEvents();
    QVERIFY(w.grab().save(outputDir() + QStringLiteral("/real_photo_cup_click.png")));
    const QLabel* latency = w.findChild<QLabel*>(QStringLiteral("latencyLabel"));
    QVERIFY(latency && latency->text().contains(QStringLiteral("Tab: %1 candidates").arg(count)));
    QVERIFY2(latency->width() >= latency->sizeHint().width(), "the status bar shows the whole text");

    test::press(Qt::Key_Tab);
    QCOMPARE(w.session()->candidateIndex(), 1);
    QVERIFY(maskIou(w.session()->liveMask(), asTruth(first)) < 0.9);  // a different reading
    for (int i = 1; i < count; ++i) test::press(Qt::Key_Tab);
    QCOMPARE(w.session()->candidateIndex(), 0);
    QCOMPARE(maskIou(w.session()->liveMask(), asTruth(first)), 1.0);

    test::press(Qt::Key_Return);
    const annotation::Project& project = w.document()->project();
    QCOMPARE(project.objects().size(), size_t(1));
    QCOMPARE(mask::area(project.objects().begin()->second.mask), first.area());
  }
};

QTEST_MAIN(TestRealPhotoWindow)
#include "tst_real_photo_window.moc"
