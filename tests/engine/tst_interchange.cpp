// The formats labellers already use: labelme / X-AnyLabeling JSON (import with every shape
// type, problems with file and field, unedited shapes written back exactly, edited and new
// objects as lossless masks), YOLO-seg import (polygons, boxes, classes.txt, malformed lines),
// Pascal VOC segmentation PNGs, COCO results; round trips of the sample project (holes, two
// parts, crowd, an empty image).

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/Base64.h"
#include "engine/io/CocoExport.h"
#include "engine/io/IndexedPng.h"
#include "engine/io/Labelme.h"
#include "engine/io/MaskExport.h"
#include "engine/io/PascalVoc.h"
#include "engine/io/Sha256.h"
#include "engine/io/YoloImport.h"
#include "engine/mask/Polygons.h"
#include "engine/bundle/BundleManifest.h"
#include "support/SampleProject.h"

using namespace sam3;
using nlohmann::json;

namespace {

std::string pngOf(const cv::Mat& m) {
  std::vector<uchar> bytes;
  cv::imencode(".png", m, bytes);
  return std::string(bytes.begin(), bytes.end());
}

json shape(const std::string& label, const std::string& type, json points, json group = nullptr) {
  return {{"label", label}, {"points", std::move(points)}, {"group_id", std::move(group)}, {"description", ""},
          {"shape_type", type}, {"flags", json::object()}, {"mask", nullptr}};
}

json labelmeFile(const std::string& image, int w, int h, json shapes) {
  return {{"version", "5.5.0"}, {"flags", json::object()}, {"shapes", std::move(shapes)}, {"imagePath", image},
          {"imageData", nullptr}, {"imageHeight", h}, {"imageWidth", w}};
}

bool mentions(const std::vector<io::CocoProblem>& problems, const std::string& path, const std::string& text) {
  for (const auto& p : problems)
    if (p.path == path && p.message.find(text) != std::string::npos) return true;
  return false;
}

QString describe(const std::vector<io::CocoProblem>& problems) {
  QStringList lines;
  for (const auto& p : problems) lines << QString::fromStdString(p.path + ": " + p.message);
  return lines.join(QLatin1Char('\n'));
}

// The sample project with a third image that has no objects.
annotation::Project sampleWithEmptyImage() {
  annotation::Project p = test::makeSampleProject();
  p.putImage({0, "images/c.png", 30, 20, "", annotation::ImageStatus::New});
  return p;
}

}  // namespace

class TestInterchange : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::string path(const std::string& name) { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }

 private Q_SLOTS:
  void base64RoundTripsAndRefusesGarbage() {
    for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) QCOMPARE(*io::base64Decode(io::base64Encode(s)), s);
    QCOMPARE(io::base64Encode("Man"), std::string("TWFu"));
    QVERIFY(!io::base64Decode("TW!u"));
    QVERIFY(!io::base64Decode("TWF"));
    QVERIFY(!io::base64Decode("TQ==TQ=="));
  }

  void labelmeEveryShapeTypeAndWhatCannotBeRepresented() {
    std::filesystem::create_directories(path("lm"));
    cv::Mat crop(5, 4, CV_8U, cv::Scalar(0));
    crop.at<uint8_t>(1, 1) = 1;
    crop.at<uint8_t>(4, 3) = 1;
    json mask = shape("blob", "mask", {{10, 20}, {13, 24}});
    mask["mask"] = io::base64Encode(pngOf(crop));
    json scored = shape("cat", "polygon", {{1, 1}, {30, 1}, {30, 12}, {1, 12}});
    scored["score"] = 0.75;  // X-AnyLabeling's fields travel with the shape
    scored["description"] = "tabby";
    const json shapes = {scored,
                         shape("box", "rectangle", {{40, 5}, {50, 15}}),
                         shape("ball", "circle", {{60, 30}, {64, 30}}),
                         mask,
                         shape("dog", "polygon", {{2, 30}, {12, 30}, {12, 38}}, 7),
                         shape("dog", "polygon", {{20, 30}, {30, 30}, {30, 38}}, 7),
                         shape("nose", "point", {{5, 5}}),
                         shape("edge", "linestrip", {{1, 1}, {5, 5}, {9, 1}}),
                         shape("", "polygon", {{1, 1}, {2, 2}, {3, 1}}),
                         shape("far", "polygon", {{1, 1}, {2e9, 2}, {3, 1}})};
    io::writeFileAtomically(path("lm/a.json"), labelmeFile("../photos/a.jpg", 80, 50, shapes).dump());
    io::writeFileAtomically(path("lm/empty.json"), labelmeFile("../photos/empty.jpg", 30, 20, json::array()).dump());
    io::writeFileAtomically(path("lm/broken.json"), "{ not json");
    io::writeFileAtomically(path("lm/other.json"), R"({"images": []})");
    json badMask = shape("blob", "mask", {{0, 0}, {1, 1}});
    badMask["mask"] = "%%%";
    io::writeFileAtomically(path("lm/badmask.json"), labelmeFile("../photos/d.jpg", 10, 10, {badMask}).dump());

    annotation::Project project;
    const io::InterchangeReport report = io::importLabelmeFolder(path("lm"), project);
    QVERIFY2(mentions(report.problems, "a.json: shapes[6]", "is a point: it has no area"), qPrintable(describe(report.problems)));
    QVERIFY(mentions(report.problems, "a.json: shapes[7]", "is a linestrip"));
    QVERIFY(mentions(report.problems, "a.json: shapes[8]", "needs a label"));
    QVERIFY(mentions(report.problems, "a.json: shapes[9]", "far outside the image"));
    QVERIFY(mentions(report.problems, "broken.json", "not valid JSON"));
    QVERIFY(mentions(report.problems, "other.json", "not a labelme file"));
    QVERIFY(mentions(report.problems, "badmask.json: shapes[0]", "not a base64 PNG"));
    QCOMPARE(report.objectsAdded, size_t(5));  // the two dog polygons (group 7) are one object
    QCOMPARE(report.skipped, size_t(5));
    QCOMPARE(project.images().size(), size_t(3));  // a, empty and d (whose only shape was bad)
    const annotation::ImageRecord* a = project.imageByFileName("a.jpg");
    QVERIFY(a && a->width == 80 && a->height == 50);
    QVERIFY(std::filesystem::path(a->path).is_absolute());
    const auto objects = project.objectsOfImage(a->id);
    QCOMPARE(objects.size(), size_t(5));
    QCOMPARE(objects[0]->score, 0.75);
    QCOMPARE(mask::area(objects[3]->mask), int64_t(2));  // the mask shape, pasted at its box
    QVERIFY(mask::decode(objects[3]->mask).at(21, 11) && mask::decode(objects[3]->mask).at(24, 13));
    const mask::BinaryMask ball = mask::decode(objects[2]->mask);
    QVERIFY(ball.at(30, 60) && ball.at(30, 64) && !ball.at(30, 65));  // radius 4
    QCOMPARE(mask::encode(mask::decode(objects[4]->mask)).counts.empty(), false);

    // Written back: every shape with an area exactly as read (order, fields, group, score).
    std::filesystem::create_directories(path("lm-out"));
    const io::LabelmeExportReport written = io::exportLabelme(project, path("lm-out"), path("."));
    QCOMPARE(written.filesWritten, size_t(3));
    const json back = json::parse(io::readWholeFile(path("lm-out/a.json")));
    QCOMPARE(back["shapes"].size(), size_t(6));
    for (size_t i = 0; i < 6; ++i) QCOMPARE(back["shapes"][i], shapes[i]);
    QCOMPARE(back["imageWidth"].get<int>(), 80);
    QVERIFY2(std::filesystem::exists(std::filesystem::path(path("lm-out")) / back["imagePath"].get<std::string>()) ||
                 back["imagePath"] == "../photos/a.jpg",
             back["imagePath"].dump().c_str());
    QCOMPARE(json::parse(io::readWholeFile(path("lm-out/empty.json")))["shapes"].size(), size_t(0));

    // An edited object goes out as a mask shape that reads back to the same pixels.
    annotation::AnnotationObject edited = *objects[0];
    mask::BinaryMask m = mask::decode(edited.mask);
    m.set(40, 70, true);
    edited.mask = mask::encode(m);
    project.putObject(edited);
    io::exportLabelme(project, path("lm-out"), path("."));
    const json again = json::parse(io::readWholeFile(path("lm-out/a.json")));
    QCOMPARE(again["shapes"][0]["shape_type"].get<std::string>(), std::string("mask"));
    QCOMPARE(again["shapes"][0]["label"].get<std::string>(), std::string("cat"));
    annotation::Project reread;
    io::importLabelmeFolder(path("lm-out"), reread);
    QVERIFY(reread.objectsOfImage(reread.imageByFileName("a.jpg")->id)[0]->mask == edited.mask);
  }

  void labelmeMaskPngsThatAreEmptyDamagedOrOversizedAreReportedNotFatal() {
    // fuzz_labelme found an empty "mask" string making OpenCV's imdecode throw through the import.
    std::filesystem::create_directories(path("lmbad"));
    cv::Mat crop(2, 2, CV_8U, cv::Scalar(1));
    std::string damaged = pngOf(crop);
    const size_t idat = damaged.find("IDAT");
    QVERIFY(idat != std::string::npos);
    damaged[idat + 4] = char(0xff);  // the zlib header: libpng refuses the stream
    damaged[idat + 5] = char(0xff);
    std::string oversized = pngOf(crop);
    oversized[16] = char(0x7f);  // IHDR width: 2,130,706,434 pixels, never decoded
    const auto maskShape = [](const std::string& png) {
      json m = shape("blob", "mask", {{0, 0}, {1, 1}});
      m["mask"] = io::base64Encode(png);
      return m;
    };
    const json shapes = {maskShape(""), maskShape(damaged), maskShape(oversized), maskShape(pngOf(crop))};
    io::writeFileAtomically(path("lmbad/e.json"), labelmeFile("../photos/e.jpg", 10, 10, shapes).dump());

    annotation::Project project;
    const io::InterchangeReport report = io::importLabelmeFolder(path("lmbad"), project);
    QVERIFY2(mentions(report.problems, "e.json: shapes[0]", "not a base64 PNG"), qPrintable(describe(report.problems)));
    QVERIFY(mentions(report.problems, "e.json: shapes[1]", "damaged"));
    QVERIFY(mentions(report.problems, "e.json: shapes[2]", "size is not its box's"));
    QCOMPARE(report.skipped, size_t(3));
    QCOMPARE(report.objectsAdded, size_t(1));  // the good mask beside them
    const auto objects = project.objectsOfImage(project.imageByFileName("e.jpg")->id);
    QCOMPARE(mask::area(objects[0]->mask), int64_t(4));
  }

  void sha256HashesAndToHexOnlyEncodes() {
    // FIPS 180-4's test vectors: Sha256::hexOf hashes; toHex only writes the bytes as digits.
    QCOMPARE(io::Sha256::hexOf(std::string("abc")), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(io::Sha256::hexOf(std::string()), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(io::toHex("{\n", 2), std::string("7b0a"));
  }

  void labelmeDigestsAreHashesAndOldProjectsStillMatch() {
    // An import remembers the SHA-256 of the mask beside the shapes it read (projects imported
    // earlier stored the hex-encoded RLE string under that name): both export the shapes as
    // read while the mask is unedited.
    std::filesystem::create_directories(path("dg/in"));
    const json square = shape("cat", "polygon", {{2, 2}, {12, 2}, {12, 12}, {2, 12}});
    io::writeFileAtomically(path("dg/in/a.json"), labelmeFile("a.jpg", 20, 20, {square}).dump());
    annotation::Project project;
    io::importLabelmeFolder(path("dg/in"), project);
    QCOMPARE(project.objects().size(), size_t(1));
    annotation::AnnotationObject object = project.objects().begin()->second;
    const std::string counts = mask::toCompressedString(object.mask);
    QCOMPARE(object.attributes["labelme"]["digest"].get<std::string>(), io::Sha256::hexOf(counts));
    for (const std::string& digest : {io::Sha256::hexOf(counts), io::toHex(counts.data(), counts.size()), std::string("0000")}) {
      object.attributes["labelme"]["digest"] = digest;
      project.putObject(object);
      std::filesystem::create_directories(path("dg/out"));
      io::exportLabelme(project, path("dg/out"), path("dg"));
      const json back = json::parse(io::readWholeFile(path("dg/out/a.json")));
      const bool asRead = back["shapes"][0] == square;
      QCOMPARE(asRead, digest != "0000");  // a digest of another mask: written as a mask shape
    }
  }

  void labelmeRoundTripOfTheSampleProjectIsLossless() {
    const annotation::Project project = sampleWithEmptyImage();
    std::filesystem::create_directories(path("rt/labels"));
    const io::LabelmeExportReport written = io::exportLabelme(project, path("rt/labels"), path("rt"));
    QCOMPARE(written.filesWritten, size_t(3));
    annotation::Project back;
    const io::InterchangeReport report = io::importLabelmeFolder(path("rt/labels"), back);
    QVERIFY2(report.problems.empty(), qPrintable(describe(report.problems)));
    QCOMPARE(back.images().size(), size_t(3));
    for (const auto& [id, image] : project.images()) {
      const annotation::ImageRecord* twin = back.imageByFileName(std::filesystem::path(image.path).filename().string());
      QVERIFY(twin && twin->width == image.width && twin->height == image.height);
      const auto ours = project.objectsOfImage(id), theirs = back.objectsOfImage(twin->id);
      QCOMPARE(theirs.size(), ours.size());
      for (size_t i = 0; i < ours.size(); ++i) {
        QVERIFY(theirs[i]->mask == ours[i]->mask);  // holes and parts included: masks are lossless
        QCOMPARE(back.category(theirs[i]->categoryId)->name, project.category(ours[i]->categoryId)->name);
      }
    }
    // Polygons, for tools that read no mask shapes: the ring's hole is reported.
    io::LabelmeExportOptions polygons;
    polygons.polygons = true;
    const io::LabelmeExportReport asPolygons = io::exportLabelme(project, path("rt/labels"), path("rt"), polygons);
    QVERIFY(mentions(asPolygons.warnings, "object 1", "holes"));
    const json a = json::parse(io::readWholeFile(path("rt/labels/a.json")));
    QCOMPARE(a["shapes"][1]["group_id"], a["shapes"][2]["group_id"]);  // two parts, one object
  }

  void yoloImportReadsWhatOurExportWritesAndReportsBadLines() {
    const annotation::Project project = sampleWithEmptyImage();
    std::filesystem::create_directories(path("yolo/images"));
    for (const auto& [id, image] : project.images()) {  // the images themselves (sizes from headers)
      cv::imwrite(path("yolo/" + image.path), cv::Mat(image.height, image.width, CV_8UC3, cv::Scalar(40, 80, 120)));
    }
    std::filesystem::create_directories(path("yolo/labels"));
    io::exportYoloSegmentation(project, path("yolo/labels"), 0.0);
    annotation::Project back;
    io::InterchangeReport report = io::importYoloSegmentation(path("yolo/images"), path("yolo/labels"), "", back);
    QVERIFY2(report.problems.empty(), qPrintable(describe(report.problems)));
    QCOMPARE(back.images().size(), size_t(3));  // c.png, with no label file, too
    QCOMPARE(back.objects().size(), project.objects().size() + 1);  // the two-part object is two polygons
    const annotation::AnnotationObject& crowd = *back.objectsOfImage(back.imageByFileName("b.jpg")->id)[0];
    QCOMPARE(back.category(crowd.categoryId)->name, std::string("people"));
    // The polygons follow pixel edges: the mask comes back pixel for pixel (it has no hole).
    const mask::Rle& original = project.objectsOfImage(project.imageByFileName("images/b.jpg")->id)[0]->mask;
    QCOMPARE(mask::area(mask::intersect(crowd.mask, original)), mask::area(original));
    QCOMPARE(mask::area(crowd.mask), mask::area(original));

    io::writeFileAtomically(path("yolo/labels/a.txt"),
                            "0 0.5 0.5 0.2 0.2\n1 0.1 0.1 0.2\n7 0.1 0.1 0.2 0.1 0.2 0.2\n0 0.1 x 0.2 0.1 0.2 0.2\n0 1.5 0.1 0.2 0.1 0.2 0.2\n");
    io::writeFileAtomically(path("yolo/labels/orphan.txt"), "0 0.1 0.1 0.2 0.1 0.2 0.2\n");
    annotation::Project bad;
    report = io::importYoloSegmentation(path("yolo/images"), path("yolo/labels"), "", bad);
    QVERIFY2(mentions(report.problems, "a.txt:2", "has 3 coordinates"), qPrintable(describe(report.problems)));
    QVERIFY(mentions(report.problems, "a.txt:3", "class 7 but classes.txt names 3"));
    QVERIFY(mentions(report.problems, "a.txt:4", "not a number"));
    QVERIFY(mentions(report.problems, "a.txt:5", "not normalized"));
    QVERIFY(mentions(report.problems, "orphan.txt", "has no image"));
    const auto boxes = bad.objectsOfImage(bad.imageByFileName("a.png")->id);
    QCOMPARE(boxes.size(), size_t(1));
    QVERIFY(boxes[0]->box && std::abs((*boxes[0]->box)[0] - 32.0) < 1e-9 && std::abs((*boxes[0]->box)[2] - 16.0) < 1e-9);
  }

  void pascalVocPngsHoldClassesAndInstances() {
    const annotation::Project project = sampleWithEmptyImage();
    const io::MaskExportReport report = io::exportPascalVoc(project, path("voc"));
    QCOMPARE(report.filesWritten, size_t(3 * 2 + 2));
    const std::string labelmap = io::readWholeFile(path("voc/labelmap.txt"));
    QVERIFY(labelmap.find("background:0,0,0::\ncat:128,0,0::\ndog:0,128,0::\npeople:128,128,0::") != std::string::npos);
    QCOMPARE(io::readWholeFile(path("voc/ImageSets/Segmentation/default.txt")), std::string("a\nb\nc\n"));
    const cv::Mat classes = cv::imread(path("voc/SegmentationClass/a.png"), cv::IMREAD_COLOR);  // the palette expanded
    const cv::Mat instances = cv::imread(path("voc/SegmentationObject/a.png"), cv::IMREAD_COLOR);
    QCOMPARE(classes.cols, 80);
    const io::Palette palette = io::vocPalette();
    auto is = [&](const cv::Mat& m, int y, int x, int index) {
      const cv::Vec3b bgr = m.at<cv::Vec3b>(y, x);
      return bgr[2] == palette[size_t(index)][0] && bgr[1] == palette[size_t(index)][1] && bgr[0] == palette[size_t(index)][2];
    };
    QVERIFY(is(classes, 30, 15, 1) && is(instances, 30, 15, 1));  // on the ring: cat, instance 1
    QVERIFY(is(classes, 30, 30, 0) && is(instances, 30, 30, 0));  // in its hole: background
    QVERIFY(is(classes, 48, 68, 2) && is(instances, 48, 68, 2));  // a dog part, instance 2
    QVERIFY(is(cv::imread(path("voc/SegmentationClass/c.png"), cv::IMREAD_COLOR), 5, 5, 0));  // the empty image
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, io::encodeIndexedPng({1, 2}, 3, 1, palette));
  }

  void bundleManifestFieldsOfTheWrongTypeAreBundleErrors() {
    // Found by fuzz_bundle_manifest: {"producer": {"torch": [..]}} threw json's type_error.
    const QString source = qEnvironmentVariable("SAM3_SOURCE_DIR");
    if (source.isEmpty()) QSKIP("SAM3_SOURCE_DIR not set");
    const json valid = json::parse(io::readWholeFile(source.toStdString() + "/fuzz/corpus/fuzz_bundle_manifest/ci-fixture.json"));
    QCOMPARE(bundle::BundleManifest::parse(valid.dump(), "m.json").name, valid["name"].get<std::string>());
    const std::vector<std::pair<std::string, json>> cases = {{"/producer/torch", json::array({1, 2})}, {"/name", 7},
                                                            {"/image/size", "1008"}, {"/grounding", 0.5},
                                                            {"/version", 99999999999LL},
                                                            {"/files/backbone/path", "a/../../backbone.pt"},
                                                            {"/files/backbone/path", "/etc/backbone.pt"}};
    for (const auto& [pointer, value] : cases) {
      json broken = valid;
      broken[json::json_pointer(pointer)] = value;
      try {
        bundle::BundleManifest::parse(broken.dump(), "m.json");
        QFAIL(qPrintable(QStringLiteral("%1 accepted").arg(QString::fromStdString(pointer))));
      } catch (const bundle::BundleError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("m.json")), e.what());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("%1: not a BundleError: %2").arg(QString::fromStdString(pointer), QString::fromUtf8(e.what()))));
      }
    }
    // Two dots inside a file name are not a ".." component (a false finding of the fuzz harness).
    json dotted = valid;
    dotted["files"]["backbone"]["path"] = "backbone.pt..v2";
    QCOMPARE(bundle::BundleManifest::parse(dotted.dump(), "m.json").name, valid["name"].get<std::string>());
  }

  void cocoResultsCarryScoresAndMasks() {
    const annotation::Project project = test::makeSampleProject();
    const json results = io::exportCocoResults(project);
    QCOMPARE(results.size(), project.objects().size());
    QCOMPARE(results[0]["score"].get<double>(), 0.93);
    QCOMPARE(results[0]["image_id"].get<int>(), project.objects().begin()->second.imageId);
    QCOMPARE(results[0]["segmentation"]["size"], json({60, 80}));
    QVERIFY(results[0]["segmentation"]["counts"].is_string());
  }
};

QTEST_GUILESS_MAIN(TestInterchange)
#include "tst_interchange.moc"
