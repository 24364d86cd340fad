// The export workflow both front ends call (engine/workflow/ProjectExport): every format by its
// id writes what it says, progress reaches the total, a cancel keeps what was written and says
// so, and a target that cannot be written is an I/O status naming it, not an exception.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/workflow/ProjectExport.h"
#include "support/SampleProject.h"

using namespace sam3;

class TestProjectExport : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyFormatHasAUniqueIdThatReadsBack() {
    QStringList ids;
    for (const workflow::ExportFormatInfo& f : workflow::exportFormats()) {
      QCOMPARE(workflow::exportFormatById(f.id), std::optional<workflow::ExportFormat>(f.format));
      QCOMPARE(workflow::exportFormatInfo(f.format).id, f.id);
      ids << QString::fromLatin1(f.id);
    }
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size());
    QCOMPARE(workflow::exportFormatById("coco-rle"), std::optional<workflow::ExportFormat>());
    QVERIFY(QString::fromStdString(workflow::exportFormatIds("|")).startsWith(QStringLiteral("coco|coco-polygons|")));
  }

  void everyFormatWritesAndReportsProgressToTheEnd() {
    const annotation::Project project = test::makeSampleProject();
    QTemporaryDir dir;
    for (const workflow::ExportFormatInfo& f : workflow::exportFormats()) {
      workflow::ExportRequest request;
      request.format = f.format;
      request.target = dir.filePath(QString::fromLatin1(f.id) + (f.writesFile ? QStringLiteral(".json") : QString())).toStdString();
      request.projectFolder = dir.path().toStdString();
      size_t lastDone = 0, lastTotal = 0;
      const workflow::ExportOutcome outcome = workflow::exportProject(project, request, [&](size_t done, size_t total) {
        lastDone = done;
        lastTotal = total;
      });
      QVERIFY2(outcome.status.ok(), outcome.status.message.c_str());
      QVERIFY2(outcome.written > 0, f.id);
      QVERIFY2(QFileInfo::exists(QString::fromStdString(request.target)), f.id);
      QVERIFY2(outcome.summary.find(request.target) != std::string::npos, outcome.summary.c_str());
      if (f.format != workflow::ExportFormat::CocoResults) QVERIFY2(lastTotal > 0 && lastDone == lastTotal, f.id);
    }
  }

  void aCancelKeepsWhatWasWrittenAndSaysSo() {
    const annotation::Project project = test::makeSampleProject();
    QVERIFY(project.images().size() >= 2);
    QTemporaryDir dir;
    workflow::ExportRequest request;
    request.format = workflow::ExportFormat::InstancePngs;
    request.target = dir.filePath(QStringLiteral("instances")).toStdString();
    segment::CancelToken cancel;
    const workflow::ExportOutcome outcome =
        workflow::exportProject(project, request, [&](size_t done, size_t) { if (done == 1) cancel.cancel(); }, cancel);
    QCOMPARE(outcome.status.code, segment::StatusCode::Cancelled);
    QCOMPARE(outcome.written, size_t(1));  // the first image's PNG stays
    QCOMPARE(QDir(QString::fromStdString(request.target)).entryList({QStringLiteral("*.png")}).size(), 1);
    QVERIFY(outcome.summary.find("cancelled") != std::string::npos);
  }

  void aTargetThatCannotBeWrittenIsAnIoStatus() {
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    workflow::ExportRequest request;
    request.format = workflow::ExportFormat::Coco;
    request.target = dir.filePath(QStringLiteral("file/inside.json")).toStdString();  // a file is in the way
    const workflow::ExportOutcome outcome = workflow::exportProject(test::makeSampleProject(), request);
    QCOMPARE(outcome.status.code, segment::StatusCode::Io);
    QVERIFY2(outcome.status.message.find("inside.json") != std::string::npos, outcome.status.message.c_str());
  }
};

QTEST_MAIN(TestProjectExport)
#include "tst_project_export.moc"
