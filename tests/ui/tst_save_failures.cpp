// Saving under failure, through the real system calls: a full disk, a torn write, a read-only
// file system (the FaultShim LD_PRELOAD library, since the tests run as root and cannot mount) and
// a project folder removed while open. Every save reports the error naming the cause, the
// previous project file and the journal stay as they were, the document stays dirty, the status
// is a visible storage problem, and once the disk is back (or Save As goes elsewhere) every edit
// is on disk.

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <dlfcn.h>

#include "engine/io/AtomicFile.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"
#include "engine/mask/Rle.h"
#include "ui/document/Document.h"

using namespace sam3;
using ui::Document;

namespace {

struct Fault {  // switches the shim for one folder while in scope
  Fault(const QString& dir, const char* mode) {
    qputenv("SAM3_FAULT_DIR", dir.toUtf8());
    qputenv("SAM3_FAULT", mode);
  }
  ~Fault() { qputenv("SAM3_FAULT", "none"); }
};

std::string bytesOf(const QString& path) { return QFileInfo::exists(path) ? io::readWholeFile(path.toStdString()) : std::string("<missing>"); }

// Adds one square object (an undo step, journaled) to the document's only image.
void addSquare(Document& document, int offset) {
  const int image = document.imageFor(QStringLiteral("/images/a.png"), 64, 48);
  mask::BinaryMask m(48, 64);
  for (int y = 4; y < 14; ++y)
    for (int x = offset; x < offset + 10; ++x) m.set(y, x, true);
  document.addObjects({{image, mask::encode(m), 1.0, "manual", {}}}, 0);
}

QStringList leftovers(const QString& dir) {  // temporary files of failed atomic saves
  return QDir(dir).entryList({QStringLiteral("*.tmp-*")}, QDir::Files | QDir::Hidden);
}

}  // namespace

class TestSaveFailures : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    if (!dlsym(RTLD_DEFAULT, "sam3_fault_shim_loaded")) QFAIL("the fault shim is not preloaded (run through ctest)");
  }

  void fullDiskKeepsTheOldFileWhole() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.sam3proj"));
    io::writeFileAtomically(path.toStdString(), "old contents");
    Fault full(dir.path(), "enospc");
    try {
      io::writeFileAtomically(path.toStdString(), std::string(100000, 'x'));
      QFAIL("a save onto a full disk succeeded");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("No space left on device")), e.what());
    }
    QCOMPARE(bytesOf(path), std::string("old contents"));
    QVERIFY(leftovers(dir.path()).isEmpty());
  }

  void aTornJournalEntryIsCutOff() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("p.sam3proj.journal")).toStdString();
    io::ProjectJournal journal(path);
    journal.removeObject(1);
    journal.removeObject(2);
    const std::string before = io::readWholeFile(path);
    {
      Fault torn(dir.path(), "enospc-partial");
      QVERIFY_THROWS_EXCEPTION(std::runtime_error, journal.removeObject(3));
    }
    QCOMPARE(io::readWholeFile(path), before);  // half an entry would swallow the next one on replay
  }

  void fullDiskWhileEditing() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.sam3proj"));
    Document document;
    QSignalSpy problems(&document, &Document::storageProblemChanged);
    QString error;
    QVERIFY2(document.saveAs(path, &error), qPrintable(error));
    addSquare(document, 0);
    QVERIFY2(document.save(&error), qPrintable(error));
    addSquare(document, 12);  // journaled
    const std::string savedFile = bytesOf(path), journalBefore = bytesOf(path + QStringLiteral(".journal"));
    {
      Fault full(dir.path(), "enospc-partial");
      addSquare(document, 24);  // the journal entry is torn by the full disk
      QVERIFY(!document.storageProblem().isEmpty());
      QVERIFY2(document.storageProblem().contains(QStringLiteral("No space left on device")), qPrintable(document.storageProblem()));
      QVERIFY(!problems.isEmpty());
      qputenv("SAM3_FAULT", "enospc");
      QVERIFY(!document.save(&error));
      QVERIFY2(error.contains(QStringLiteral("No space left on device")) && error.contains(path), qPrintable(error));
      addSquare(document, 36);  // still works in memory
      QVERIFY(document.isDirty());
      QCOMPARE(bytesOf(path), savedFile);
      QCOMPARE(bytesOf(path + QStringLiteral(".journal")), journalBefore);
      QVERIFY(leftovers(dir.path()).isEmpty());
    }
    // Space is back: the retry saves everything and the problem goes away by itself.
    QTRY_VERIFY_WITH_TIMEOUT(document.storageProblem().isEmpty(), 15000);
    QVERIFY(!document.isDirty());
    QCOMPARE(io::loadProject(path.toStdString()).objects().size(), size_t(4));
    QVERIFY(!io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(path.toStdString())));
    addSquare(document, 48);  // and journaling goes on
    QVERIFY(io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(path.toStdString())));
  }

  void readOnlyFolder() {
    QTemporaryDir dir, elsewhere;
    const QString path = dir.filePath(QStringLiteral("p.sam3proj"));
    Document document;
    QString error;
    QVERIFY(document.saveAs(path, &error));
    addSquare(document, 0);
    const std::string savedFile = bytesOf(path), journalBefore = bytesOf(path + QStringLiteral(".journal"));
    {
      Fault readOnly(dir.path(), "erofs");
      addSquare(document, 12);
      QVERIFY2(document.storageProblem().contains(QStringLiteral("Read-only file system")), qPrintable(document.storageProblem()));
      QVERIFY(!document.save(&error));
      QVERIFY2(error.contains(QStringLiteral("Read-only file system")), qPrintable(error));
      QVERIFY(!document.saveAs(dir.filePath(QStringLiteral("other.sam3proj")), &error));  // nor beside it
      QCOMPARE(document.projectPath(), path);
      QCOMPARE(bytesOf(path), savedFile);
      QCOMPARE(bytesOf(path + QStringLiteral(".journal")), journalBefore);
      // Save As somewhere writable keeps everything.
      const QString moved = elsewhere.filePath(QStringLiteral("p.sam3proj"));
      QVERIFY2(document.saveAs(moved, &error), qPrintable(error));
      QVERIFY(document.storageProblem().isEmpty());
      QCOMPARE(io::loadProject(moved.toStdString()).objects().size(), size_t(2));
    }
  }

  void saveAsOntoAReadOnlyFolderKeepsTheOpenProjectWorking() {
    QTemporaryDir dir, readOnlyDir;
    const QString path = dir.filePath(QStringLiteral("p.sam3proj"));
    Document document;
    QString error;
    QVERIFY(document.saveAs(path, &error));
    addSquare(document, 0);
    Fault readOnly(readOnlyDir.path(), "erofs");
    QVERIFY(!document.saveAs(readOnlyDir.filePath(QStringLiteral("q.sam3proj")), &error));
    QVERIFY2(error.contains(QStringLiteral("writable")), qPrintable(error));  // the lock beside it is the first write
    QVERIFY(!QFileInfo::exists(readOnlyDir.filePath(QStringLiteral("q.sam3proj"))));
    QCOMPARE(document.projectPath(), path);
    const std::string journalBefore = bytesOf(path + QStringLiteral(".journal"));
    addSquare(document, 12);
    QVERIFY(bytesOf(path + QStringLiteral(".journal")).size() > journalBefore.size());  // still journaling
    QVERIFY(document.storageProblem().isEmpty());
    Document other;  // and still locked
    QVERIFY(!other.open(path, {}, &error));
  }

  void projectFolderRemovedWhileOpen() {
    QTemporaryDir parent, elsewhere;
    const QString folder = parent.filePath(QStringLiteral("work"));
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + QStringLiteral("/p.sam3proj");
    Document document;
    QString error;
    QVERIFY(document.saveAs(path, &error));
    addSquare(document, 0);
    QVERIFY(QDir(folder).removeRecursively());
    addSquare(document, 12);  // written to a journal nobody can read any more
    QTRY_VERIFY_WITH_TIMEOUT(!document.storageProblem().isEmpty(), 5000);  // noticed within a sync tick
    QVERIFY2(document.storageProblem().contains(QStringLiteral("was deleted")), qPrintable(document.storageProblem()));
    QVERIFY(!document.save(&error));
    QVERIFY2(error.contains(folder), qPrintable(error));
    QVERIFY(document.isDirty());
    const QString moved = elsewhere.filePath(QStringLiteral("rescued.sam3proj"));
    QVERIFY2(document.saveAs(moved, &error), qPrintable(error));
    QCOMPARE(io::loadProject(moved.toStdString()).objects().size(), size_t(2));
    QVERIFY(document.storageProblem().isEmpty());
  }
};

QTEST_MAIN(TestSaveFailures)
#include "tst_save_failures.moc"
