// Two instances, one project: the project's lock (ProjectLock, in Document) refuses a second
// open or save-as onto a project another instance holds, naming the process; a lock left by a
// process that died is taken over; a failed open or save-as keeps the lock of the project that
// stays open; switching projects releases the old lock.

#include <QFile>
#include <QLockFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/io/AtomicFile.h"
#include "ui/document/Document.h"

using namespace sam3;
using ui::Document;

class TestProjectLock : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;

  QString path(const char* name) { return m_dir.filePath(QString::fromLatin1(name)); }

 private Q_SLOTS:
  void secondInstanceIsRefusedClearly() {
    Document first;
    QString error;
    QVERIFY2(first.saveAs(path("p.sam3proj"), &error), qPrintable(error));
    QVERIFY(QFile::exists(path("p.sam3proj.lock")));
    const QByteArray saved = io::readWholeFile(path("p.sam3proj").toStdString()).c_str();

    Document second;
    second.addCategory(QStringLiteral("theirs"), {1, 2, 3});
    QVERIFY(!second.open(path("p.sam3proj"), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("is open in another SAM3 Annotate")) &&
                 error.contains(QStringLiteral("process %1").arg(QCoreApplication::applicationPid())),
             qPrintable(error));
    QVERIFY(!second.saveAs(path("p.sam3proj"), &error));  // nor written over
    QCOMPARE(QByteArray(io::readWholeFile(path("p.sam3proj").toStdString()).c_str()), saved);

    QVERIFY(first.saveAs(path("q.sam3proj"), &error));  // the first moves on: p is free
    QVERIFY(!QFile::exists(path("p.sam3proj.lock")));
    QVERIFY2(second.open(path("p.sam3proj"), {}, &error), qPrintable(error));
    QVERIFY(!first.open(path("p.sam3proj"), {}, &error));  // and now the second holds it
  }

  void failedOpenKeepsTheOpenProjectLocked() {
    Document first;
    QString error;
    QVERIFY(first.saveAs(path("r.sam3proj"), &error));
    io::writeFileAtomically(path("broken.sam3proj").toStdString(), "{ not json");
    QVERIFY(!first.open(path("broken.sam3proj"), {}, &error));
    QCOMPARE(first.projectPath(), path("r.sam3proj"));
    Document second;
    QVERIFY(!second.open(path("r.sam3proj"), {}, &error));  // still held by the first
    QVERIFY(!QFile::exists(path("broken.sam3proj.lock")));
  }

  void lockOfADeadProcessIsTakenOver() {
    {
      Document writer;
      QString error;
      QVERIFY(writer.saveAs(path("s.sam3proj"), &error));
    }
    // A child process takes the lock and dies without letting it go, as a killed app would.
    const pid_t child = fork();
    if (child == 0) {
      QLockFile lock(path("s.sam3proj.lock"));
      _exit(lock.tryLock(0) ? 0 : 1);  // _exit: no destructor removes the file
    }
    int status = 0;
    QCOMPARE(waitpid(child, &status, 0), child);
    QCOMPARE(WEXITSTATUS(status), 0);
    QVERIFY(QFile::exists(path("s.sam3proj.lock")));
    Document next;
    QString error;
    QVERIFY2(next.open(path("s.sam3proj"), {}, &error), qPrintable(error));
  }
};

QTEST_MAIN(TestProjectLock)
#include "tst_project_lock.moc"
