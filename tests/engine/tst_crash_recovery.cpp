// Crash safety: a writer process editing a project is killed with SIGKILL at random moments,
// many times over. Every time, the project file must load and, with its journal replayed,
// contain every edit the writer had reported as done.

#include <signal.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
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
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
