// The main window opens the bundled sample like `sam3-annotate --sample 0` does, and really
// renders it: the offscreen grab shows the image's pixels, not a blank widget.

#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "support/TestSupport.h"
#include "ui/support/AppLogging.h"
#include "ui/MainWindow.h"
#include "ui/controllers/BatchController.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ProjectController.h"
#include "ui/session/LabelSession.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/docks/ImagesDock.h"

using sam3::ui::ImageCanvas;
using sam3::ui::MainWindow;

class TestMainWindow : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() { QSettings().clear(); }

  void showsSampleImage() {
    MainWindow window;
    QVERIFY(window.openSample(0));
    window.resize(1100, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::processEvents();

    const QImage shot = window.grab().toImage();
    const QString path = sam3::test::outputDir() + QStringLiteral("/mainwindow_sample.png");
    QVERIFY2(shot.save(path), qPrintable(path));

    // Compare canvas pixels with the source image at object centres (red disc, blue ring,
    // orange disc, background). Smooth downscaling allows a small colour difference.
    ImageCanvas* canvas = window.canvas();
    const QImage source = canvas->image();
    const QImage canvasShot = canvas->grab().toImage();
    QVERIFY(canvas->zoom() > 0.3 && canvas->zoom() < 1.5);
    const QList<QPoint> probes = {{800, 430}, {260, 420}, {160, 200}, {60, 700}, {640, 560}};
    for (const QPoint& p : probes) {
      const QPointF w = canvas->mapFromImage(QPointF(p) + QPointF(0.5, 0.5));
      const QColor expected = source.pixelColor(p);
      const QColor actual = canvasShot.pixelColor(w.toPoint());
      const int diff = qAbs(expected.red() - actual.red()) + qAbs(expected.green() - actual.green()) +
                       qAbs(expected.blue() - actual.blue());
      QVERIFY2(diff < 60, qPrintable(QStringLiteral("pixel (%1,%2): expected %3, canvas shows %4")
                                         .arg(p.x()).arg(p.y()).arg(expected.name(), actual.name())));
    }
    // Not blank: many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < canvasShot.height(); y += 7)
      for (int x = 0; x < canvasShot.width(); x += 7) colours.insert(canvasShot.pixel(x, y));
    QVERIFY(colours.size() > 500);
  }

  void aSingleImageIsListedAndTheStatusBarIsNeverClipped() {
    MainWindow window;
    QVERIFY(window.openSample(0));
    window.resize(1100, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // The Images dock lists the one image shown (it was empty for a single image).
    auto* list = window.imagesDock()->findChild<QListWidget*>();
    QVERIFY(list);
    QCOMPARE(list->count(), 1);
    window.resize(640, 600);  // narrow: the status bar has less room than its texts want
    // A long temporary message and a latency text: every permanent label keeps its whole text.
    window.statusBar()->showMessage(QString(300, QLatin1Char('x')));
    auto* latency = window.statusBar()->findChild<QLabel*>(QStringLiteral("latencyLabel"));
    QVERIFY(latency);
    latency->setText(QStringLiteral("image ready in 1234 ms"));
    QCoreApplication::processEvents();
    QTRY_VERIFY(latency->width() >= latency->sizeHint().width());
    for (QLabel* label : window.statusBar()->findChildren<QLabel*>()) {
      if (label->isVisible() && !label->text().isEmpty() && label->objectName() != QLatin1String("qt_statusbar_message")) {
        QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable(label->text()));
      }
    }
  }

  void noTwoActionsShareAShortcut() {
    // An ambiguous shortcut fires neither action (Tools ▸ Models once took Split's Ctrl+Shift+M),
    // and one action holding the same sequence twice is ambiguous too: Redo had
    // QKeySequence::Redo and Ctrl+Shift+Z, which are one sequence on X11 (this suite runs on
    // the offscreen and the xcb platforms, whose standard keys differ).
    MainWindow window;
    QMap<QString, QAction*> owner;
    for (QAction* a : window.findChildren<QAction*>()) {
      for (const QKeySequence& key : a->shortcuts()) {
        const QString k = key.toString();
        if (k.isEmpty()) continue;  // a standard key this platform has none for (Save As, Quit)
        if (owner.contains(k)) QFAIL(qPrintable(QStringLiteral("%1 is both %2 and %3").arg(k, owner.value(k)->text(), a->text())));
        owner[k] = a;
      }
    }
    QVERIFY(owner.size() > 20);
    // The platform's own bindings of the standard keys the window uses are all there.
    for (const QKeySequence& key : QKeySequence::keyBindings(QKeySequence::Redo) + QKeySequence::keyBindings(QKeySequence::Undo)) {
      QVERIFY2(owner.contains(key.toString()), qPrintable(key.toString()));
    }
    QVERIFY(owner.contains(QStringLiteral("Ctrl+Y")) && owner.contains(QStringLiteral("Ctrl+Shift+Z")));
  }

  void rejectsCorruptImage() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x89PNG\r\n\x1a\n this is not really a png");
    file.close();
    MainWindow window;
    QVERIFY(window.openSample(1));
    QString error;
    QVERIFY(!window.openImage(path, &error));
    QVERIFY2(error.contains(QStringLiteral("broken.png")), qPrintable(error));
    QCOMPARE(window.currentImagePath(), QStringLiteral(":/images/sample_tiles.png"));  // kept
  }

  void zoomKeepsAnchorFixed() {
    MainWindow window;
    QVERIFY(window.openSample(0));
    window.resize(900, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ImageCanvas* canvas = window.canvas();
    QSignalSpy zoomSpy(canvas, &ImageCanvas::zoomChanged);
    const QPointF anchor(300, 200);
    const QPointF before = canvas->mapToImage(anchor);
    canvas->setZoom(canvas->zoom() * 3.0, anchor);
    QCOMPARE(zoomSpy.count(), 1);
    const QPointF after = canvas->mapToImage(anchor);
    QVERIFY(qAbs(before.x() - after.x()) < 1e-6 && qAbs(before.y() - after.y()) < 1e-6);
    canvas->zoomToActualSize();
    QCOMPARE(canvas->zoom(), 1.0);
    canvas->fitToWindow();
    QVERIFY(canvas->zoom() < 1.0);
  }

  void rotatesLogFiles() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("app.log"));
    for (int round = 0; round < 4; ++round) {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(QByteArray(200, char('a' + round)));
      f.close();
      sam3::ui::rotateLogFile(path, 100, 2);
    }
    QVERIFY(!QFile::exists(path));
    QVERIFY(QFile::exists(path + QStringLiteral(".1")));
    QVERIFY(QFile::exists(path + QStringLiteral(".2")));
    QVERIFY(!QFile::exists(path + QStringLiteral(".3")));
    QFile newest(path + QStringLiteral(".1"));
    QVERIFY(newest.open(QIODevice::ReadOnly));
    QCOMPARE(newest.read(1), QByteArray("d"));
  }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
