// File ▸ Import in the window: a folder of labelme files opens as work (classes, images and
// objects as one undo step, the images listed to work through, the skipped shape reported) and
// exports back exactly; a COCO file imports the same way.

#include <QDir>
#include <QUndoStack>
#include <QtTest>
#include <filesystem>

#include "GuiHarness.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/Labelme.h"
#include "support/SampleProject.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ImportController.h"

using namespace sam3;
using namespace sam3::test;
using nlohmann::json;

class TestImport : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void aLabelmeFolderOpensAsWorkAndExportsBack() {
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath(QStringLiteral("images")));
    QDir().mkpath(dir.filePath(QStringLiteral("labels")));
    writeFolder(dir.filePath(QStringLiteral("images")), 2);
    auto shape = [](const char* label, const char* type, json points) {
      return json{{"label", label}, {"points", std::move(points)}, {"group_id", nullptr}, {"description", ""},
                  {"shape_type", type}, {"flags", json::object()}, {"mask", nullptr}};
    };
    std::vector<json> shapes;
    for (int i = 1; i <= 2; ++i) {
      const json list = {shape("disc", "polygon", {{80.0 + i, 100}, {120, 100}, {120, 140}, {80, 140}}),
                         shape("label", "rectangle", {{10, 10}, {40, 30}}), shape("tip", "point", {{5, 5}})};
      shapes.push_back(list);
      const json file = {{"version", "5.5.0"}, {"flags", json::object()}, {"shapes", list},
                         {"imagePath", "../images/img" + std::to_string(i) + ".png"}, {"imageData", nullptr},
                         {"imageHeight", 240}, {"imageWidth", 320}};
      io::writeFileAtomically(dir.filePath(QStringLiteral("labels/img%1.json").arg(i)).toStdString(), file.dump());
    }
    Harness h;
    h.window = std::make_unique<MainWindow>(nullptr, fakeEngine(h.config));
    QVERIFY(test::showActive(*h.window));
    MainWindow& w = *h.window;
    const io::InterchangeReport report = w.imports()->importFrom(ui::ImportController::Format::Labelme, dir.filePath(QStringLiteral("labels")));
    QCOMPARE(report.objectsAdded, size_t(4));
    QCOMPARE(report.problems.size(), size_t(2));  // the two points: no area
    QCOMPARE(h.project().objects().size(), size_t(4));
    QVERIFY(h.project().categoryByName("disc") && h.project().categoryByName("label"));
    QCOMPARE(w.folders()->folder().images().size(), qsizetype(2));  // the imported images, to work through
    QVERIFY(w.currentImagePath().endsWith(QStringLiteral("img1.png")));
    // One undo step takes it all back (classes too), redo brings it again.
    test::press(Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(h.project().objects().empty());
    QVERIFY(!h.project().categoryByName("disc"));
    test::press(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(h.project().objects().size(), size_t(4));
    // Exported back: every shape with an area exactly as read.
    QTemporaryDir out;
    io::exportLabelme(h.project(), out.path().toStdString(), "/");
    for (int i = 1; i <= 2; ++i) {
      const json back = json::parse(io::readWholeFile(out.filePath(QStringLiteral("img%1.json").arg(i)).toStdString()));
      QCOMPARE(back["shapes"].size(), size_t(2));
      QCOMPARE(back["shapes"][0], shapes[size_t(i - 1)][0]);
      QCOMPARE(back["shapes"][1], shapes[size_t(i - 1)][1]);
    }
  }

  void importingTheOpenFoldersLabelmeFilesKeepsEveryImageListed() {
    // A folder is opened (its first image shown, so the project knows only that one); File ▸
    // Import ▸ labelme of the same folder: both images stay listed and D reaches the second with
    // its objects (the list once became the one image the project did not know yet).
    Harness h;
    QVERIFY(h.start(2));
    MainWindow& w = *h.window;
    for (int i = 1; i <= 2; ++i) {
      const json square = {{"label", "disc"}, {"points", {{10.0 * i, 10}, {60, 10}, {60, 60}, {10.0 * i, 60}}}, {"group_id", nullptr},
                           {"description", ""}, {"shape_type", "polygon"}, {"flags", json::object()}, {"mask", nullptr}};
      const json file = {{"version", "5.5.0"}, {"flags", json::object()}, {"shapes", {square, square}},
                         {"imagePath", "img" + std::to_string(i) + ".png"}, {"imageData", nullptr}, {"imageHeight", 240}, {"imageWidth", 320}};
      io::writeFileAtomically(h.dir.filePath(QStringLiteral("img%1.json").arg(i)).toStdString(), file.dump());
    }
    QAction* labelme = menuAction(w, QStringLiteral("labelme / X-AnyLabeling Folder…"));
    QVERIFY(labelme);
    answerNextFileDialog(h.dir.path());
    labelme->trigger();  // the menu entry
    QTRY_COMPARE(h.project().objects().size(), size_t(4));
    QCOMPARE(w.folders()->folder().images().size(), qsizetype(2));
    QVERIFY(w.currentImagePath().endsWith(QStringLiteral("img1.png")));
    w.activateWindow();  // the window system gives the window the keyboard back after the dialog
    QVERIFY(QTest::qWaitForWindowActive(&w));
    test::clickCanvas(w, {300, 230});  // the keyboard goes to the canvas
    test::press(Qt::Key_D);
    QTRY_VERIFY(w.currentImagePath().endsWith(QStringLiteral("img2.png")));
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(2));
  }

  void aCocoFileImportsTheSameWay() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("coco.json"));
    io::writeFileAtomically(file.toStdString(), io::exportCoco(makeSampleProject()).coco.dump());
    Harness h;
    QVERIFY(h.start(1));
    const size_t before = h.project().objects().size();
    const io::InterchangeReport report = h.window->imports()->importFrom(ui::ImportController::Format::Coco, file);
    QCOMPARE(report.objectsAdded, size_t(3));
    QCOMPARE(h.project().objects().size(), before + 3);
    QVERIFY(h.project().categoryByName("people"));
    const io::InterchangeReport broken = h.window->imports()->importFrom(ui::ImportController::Format::Coco, dir.filePath(QStringLiteral("none.json")));
    QVERIFY(!broken.problems.empty());
    QCOMPARE(h.project().objects().size(), before + 3);  // nothing changed
  }
};

QTEST_MAIN(TestImport)
#include "tst_import.moc"
