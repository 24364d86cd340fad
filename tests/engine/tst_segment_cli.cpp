// The segment command line on the fixture bundle: `sam3-annotate segment` and the Qt-free
// `sam3-segment` (the same cli/ code): single prompts, the prompt file with its safetensors
// dumps, segment everything, the disk cache between runs, and every kind of bad input refused with its exit code.

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QFile>
#include <map>
#include <QRegularExpression>
#include <nlohmann/json.hpp>

#include "engine/io/ProjectFile.h"
#include "engine/mask/Rle.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoValidator.h"
#include "engine/weights/SafetensorsFile.h"
#include "support/SyntheticImage.h"
#include "support/TestSupport.h"

using namespace sam3;

namespace {
// Runs a program to its end; its merged output in `output`, its exit code returned.
int runProgram(const QString& program, const QStringList& args, QString& output, int timeoutMs = 120000) {
  QProcess process;
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.start(program, args);
  process.waitForFinished(timeoutMs);
  output = QString::fromUtf8(process.readAll());
  return process.exitCode();
}
}  // namespace

class TestSegmentCli : public QObject {
  Q_OBJECT

  QTemporaryDir m_work;
  QString m_bundle;

 private Q_SLOTS:
  void initTestCase() {
    if (!test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    m_bundle = m_work.filePath(QStringLiteral("fixture.sam3bundle"));
    const QString error = test::makeFixtureBundle(m_bundle, /*withVariants=*/false);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void segmentCommandLine() {
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    const QString image = m_work.filePath(QStringLiteral("cli.png"));
    QVERIFY(cv::imwrite(image.toStdString(), test::randomDiscs(240, 160, 30)));
    auto run = [&](const QStringList& args, QString& output) {
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(app, QStringList{QStringLiteral("segment"), QStringLiteral("--image")} + args);
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAll());
      return process.exitCode();
    };
    QString out;
    const QString mask = m_work.filePath(QStringLiteral("cli_mask.png"));
    QCOMPARE(run({image, QStringLiteral("--box"), QStringLiteral("20,20,120,120"), QStringLiteral("--out"), mask}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("predicted in")), qPrintable(out));
    QCOMPARE(cv::imread(mask.toStdString(), cv::IMREAD_GRAYSCALE).cols, 240);

    const QString cache = m_work.filePath(QStringLiteral("cli-cache"));
    const QStringList sam3{QStringLiteral("--bundle"), m_bundle, QStringLiteral("--cache"), cache};
    QCOMPARE(run(QStringList{image} + sam3 + QStringList{QStringLiteral("--point"), QStringLiteral("50,60,1"), QStringLiteral("--out"), mask}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("image encoded in")) && out.contains(QStringLiteral("3 candidate(s)")), qPrintable(out));
    QCOMPARE(run(QStringList{image} + sam3 + QStringList{QStringLiteral("--point"), QStringLiteral("50,60,1"), QStringLiteral("--out"), mask}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("from disk cache")), qPrintable(out));
    const QString instances = m_work.filePath(QStringLiteral("cli_instances.png"));
    QCOMPARE(run(QStringList{image} + sam3 + QStringList{QStringLiteral("--find-similar"), QStringLiteral("--box"), QStringLiteral("20,20,80,80"),
                                                         QStringLiteral("--threshold"), QStringLiteral("0"), QStringLiteral("--out"), instances}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("found 16 objects")), qPrintable(out));

    QCOMPARE(run({image, QStringLiteral("--bundle"), m_work.filePath(QStringLiteral("nowhere")), QStringLiteral("--point"),
                  QStringLiteral("5,5"), QStringLiteral("--out"), mask}, out), 1);
    QVERIFY(out.contains(QStringLiteral("cannot use the model bundle")));
    const QString corrupt = m_work.filePath(QStringLiteral("corrupt.png"));
    io::writeFileAtomically(corrupt.toStdString(), "\x89PNG broken");
    QCOMPARE(run({corrupt, QStringLiteral("--point"), QStringLiteral("5,5"), QStringLiteral("--out"), mask}, out), 1);
    QVERIFY(out.contains(QStringLiteral("cannot read the image")));
    QCOMPARE(run({image, QStringLiteral("--point"), QStringLiteral("5;5"), QStringLiteral("--out"), mask}, out), 2);
    QVERIFY(out.contains(QStringLiteral("--point needs")));
    QCOMPARE(run({image, QStringLiteral("--find-similar"), QStringLiteral("--box"), QStringLiteral("5,5,40,40"),
                  QStringLiteral("--threshold"), QStringLiteral("high"), QStringLiteral("--out"), mask}, out), 2);
    QVERIFY(out.contains(QStringLiteral("--threshold needs")));
  }

  // --everything on the fixture (a 4x4 grid, every filter open): an instance PNG whose labels
  // are the printed instances, one per pixel; the classic engine and bad options are refused.
  void launcherAnswersClassicSegmentAndHelpAlone() {
    // The launcher (no LibTorch) runs `segment` without a bundle and --help itself: a copy with
    // no application beside it still answers them, and says it cannot start the application for
    // the rest.
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    QTemporaryDir alone;
    const QString launcher = alone.filePath(QStringLiteral("sam3-annotate"));
    QVERIFY(QFile::copy(app, launcher));
    QVERIFY(QFile::setPermissions(launcher, QFile::permissions(app)));
    const QString image = alone.filePath(QStringLiteral("disc.png"));
    QVERIFY(cv::imwrite(image.toStdString(), test::discScene(320, 240)));
    auto run = [&](const QStringList& args, QString& output) { return runProgram(launcher, args, output, 60000); };
    QString out;
    const QString mask = alone.filePath(QStringLiteral("mask.png"));
    QCOMPARE(run({QStringLiteral("segment"), QStringLiteral("--image"), image, QStringLiteral("--point"), QStringLiteral("160,120,1"),
                  QStringLiteral("--out"), mask},
                 out),
             0);
    QVERIFY2(out.contains(QStringLiteral("engine classic ready")), qPrintable(out));
    const cv::Mat written = cv::imread(mask.toStdString(), cv::IMREAD_GRAYSCALE);
    QCOMPARE(written.cols, 320);
    QVERIFY2(cv::countNonZero(written) > 0.8 * CV_PI * 60 * 60, "the disc (radius 60) is found");
    QCOMPARE(run({QStringLiteral("--help")}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("--bundle <dir>")) && out.contains(QStringLiteral("--demo")), qPrintable(out));
    QCOMPARE(run({QStringLiteral("segment"), QStringLiteral("--image"), image, QStringLiteral("--bundle"), alone.path(),
                  QStringLiteral("--point"), QStringLiteral("1,1,1"), QStringLiteral("--out"), mask},
                 out),
             127);
    QVERIFY2(out.contains(QStringLiteral("cannot start")), qPrintable(out));
  }

  void segmentEverythingCommandLine() {
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    const QString image = m_work.filePath(QStringLiteral("everything.png"));
    QVERIFY(cv::imwrite(image.toStdString(), test::randomDiscs(240, 160, 31)));
    const QString labels = m_work.filePath(QStringLiteral("everything_labels.png"));
    auto run = [&](const QStringList& args, QString& output) {
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(app, QStringList{QStringLiteral("segment"), QStringLiteral("--image"), image, QStringLiteral("--out"), labels} + args);
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAll());
      return process.exitCode();
    };
    QString out;
    const QStringList open{QStringLiteral("--everything"), QStringLiteral("--grid"), QStringLiteral("4"), QStringLiteral("--min-iou"),
                           QStringLiteral("0"), QStringLiteral("--min-stability"), QStringLiteral("0")};
    QCOMPARE(run(QStringList{QStringLiteral("--bundle"), m_bundle, QStringLiteral("--cache"), m_work.filePath(QStringLiteral("ev-cache"))} + open, out), 0);
    QVERIFY2(out.contains(QStringLiteral("16 clicks at")), qPrintable(out));
    const QRegularExpressionMatch found = QRegularExpression(QStringLiteral("found (\\d+) objects")).match(out);
    QVERIFY2(found.hasMatch(), qPrintable(out));
    const int count = found.captured(1).toInt();
    QVERIFY(count >= 1 && count <= 48);
    const cv::Mat written = cv::imread(labels.toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(written.cols, 240);
    double maxLabel = 0;
    cv::minMaxLoc(written, nullptr, &maxLabel);
    QCOMPARE(int(maxLabel), count);  // the last instance kept pixels of its own: nothing was overwritten
    for (int i = 1; i <= count; ++i) {
      const QRegularExpressionMatch line =
          QRegularExpression(QStringLiteral("instance %1: score [0-9.]+, box [0-9.,]+, area (\\d+)").arg(i)).match(out);
      QVERIFY2(line.hasMatch(), qPrintable(out));
      QCOMPARE(cv::countNonZero(written == i), line.captured(1).toInt());  // exclusive: each area is all its own
    }

    QCOMPARE(run(open, out), 1);  // the classic engine has no model to ask
    QVERIFY2(out.contains(QStringLiteral("needs a SAM3 model bundle")), qPrintable(out));
    QCOMPARE(run({QStringLiteral("--everything"), QStringLiteral("--grid"), QStringLiteral("0")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("--grid needs a whole number from 1 to 128")), qPrintable(out));
    QCOMPARE(run({QStringLiteral("--everything"), QStringLiteral("--nms"), QStringLiteral("2")}, out), 2);
    QVERIFY(out.contains(QStringLiteral("--nms needs a number between 0 and 1")));
    QCOMPARE(run({QStringLiteral("--everything"), QStringLiteral("--point"), QStringLiteral("5,5")}, out), 2);
    QVERIFY(out.contains(QStringLiteral("usage")));
    QCOMPARE(run({QStringLiteral("--everything"), QStringLiteral("--text"), QStringLiteral("cat")}, out), 2);
    QVERIFY(out.contains(QStringLiteral("choose one of")));
  }

  // A phone photo stored 400x600 with EXIF orientation 6 is 600x400 as the window shows it: the
  // mask comes back in that frame. An image above --max-pixels is refused by its header.
  void segmentReadsImagesAsTheWindowShowsThem() {
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    const QString photo = m_work.filePath(QStringLiteral("sideways.jpg"));
    io::writeFileAtomically(photo.toStdString(), test::jpegWithOrientation(test::randomDiscs(400, 600, 5), 6));
    const QString mask = m_work.filePath(QStringLiteral("sideways_mask.png"));
    auto run = [&](const QStringList& args, QString& output) {
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(app, QStringList{QStringLiteral("segment"), QStringLiteral("--image"), photo, QStringLiteral("--out"), mask} + args);
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAll());
      return process.exitCode();
    };
    QString out;
    QCOMPARE(run({QStringLiteral("--box"), QStringLiteral("100,100,300,250")}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("image 600x400")), qPrintable(out));
    const cv::Mat written = cv::imread(mask.toStdString(), cv::IMREAD_GRAYSCALE);
    QCOMPARE(written.cols, 600);
    QCOMPARE(written.rows, 400);
    QCOMPARE(run({QStringLiteral("--box"), QStringLiteral("1,1,20,20"), QStringLiteral("--max-pixels"), QStringLiteral("100000")}, out), 1);
    QVERIFY2(out.contains(QStringLiteral("400 x 600 pixels")) && out.contains(QStringLiteral("--max-pixels")), qPrintable(out));
    QCOMPARE(run({QStringLiteral("--box"), QStringLiteral("1,1,20,20"), QStringLiteral("--max-pixels"), QStringLiteral("lots")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("--max-pixels needs a whole number")), qPrintable(out));
  }

  void qtFreeSegmentCommandMatchesTheApp() {
    // sam3-segment (cli/, no Qt) is the code behind `sam3-annotate segment`: same mask, same
    // messages; its own parser refuses what it does not know.
    const QString app = qEnvironmentVariable("SAM3_APP"), tool = qEnvironmentVariable("SAM3_SEGMENT");
    if (app.isEmpty() || tool.isEmpty()) QSKIP("SAM3_APP or SAM3_SEGMENT not set");
    const QString image = m_work.filePath(QStringLiteral("qtfree.png"));
    QVERIFY(cv::imwrite(image.toStdString(), test::randomDiscs(200, 140, 11)));
    auto run = [](const QString& program, const QStringList& args, QString& output) { return runProgram(program, args, output); };
    const QString viaApp = m_work.filePath(QStringLiteral("via_app.png")), viaTool = m_work.filePath(QStringLiteral("via_tool.png"));
    const QStringList prompt{QStringLiteral("--image"), image, QStringLiteral("--bundle"), m_bundle, QStringLiteral("--cache"),
                             m_work.filePath(QStringLiteral("qtfree-cache")), QStringLiteral("--point=60,50,1"),
                             QStringLiteral("--point"), QStringLiteral("120,90,0"), QStringLiteral("--out")};
    QString out;
    QCOMPARE(run(app, QStringList{QStringLiteral("segment")} + prompt + QStringList{viaApp}, out), 0);
    QCOMPARE(run(tool, prompt + QStringList{viaTool}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("from disk cache")) && out.contains(QStringLiteral("1 candidate(s)")), qPrintable(out));
    const cv::Mat a = cv::imread(viaApp.toStdString(), cv::IMREAD_GRAYSCALE), b = cv::imread(viaTool.toStdString(), cv::IMREAD_GRAYSCALE);
    QVERIFY(!a.empty() && a.size() == b.size());
    QCOMPARE(cv::countNonZero(a != b), 0);
    QVERIFY(cv::countNonZero(a) > 0);

    // --warmup: untimed encodes of altered copies first; the image itself is then still encoded.
    QCOMPARE(run(tool, prompt + QStringList{viaTool, QStringLiteral("--warmup"), QStringLiteral("1")}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("warm-up: 1 encodes")) && out.contains(QStringLiteral("from disk cache")), qPrintable(out));
    QCOMPARE(run(tool, prompt + QStringList{viaTool, QStringLiteral("--warmup"), QStringLiteral("-1")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("--warmup needs a whole number")), qPrintable(out));

    QCOMPARE(run(tool, {QStringLiteral("--help")}, out), 0);
    QVERIFY2(out.contains(QStringLiteral("--prompts <file>")) && out.contains(QStringLiteral("usage: sam3-segment")), qPrintable(out));
    QCOMPARE(run(tool, {QStringLiteral("--image"), image, QStringLiteral("--bogus")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("sam3-segment: unknown option --bogus")), qPrintable(out));
    QCOMPARE(run(tool, {QStringLiteral("--image")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("--image needs a value")), qPrintable(out));
    QCOMPARE(run(tool, {QStringLiteral("--image"), image, QStringLiteral("--point"), QStringLiteral("1,2"), QStringLiteral("stray")}, out), 2);
    QVERIFY2(out.contains(QStringLiteral("unexpected argument 'stray'")), qPrintable(out));
    QCOMPARE(run(tool, {QStringLiteral("--image"), image, QStringLiteral("--bundle"), m_bundle, QStringLiteral("--threads"),
                        QStringLiteral("2.5"), QStringLiteral("--point"), QStringLiteral("5,5"), QStringLiteral("--out"), viaTool},
                 out),
             2);
    QVERIFY2(out.contains(QStringLiteral("--threads needs a whole number")), qPrintable(out));
  }

  void segmentCommandLineAnswersAPromptFile() {
    // --prompts/--dump: many prompts on one encode, every result as safetensors (what the
    // parity check against the official model reads); bad requests name themselves.
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    const QString image = m_work.filePath(QStringLiteral("batch.png"));
    QVERIFY(cv::imwrite(image.toStdString(), test::randomDiscs(200, 150, 7)));
    auto run = [&](const std::string& json, const QString& dump, QString& output) {
      const QString prompts = m_work.filePath(QStringLiteral("prompts.json"));
      io::writeFileAtomically(prompts.toStdString(), json);
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(app, {QStringLiteral("segment"), QStringLiteral("--image"), image, QStringLiteral("--bundle"), m_bundle,
                          QStringLiteral("--cache"), m_work.filePath(QStringLiteral("batch-cache")), QStringLiteral("--prompts"),
                          prompts, QStringLiteral("--dump"), dump});
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAll());
      return process.exitCode();
    };
    const QString dump = m_work.filePath(QStringLiteral("dump"));
    QString out;
    QCOMPARE(run(R"({"requests": [{"name": "click", "points": [[60, 50, 1]]},
                                  {"name": "refine", "points": [[60, 50, 1], [90, 70, 0]], "mask_from": "click"},
                                  {"name": "find", "find": {"boxes": [[20, 20, 80, 80, 1]], "threshold": 0}}]})",
                 dump, out),
             0);
    const weights::SafetensorsFile click = weights::SafetensorsFile::open((dump + QStringLiteral("/click.safetensors")).toStdString());
    QCOMPARE(click.tensor("masks").shape, (std::vector<int64_t>{3, 150, 200}));  // one click: SAM's three candidates
    QCOMPARE(click.tensor("scores").shape, (std::vector<int64_t>{3}));
    QCOMPARE(click.tensor("low_res_logits").shape, (std::vector<int64_t>{288, 288}));
    const weights::SafetensorsFile refine = weights::SafetensorsFile::open((dump + QStringLiteral("/refine.safetensors")).toStdString());
    QCOMPARE(refine.tensor("masks").shape, (std::vector<int64_t>{1, 150, 200}));
    const weights::SafetensorsFile find = weights::SafetensorsFile::open((dump + QStringLiteral("/find.safetensors")).toStdString());
    QCOMPARE(find.tensor("presence").shape, (std::vector<int64_t>{1}));
    const float presence = *reinterpret_cast<const float*>(find.tensor("presence").data);
    QVERIFY2(presence > 0.f && presence < 1.f, qPrintable(QString::number(presence)));
    QVERIFY(find.tensor("boxes").shape.size() == 2 && find.tensor("boxes").shape[1] == 4);

    QCOMPARE(run(R"({"requests": [{"name": "../escape", "points": [[60, 50, 1]]}]})", dump, out), 1);
    QVERIFY2(out.contains(QStringLiteral("needs a \"name\"")), qPrintable(out));
    QCOMPARE(run(R"({"requests": [{"name": "r", "mask_from": "nothing"}]})", dump, out), 1);
    QVERIFY2(out.contains(QStringLiteral("request 'r'")) && out.contains(QStringLiteral("mask_from")), qPrintable(out));
    QCOMPARE(run(R"({"requests": 3})", dump, out), 1);
    QVERIFY2(out.contains(QStringLiteral("not a prompt file")), qPrintable(out));
  }

  void labelFolderWritesCocoWithAClassPerPhrase() {
    // label-folder: every image, every phrase (a class each), COCO that our validator accepts,
    // progress lines (JSON with --json); bad input refused with its exit code.
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    if (!test::fixtureHasText(m_bundle)) QSKIP("the fixture bundle has no text encoder (golden vocabulary missing)");
    const QString folder = m_work.filePath(QStringLiteral("label-folder"));
    QVERIFY(QDir().mkpath(folder));
    for (int i : {2, 10, 1}) {
      QVERIFY(cv::imwrite(QStringLiteral("%1/img%2.png").arg(folder).arg(i).toStdString(), test::randomDiscs(160, 120, i)));
    }
    auto run = [&](const QStringList& args, QString& output) {
      QProcess process;
      process.start(app, QStringList{QStringLiteral("label-folder")} + args);
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAllStandardOutput()) + QString::fromUtf8(process.readAllStandardError());
      return process.exitCode();
    };
    const QString out = m_work.filePath(QStringLiteral("labelled/coco.json"));  // the folder is made
    const QStringList common{QStringLiteral("--folder"), folder, QStringLiteral("--bundle"), m_bundle, QStringLiteral("--cache"),
                             m_work.filePath(QStringLiteral("lf-cache")), QStringLiteral("--threshold"), QStringLiteral("0")};
    QString output;
    QCOMPARE(run(common + QStringList{QStringLiteral("--text"), QStringLiteral("disc"), QStringLiteral("--text"),
                                      QStringLiteral("red square"), QStringLiteral("--out"), out, QStringLiteral("--json")},
                 output),
             0);
    const QStringList lines = output.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    const nlohmann::json first = nlohmann::json::parse(lines.first().toStdString());
    QCOMPARE(first.at("index").get<int>(), 1);
    QVERIFY(first.at("image").get<std::string>().find("img1.png") != std::string::npos);  // natural order: 1, 2, 10
    QVERIFY(nlohmann::json::parse(lines.last().toStdString()).at("image").get<std::string>().find("img10.png") != std::string::npos);
    const nlohmann::json coco = nlohmann::json::parse(io::readWholeFile(out.toStdString()));
    QCOMPARE(coco.at("categories").size(), size_t(2));
    QCOMPARE(coco.at("images").size(), size_t(3));
    QVERIFY(!coco.at("annotations").empty());
    for (const io::CocoProblem& p : io::validateCoco(coco)) QVERIFY2(p.severity != io::CocoProblem::Severity::Error, p.message.c_str());

    QCOMPARE(run(common + QStringList{QStringLiteral("--out"), out}, output), 2);  // no phrase
    QVERIFY2(output.contains(QStringLiteral("usage:")), qPrintable(output));
    QCOMPARE(run({QStringLiteral("--folder"), m_work.filePath(QStringLiteral("nowhere")), QStringLiteral("--bundle"), m_bundle,
                  QStringLiteral("--text"), QStringLiteral("x"), QStringLiteral("--out"), out},
                 output),
             1);
    QVERIFY2(output.contains(QStringLiteral("not a folder")), qPrintable(output));
    QCOMPARE(run(common + QStringList{QStringLiteral("--text"), QStringLiteral(" "), QStringLiteral("--out"), out}, output), 2);
    QVERIFY2(output.contains(QStringLiteral("empty one")), qPrintable(output));
  }
  void labelFolderWithClassesAndExemplarsWritesAProject() {
    // --classes: a project's classes, each asked by its phrases (one object kept when two
    // phrases find it); --exemplars: boxes on one image found in all (our extension); the
    // result as a project the app opens. Bad combinations refused.
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set");
    const QString folder = m_work.filePath(QStringLiteral("label-classes"));
    QVERIFY(QDir().mkpath(folder));
    for (int i : {1, 2}) {
      QVERIFY(cv::imwrite(QStringLiteral("%1/img%2.png").arg(folder).arg(i).toStdString(), test::randomDiscs(160, 120, 20 + i)));
    }
    auto run = [&](const QStringList& args, QString& output) {
      QProcess process;
      process.start(app, QStringList{QStringLiteral("label-folder"), QStringLiteral("--folder"), folder, QStringLiteral("--bundle"),
                                     m_bundle, QStringLiteral("--cache"), m_work.filePath(QStringLiteral("lf-cache")),
                                     QStringLiteral("--threshold"), QStringLiteral("0")} + args);
      process.waitForFinished(120000);
      output = QString::fromUtf8(process.readAllStandardOutput()) + QString::fromUtf8(process.readAllStandardError());
      return process.exitCode();
    };
    const QStringList exemplars{QStringLiteral("--exemplars"), folder + QStringLiteral("/img1.png"), QStringLiteral("--box"),
                                QStringLiteral("20,20,70,70"), QStringLiteral("--exemplar-class"), QStringLiteral("blob")};
    const QString out = m_work.filePath(QStringLiteral("labelled.sam3proj"));
    QString output;
    QStringList args = exemplars + QStringList{QStringLiteral("--project"), out};
    const bool text = test::fixtureHasText(m_bundle);
    if (text) {
      annotation::Project classes;
      classes.putCategory({0, "disc", {1, 2, 3}, "", "disc, round disc"});
      classes.putCategory({0, "square", {4, 5, 6}, "", ""});
      const QString classesFile = m_work.filePath(QStringLiteral("classes.sam3proj"));
      io::saveProject(classes, classesFile.toStdString());
      args << QStringLiteral("--classes") << classesFile;
    }
    QCOMPARE(run(args, output), 0);
    QVERIFY2(output.contains(QStringLiteral("[2/2]")) && output.contains(QStringLiteral("wrote")), qPrintable(output));
    const annotation::Project labelled = io::loadProject(out.toStdString());
    QCOMPARE(labelled.images().size(), size_t(2));
    const annotation::Category* blob = labelled.categoryByName("blob");
    QVERIFY(blob);
    std::map<int, int> perClass;
    for (const auto& [id, object] : labelled.objects()) ++perClass[object.categoryId];
    QCOMPARE(perClass[blob->id], 2 * 16);  // every query of the fixture's head, on both images
    if (text) {
      const annotation::Category* disc = labelled.categoryByName("disc");
      QVERIFY(disc && disc->phrase == "disc, round disc");  // the class comes over whole
      QVERIFY(labelled.categoryByName("square"));
      QVERIFY(perClass[disc->id] >= 1);
      for (const auto& [imageId, image] : labelled.images()) {  // what "round disc" adds, "disc" had not found
        std::vector<const annotation::AnnotationObject*> first, second;
        for (const annotation::AnnotationObject* o : labelled.objectsOfImage(imageId)) {
          if (o->categoryId != disc->id) continue;
          (o->promptHistory.at(0).at("text").get<std::string>() == "disc" ? first : second).push_back(o);
        }
        for (const auto* a : first)
          for (const auto* b : second) QVERIFY(mask::iou(a->mask, b->mask) <= 0.7);
      }
    }
    QCOMPARE(run({QStringLiteral("--exemplars"), folder + QStringLiteral("/img1.png"), QStringLiteral("--out"), out}, output), 2);
    QVERIFY2(output.contains(QStringLiteral("--exemplars and --box go together")), qPrintable(output));
    QCOMPARE(run({QStringLiteral("--classes"), m_work.filePath(QStringLiteral("none.sam3proj")), QStringLiteral("--out"), out}, output), 1);
    QVERIFY2(output.contains(QStringLiteral("cannot read the classes")), qPrintable(output));
    QCOMPARE(run(exemplars, output), 2);  // nowhere to write
    QVERIFY2(output.contains(QStringLiteral("usage:")), qPrintable(output));
  }

};

QTEST_GUILESS_MAIN(TestSegmentCli)
#include "tst_segment_cli.moc"
