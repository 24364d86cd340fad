// COCO export, validation and import: export -> validator (clean) -> import reproduces the
// project; each seeded defect is caught with its path; polygons/uncompressed/compressed RLE and
// bbox-only annotations import; other export formats; the CLI subcommands.

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/CocoImport.h"
#include "engine/io/CocoValidator.h"
#include "engine/io/MaskExport.h"
#include "engine/io/ProjectFile.h"
#include "support/SampleProject.h"

using namespace sam3;
using nlohmann::json;

namespace {

bool mentions(const std::vector<io::CocoProblem>& problems, const std::string& path, const std::string& text) {
  for (const auto& p : problems) {
    if (p.severity == io::CocoProblem::Severity::Error && p.path == path && p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

QString describe(const std::vector<io::CocoProblem>& problems) {
  QString s;
  for (const auto& p : problems) s += QString::fromStdString(p.path + ": " + p.message + "\n");
  return s;
}

}  // namespace

class TestCoco : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void fileNamesAreRelativeToTheImageRoot() {
    // COCO loaders join file_name to the image root they are given (detectron2's image_root,
    // pycocotools' users): names relative to the images' common folder, absolute on request or
    // for an image outside the root; paths the project stores relative to itself resolve first.
    annotation::Project project;
    project.putImage({0, "/data/set/a.png", 4, 4, "", annotation::ImageStatus::New});
    project.putImage({0, "/data/set/night/b.png", 4, 4, "", annotation::ImageStatus::New});
    project.putImage({0, "day/c.png", 4, 4, "", annotation::ImageStatus::New});  // beside the project in /data/set
    QCOMPARE(io::imageRootOf(project, "/data/set"), std::string("/data/set"));
    io::CocoExportOptions options;
    options.projectFolder = "/data/set";
    options.imageRoot = io::imageRootOf(project, options.projectFolder);
    auto names = [&] {
      std::vector<std::string> out;
      const io::CocoExportResult result = io::exportCoco(project, options);
      for (const json& image : result.coco["images"]) out.push_back(image["file_name"]);
      return out;
    };
    QCOMPARE(names(), (std::vector<std::string>{"a.png", "night/b.png", "day/c.png"}));
    options.imageRoot = "/data/set/night";  // a.png and c.png lie outside it
    QCOMPARE(names(), (std::vector<std::string>{"/data/set/a.png", "b.png", "/data/set/day/c.png"}));
    options.imageRoot.clear();  // absolute
    QCOMPARE(names(), (std::vector<std::string>{"/data/set/a.png", "/data/set/night/b.png", "/data/set/day/c.png"}));
    project.putImage({0, ":/images/sample.png", 4, 4, "", annotation::ImageStatus::New});
    QCOMPARE(io::imageRootOf(project, "/data/set"), std::string());  // a bundled sample has no folder
  }

  void rleExportIsValidAndRoundTrips() {
    const annotation::Project project = test::makeSampleProject();
    const io::CocoExportResult exported = io::exportCoco(project);
    const json& coco = exported.coco;
    QCOMPARE(coco["annotations"].size(), size_t(3));
    const json& first = coco["annotations"][0];
    QCOMPARE(first["id"].get<int>(), 1);
    QCOMPARE(first["iscrowd"].get<int>(), 0);
    QCOMPARE(first["segmentation"]["size"], json({60, 80}));
    QCOMPARE(first["area"].get<double>(), double(mask::area(project.object(1)->mask)));
    QCOMPARE(coco["annotations"][2]["iscrowd"].get<int>(), 1);
    for (const auto& a : coco["annotations"]) {  // only standard keys
      for (const auto& [key, value] : a.items()) {
        QVERIFY2(QStringList({"id", "image_id", "category_id", "segmentation", "area", "bbox", "iscrowd"}).contains(QString::fromStdString(key)),
                 key.c_str());
      }
    }
    const auto problems = io::validateCoco(coco);
    QVERIFY2(problems.empty(), qPrintable(describe(problems)));

    annotation::Project imported;
    const io::CocoImportReport report = io::importCoco(coco, imported);
    QVERIFY2(report.problems.empty(), qPrintable(describe(report.problems)));
    QCOMPARE(report.objectsAdded, size_t(3));
    QCOMPARE(imported.objects().size(), project.objects().size());
    for (const auto& [id, object] : project.objects()) {
      const annotation::AnnotationObject* back = imported.object(id);
      QVERIFY(back);
      QVERIFY(back->mask == object.mask);  // lossless, holes included
      QCOMPARE(back->isCrowd, object.isCrowd);
      QCOMPARE(imported.category(back->categoryId)->name, project.category(object.categoryId)->name);
      QCOMPARE(imported.image(back->imageId)->path, project.image(object.imageId)->path);
    }
    // Importing again into the same project matches images and categories instead of duplicating.
    const io::CocoImportReport again = io::importCoco(coco, imported);
    QCOMPARE(again.imagesMatched, size_t(2));
    QCOMPARE(again.categoriesMatched, size_t(3));
    QCOMPARE(imported.images().size(), size_t(2));
  }

  void polygonExportWarnsAboutHoles() {
    io::CocoExportOptions options;
    options.segmentation = io::CocoExportOptions::Segmentation::Polygons;
    const io::CocoExportResult exported = io::exportCoco(test::makeSampleProject(), options);
    bool holeWarning = false;
    for (const auto& w : exported.warnings) holeWarning |= w.path == "annotations[id=1]" && w.message.find("hole") != std::string::npos;
    QVERIFY(holeWarning);
    QVERIFY(exported.coco["annotations"][0]["segmentation"].is_array());
    QCOMPARE(exported.coco["annotations"][1]["segmentation"].size(), size_t(2));  // two parts, two polygons
    QVERIFY(exported.coco["annotations"][2]["segmentation"].is_object());         // crowd stays RLE
    const auto problems = io::validateCoco(exported.coco);
    QVERIFY2(!io::hasErrors(problems), qPrintable(describe(problems)));
  }

  void validatorCatchesSeededDefects_data() {
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("id 0") << "id0" << "annotations[0].id" << ">= 1";
    QTest::newRow("duplicate ids") << "dup" << "annotations[1].id" << "duplicate";
    QTest::newRow("wrong area") << "area" << "annotations[0].area" << "covers";
    QTest::newRow("4-number polygon") << "poly4" << "annotations[1].segmentation" << "at least 6";
    QTest::newRow("crowd misuse") << "crowd" << "annotations[1].segmentation" << "crowd";
    QTest::newRow("unknown image id") << "image" << "annotations[0].image_id" << "unknown image";
    QTest::newRow("size mismatch") << "size" << "annotations[0].segmentation" << "differs from the image";
    QTest::newRow("wrong bbox") << "bbox" << "annotations[0].bbox" << "segmentation's box";
    QTest::newRow("iscrowd 2") << "iscrowd" << "annotations[0].iscrowd" << "0 or 1";
  }

  void validatorCatchesSeededDefects() {
    QFETCH(QString, defect);
    QFETCH(QString, path);
    QFETCH(QString, message);
    io::CocoExportOptions options;
    options.segmentation = io::CocoExportOptions::Segmentation::Polygons;
    json coco = io::exportCoco(test::makeSampleProject(), options).coco;
    json& a0 = coco["annotations"][0];
    json& a1 = coco["annotations"][1];
    if (defect == "id0") a0["id"] = 0;
    if (defect == "dup") a1["id"] = a0["id"];
    if (defect == "area") a0["area"] = a0["area"].get<double>() + 40;
    if (defect == "poly4") a1["segmentation"] = json::array({json::array({1, 2, 3, 4})});
    if (defect == "crowd") a1["iscrowd"] = 1;
    if (defect == "image") a0["image_id"] = 77;
    if (defect == "size") a0["segmentation"] = {{"size", {61, 80}}, {"counts", "S1"}};
    if (defect == "bbox") a0["bbox"] = {0, 0, 5, 5};
    if (defect == "iscrowd") a0["iscrowd"] = 2;
    const auto problems = io::validateCoco(coco);
    QVERIFY2(mentions(problems, path.toStdString(), message.toStdString()), qPrintable(describe(problems)));
  }

  void importsEveryEncoding() {
    const int h = 20, w = 30;
    mask::BinaryMask square(h, w);
    for (int y = 5; y < 10; ++y)
      for (int x = 4; x < 12; ++x) square.set(y, x, true);
    const mask::Rle rle = mask::encode(square);
    json uncompressed = {{"size", {h, w}}, {"counts", rle.counts}};
    json compressed = {{"size", {h, w}}, {"counts", mask::toCompressedString(rle)}};
    json coco = {{"images", {{{"id", 7}, {"file_name", "x.png"}, {"width", w}, {"height", h}}}},
                 {"categories", {{{"id", 3}, {"name", "box"}}}},
                 {"annotations",
                  {{{"id", 1}, {"image_id", 7}, {"category_id", 3}, {"segmentation", {{4, 5, 12, 5, 12, 10, 4, 10}}}, {"iscrowd", 0}},
                   {{"id", 2}, {"image_id", 7}, {"category_id", 3}, {"segmentation", uncompressed}, {"iscrowd", 0}, {"track_id", 9}},
                   {{"id", 3}, {"image_id", 7}, {"category_id", 3}, {"segmentation", compressed}, {"iscrowd", 0}},
                   {{"id", 4}, {"image_id", 7}, {"category_id", 3}, {"bbox", {1, 2, 3, 4}}, {"iscrowd", 0}},
                   {{"id", 5}, {"image_id", 8}, {"category_id", 3}, {"bbox", {1, 2, 3, 4}}},
                   {{"id", 6}, {"image_id", 7}, {"category_id", 3}, {"segmentation", {{"size", {h, w}}, {"counts", "bad!"}}}}}}};
    annotation::Project project;
    const io::CocoImportReport report = io::importCoco(coco, project);
    QCOMPARE(report.objectsAdded, size_t(4));
    QCOMPARE(report.boxesOnly, size_t(1));
    QCOMPARE(report.problems.size(), size_t(2));  // unknown image, bad RLE: reported, not silently dropped
    QCOMPARE(QString::fromStdString(report.problems[0].path), QStringLiteral("annotations[4].image_id"));
    QCOMPARE(QString::fromStdString(report.problems[1].path), QStringLiteral("annotations[5].segmentation"));
    const auto objects = project.objectsOfImage(project.imageByFileName("x.png")->id);
    QVERIFY(objects[0]->mask == rle);  // the polygon rasterizes exactly to the square
    QVERIFY(objects[1]->mask == rle);
    QVERIFY(objects[2]->mask == rle);
    QVERIFY(objects[3]->box.has_value());
    QCOMPARE(objects[1]->attributes["coco"]["track_id"].get<int>(), 9);  // unknown field preserved
  }

  void validatorRefusesImagesTooLargeForMasks() {
    const json coco = json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": 1333333330, "height": 10}],
        "categories": [{"id": 1, "name": "c"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": 0, "area": 1,
                         "segmentation": [[19, 0, 3, 1, 3, 3, 1, 3]]}]})");
    const auto problems = io::validateCoco(coco);
    QVERIFY2(mentions(problems, "images[0]", "at most 1048576"), qPrintable(describe(problems)));
  }

  void importReportsFieldsOfTheWrongTypeInsteadOfThrowing() {
    // Found by fuzz_coco_import: {"images": 9999…} threw out of the importer (json type_error).
    const std::vector<std::pair<json, std::string>> cases = {
        {json::parse(R"({"images": 999999999999999999})"), "images"},
        {json::parse(R"({"categories": {"id": 1}})"), "categories"},
        {json::parse(R"({"annotations": "none"})"), "annotations"},
        {json::parse(R"({"categories": [{"id": 1, "name": ""}]})"), "categories[0]"},
        {json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": "640", "height": 480}]})"), "images[0]"},
        {json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": 4294967296, "height": 480}]})"), "images[0]"},
        {json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": 70000, "height": 70000}]})"), "images[0]"},
        {json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}], "categories": [{"id": 1, "name": "c"}],
                         "annotations": [{"image_id": 1, "category_id": 1, "bbox": ["a", 0, 1, 1]}]})"), "annotations[0].bbox"}};
    for (const auto& [coco, path] : cases) {
      annotation::Project project;
      io::CocoImportReport report;
      try {
        report = io::importCoco(coco, project);
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("%1 threw: %2").arg(QString::fromStdString(coco.dump()), QString::fromUtf8(e.what()))));
      }
      QVERIFY2(!report.problems.empty() && report.problems[0].path == path, qPrintable(QString::fromStdString(coco.dump())));
      QCOMPARE(report.objectsAdded, size_t(0));
    }
    // iscrowd and supercategory of another type are read as absent, not thrown on.
    annotation::Project project;
    const io::CocoImportReport report = io::importCoco(
        json::parse(R"({"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}],
                        "categories": [{"id": 1, "name": "c", "supercategory": 5}],
                        "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": "yes"}]})"),
        project);
    QCOMPARE(report.objectsAdded, size_t(1));
    QVERIFY(!project.objects().begin()->second.isCrowd);
  }

  void otherExportFormats() {
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString();
    const annotation::Project project = test::makeSampleProject();
    QCOMPARE(io::exportObjectPngs(project, folder).filesWritten, size_t(3));
    const cv::Mat object = cv::imread(folder + "/a_1.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(cv::countNonZero(object), int(mask::area(project.object(1)->mask)));
    QCOMPARE(io::exportInstancePngs(project, folder).filesWritten, size_t(2));
    const cv::Mat instances = cv::imread(folder + "/a_instances.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(instances.type(), CV_16U);
    QCOMPARE(int(instances.at<uint16_t>(30, 45)), 1);  // on the ring
    QCOMPARE(int(instances.at<uint16_t>(30, 30)), 0);  // in its hole
    QCOMPARE(int(instances.at<uint16_t>(10, 65)), 2);
    const io::MaskExportReport yolo = io::exportYoloSegmentation(project, folder);
    QCOMPARE(yolo.filesWritten, size_t(3));
    const std::string labels = io::readWholeFile(folder + "/a.txt");
    QCOMPARE(std::count(labels.begin(), labels.end(), '\n'), 3L);  // ring + two parts
    QVERIFY(labels.rfind("0 ", 0) == 0);
    QCOMPARE(io::readWholeFile(folder + "/classes.txt"), std::string("cat\ndog\npeople\n"));
  }

  void commandLine() {
    const QString app = qEnvironmentVariable("SAM3_APP");
    if (app.isEmpty()) QSKIP("SAM3_APP not set; skipped");
    QTemporaryDir dir;
    const QString projectPath = dir.filePath(QStringLiteral("p.sam3proj"));
    io::saveProject(test::makeSampleProject(), projectPath.toStdString());
    auto run = [&](const QStringList& args, QByteArray* output = nullptr) {
      QProcess p;
      p.setProcessChannelMode(QProcess::MergedChannels);
      p.start(app, args);
      p.waitForFinished(60000);
      if (output) *output = p.readAll();
      return p.exitCode();
    };
    const QString cocoPath = dir.filePath(QStringLiteral("out.json"));
    QByteArray output;
    QCOMPARE(run({"export", "--project", projectPath, "--format", "coco", "--out", cocoPath}, &output), 0);
    QVERIFY2(output.contains("wrote 3 annotations"), output.constData());
    QCOMPARE(run({"validate-coco", cocoPath}, &output), 0);
    QVERIFY(output.contains("0 error(s)"));
    json coco = json::parse(io::readWholeFile(cocoPath.toStdString()));
    QCOMPARE(coco["images"][0]["file_name"].get<std::string>(), std::string("a.png"));  // relative to images/, their folder
    QCOMPARE(run({"export", "--project", projectPath, "--format", "coco", "--out", cocoPath, "--image-root", dir.path()}), 0);
    QCOMPARE(json::parse(io::readWholeFile(cocoPath.toStdString()))["images"][0]["file_name"].get<std::string>(), std::string("images/a.png"));
    QCOMPARE(run({"export", "--project", projectPath, "--format", "coco", "--out", cocoPath, "--absolute-paths"}), 0);
    QCOMPARE(QString::fromStdString(json::parse(io::readWholeFile(cocoPath.toStdString()))["images"][0]["file_name"].get<std::string>()),
             QDir(dir.path()).filePath(QStringLiteral("images/a.png")));
    coco["annotations"][0]["id"] = 0;
    io::writeFileAtomically(dir.filePath(QStringLiteral("bad.json")).toStdString(), coco.dump());
    QCOMPARE(run({"validate-coco", dir.filePath(QStringLiteral("bad.json"))}, &output), 1);
    QVERIFY2(output.contains("annotations[0].id"), output.constData());
    const QString imported = dir.filePath(QStringLiteral("imported.sam3proj"));
    QCOMPARE(run({"import-coco", "--project", imported, "--coco", cocoPath}, &output), 0);
    QCOMPARE(io::loadProject(imported.toStdString()).objects().size(), size_t(3));
    QCOMPARE(run({"export", "--project", projectPath, "--format", "yolo-seg", "--out", dir.filePath(QStringLiteral("yolo"))}), 0);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("yolo/classes.txt"))));
    QCOMPARE(run({"validate-coco", dir.filePath(QStringLiteral("missing.json"))}, &output), 1);
    QVERIFY(output.contains("missing.json"));
    QCOMPARE(run({"export"}), 2);
  }
};

QTEST_GUILESS_MAIN(TestCoco)
#include "tst_coco.moc"
