// Crash safety: a writer process editing a project is killed with SIGKILL at random moments,
// many times over. Every time, the project file must load and, with its journal replayed,
// contain every edit the writer had reported as done.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <ctime>
#include <random>

#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"

using namespace sam3;

class TestCrashRecovery : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void killedWriterNeverLosesReportedEdits() {
    const QString writer = QCoreApplication::applicationDirPath() + QStringLiteral("/project_writer");
    QVERIFY2(QFile::exists(writer), qPrintable(writer));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("crash.sam3proj"));
    {
      annotation::Project base;
      base.putCategory({0, "thing", {1, 2, 3}, ""});
      base.putImage({0, "img.png", 64, 48, "", annotation::ImageStatus::New});
      io::saveProject(base, path.toStdString());
    }
    std::mt19937 rng(77);
    int64_t highestReported = 0;
    for (int iteration = 0; iteration < 40; ++iteration) {
      QProcess process;
      process.start(writer, {path, QString::number(iteration)});
      QVERIFY(process.waitForStarted());
      QVERIFY(process.waitForReadyRead(30000));  // editing has started (start-up loads LibTorch)
      QTest::qWait(int(rng() % 60));
      ::kill(pid_t(process.processId()), SIGKILL);
      QVERIFY(process.waitForFinished(10000));
      const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
      for (const QByteArray& line : lines) {
        if (line.startsWith("added ")) highestReported = std::max<int64_t>(highestReported, line.mid(6).toLongLong());
      }
      annotation::Project recovered;
      try {
        recovered = io::loadProject(path.toStdString());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("iteration %1: project unreadable: %2").arg(iteration).arg(QString::fromUtf8(e.what()))));
      }
      const auto replay = io::ProjectJournal::replay(io::ProjectJournal::pathFor(path.toStdString()), recovered);
      QVERIFY2(replay.problems.empty(), replay.problems.empty() ? "" : replay.problems.front().c_str());
      for (int64_t id = 1; id <= highestReported; ++id) {
        QVERIFY2(recovered.object(id), qPrintable(QStringLiteral("iteration %1: edit %2 lost").arg(iteration).arg(id)));
      }
    }
    QVERIFY(highestReported > 40);  // the writer really worked between kills
  }

  void aJournalIsSummarizedAndSetAsideNotDeleted() {
    // The recovery question counts whole entries (a line cut off by a crash is none); a declined
    // journal becomes a dated backup beside it, and backups older than a week are removed.
    QTemporaryDir dir;
    const std::string journal = dir.filePath(QStringLiteral("p.sam3proj.journal")).toStdString();
    {
      io::ProjectJournal j(journal);
      annotation::Category c;
      c.id = 1;
      c.name = "cat";
      j.putCategory(c);
      j.removeObject(4);
      j.removeImage(2);
    }
    {
      QFile file(QString::fromStdString(journal));
      QVERIFY(file.open(QIODevice::Append));
      file.write("{\"op\": \"put_obj");  // torn by a crash
    }
    const io::ProjectJournal::Summary summary = io::ProjectJournal::summarize(journal);
    QCOMPARE(summary.entries, size_t(3));
    QVERIFY(std::abs(summary.lastWritten - std::time(nullptr)) < 60);
    QCOMPARE(io::ProjectJournal::summarize(journal + ".missing").entries, size_t(0));

    const std::string old = journal + ".discarded-20200101-000000";
    QVERIFY(QFile(QString::fromStdString(old)).open(QIODevice::WriteOnly));
    const std::time_t eightDaysAgo = std::time(nullptr) - 8 * 24 * 3600;
    const struct timespec times[2] = {{eightDaysAgo, 0}, {eightDaysAgo, 0}};
    QCOMPARE(::utimensat(AT_FDCWD, old.c_str(), times, 0), 0);
    const std::time_t now = std::time(nullptr);
    const std::string backup = io::ProjectJournal::setAside(journal, now);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    QCOMPARE(backup, journal + ".discarded-" + stamp);
    QVERIFY(!QFile::exists(QString::fromStdString(journal)));
    QCOMPARE(io::ProjectJournal::summarize(backup).entries, size_t(3));  // every entry kept
    QVERIFY(!QFile::exists(QString::fromStdString(old)));                // past its week
    QCOMPARE(io::ProjectJournal::setAside(journal, now), std::string());  // nothing left to keep
    QVERIFY(QFile::exists(QString::fromStdString(backup)));              // within its week
  }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
