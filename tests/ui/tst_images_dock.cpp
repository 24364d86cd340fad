// The Images dock's thumbnails: they arrive from the background loader, and a list replaced or
// a dock destroyed while the loader still decodes is safe - the loader once read the dock's
// generation counter (a plain integer the GUI thread changes) through a QPointer on a pool
// thread. This suite is also built under ThreadSanitizer (tools/tsan.sh), where that read was
// reported as a data race.

#include <QIcon>
#include <QImage>
#include <QListWidget>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>
#include <memory>

#include "GuiHarness.h"
#include "ui/docks/ImagesDock.h"

using namespace sam3;

class TestImagesDock : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void thumbnailsArriveForEveryImage() {
    QTemporaryDir dir;
    const QStringList paths = test::writeFolder(dir.path(), 4);
    ui::ImagesDock dock;
    dock.setImages(paths);
    QCOMPARE(dock.list()->count(), 4);
    for (int i = 0; i < 4; ++i) QTRY_VERIFY(!dock.list()->item(i)->icon().isNull());
  }

  void replacingTheListOrClosingTheDockWhileThumbnailsLoadIsSafe() {
    QTemporaryDir dir;
    const QStringList paths = test::writeFolder(dir.path(), 40);
    for (int round = 0; round < 10; ++round) {
      auto dock = std::make_unique<ui::ImagesDock>();
      dock->setImages(paths);
      QTest::qWait(round);  // the loader is somewhere in the list
      dock->setImages(paths.mid(0, 3));  // a new list: the old loader stops
      if (round % 2) dock.reset();  // or the dock goes while the loader runs
      QTest::qWait(1);
      if (dock) {
        for (int i = 0; i < 3; ++i) QTRY_VERIFY(!dock->list()->item(i)->icon().isNull());
        QCOMPARE(dock->list()->count(), 3);  // nothing of the old list arrived
      }
    }
    QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
    QCoreApplication::processEvents();  // thumbnails posted for destroyed docks land nowhere
  }
};

QTEST_MAIN(TestImagesDock)
#include "tst_images_dock.moc"
