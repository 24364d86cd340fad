// The GUI's workflows through the real main window with QTest events (offscreen), on a fake
// engine so each step is deterministic: brush strokes and their undo, class change by digit
// key, folders with next/previous, candidates (Tab), find similar (concept prompts by text and
// by class name are in tst_concept_labelling), select/merge/split, the
// export dialog (COCO accepted by the validator), engine errors, a bad bundle, the
// responsiveness of the GUI during a 2-second engine call, a screenshot with the class colour,
// and a seeded monkey test of 2,000+ random actions checked against the document invariants.

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QLabel>
#include <QProgressBar>
#include <QCheckBox>
#include <QCryptographicHash>
#include <QtTest>
#include <cmath>
#include <random>
#include <set>

#include "GuiHarness.h"
#include "engine/io/AtomicFile.h"
#include "engine/io/CocoValidator.h"
#include "engine/mask/Rle.h"
#include "support/TestSupport.h"
#include "ui/dialogs/ExportDialog.h"
#include "engine/workflow/ProjectExport.h"
#include "ui/engine/BundleTrust.h"
#include "ui/dialogs/ReviewGallery.h"
#include "ui/widgets/TextPromptBar.h"
#include "ui/MainWindow.h"
#include "ui/controllers/BatchController.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ProjectController.h"
#include "ui/session/LabelSession.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/docks/ClassesDock.h"
#include "ui/docks/ImagesDock.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/tools/BrushTool.h"
#include "ui/session/PromptSession.h"

using namespace sam3;
using ui::MainWindow;
using ui::ToolKind;

using test::at;
using test::drag;
using test::writeFolder;
using test::Harness;

class TestGuiWorkflows : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() {
    QSettings().clear();
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Ambiguous shortcut")));  // such a key fires nothing
  }

  void brushStrokeAddsAreaAndOneUndoRemovesIt() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    const int64_t id = h.project().objectsOfImage(w.currentImageId()).front()->id;
    const int64_t before = mask::area(h.project().object(id)->mask);
    w.session()->setSelection({id});
    test::press(Qt::Key_R);  // brush
    QCOMPARE(w.currentTool(), ToolKind::Brush);
    drag(w, {150, 120}, {220, 120});
    const int64_t after = mask::area(h.project().object(id)->mask);
    QVERIFY2(after > before + 1000, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
    test::press(Qt::Key_E);  // eraser, one stroke through the middle
    drag(w, {100, 80}, {100, 160});
    const int64_t erased = mask::area(h.project().object(id)->mask);
    QVERIFY(erased < after);
    test::press(Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(mask::area(h.project().object(id)->mask), after);  // exactly the eraser stroke undone
    test::press(Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(mask::area(h.project().object(id)->mask), before);  // exactly the brush stroke undone
    // Brush radius keys.
    const double radius = w.brushTool()->radius();
    test::press(Qt::Key_BracketRight);
    QVERIFY(w.brushTool()->radius() > radius);
    // Painting with nothing selected makes a new object.
    w.session()->setSelection({});
    test::press(Qt::Key_R);
    drag(w, {250, 40}, {290, 60});
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(2));
    // As a prompt, a stroke goes to the engine instead.
    w.session()->setBrushAsPrompt(true);
    w.session()->setSelection({});
    QSignalSpy ready(w.engineService(), &ui::EngineService::predictionReady);
    drag(w, {140, 100}, {180, 140});
    QVERIFY(ready.wait(10000));
    QVERIFY(!w.promptSession()->prompt().maskLogits.empty());
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(2));
  }

  void hoverPreviewShowsTheMaskBeforeAClick() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    w.session()->setHoverPreview(true);
    QSignalSpy ready(w.engineService(), &ui::EngineService::predictionReady);
    QTest::mouseMove(w.canvas(), at(w, {100, 120}));
    QVERIFY(ready.wait(10000));
    QVERIFY(w.session()->liveMask().at(120, 100));
    QVERIFY(w.promptSession()->prompt().empty());  // a preview, not a click
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    QCOMPARE(h.project().objects().size(), size_t(1));
  }

  void digitKeysChooseTheClass() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    w.document()->addCategory(QStringLiteral("cat"), {255, 0, 255});
    w.document()->addCategory(QStringLiteral("dog"), {0, 255, 255});
    QCOMPARE(w.classesDock()->list()->count(), 3);  // the default class + 2
    test::press(Qt::Key_3);
    const int dog = h.project().categoryByName("dog")->id;
    QCOMPARE(w.session()->currentCategory(), dog);
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    const int64_t id = h.project().objects().begin()->first;
    QCOMPARE(h.project().object(id)->categoryId, dog);
    // With the object selected, a digit changes its class (one undo step).
    w.selectTool(ToolKind::Select);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {100, 120}));
    QCOMPARE(w.session()->selection(), std::set<int64_t>{id});
    test::press(Qt::Key_2);
    QCOMPARE(h.project().object(id)->categoryId, h.project().categoryByName("cat")->id);
    test::press(Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(h.project().object(id)->categoryId, dog);
  }

  void nextAndPreviousKeepEachImagesObjects() {
    Harness h;
    QVERIFY(h.start(3));
    MainWindow& w = *h.window;
    QCOMPARE(w.imagesDock()->list()->count(), 3);
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    const int first = w.currentImageId();
    test::press(Qt::Key_D);
    QCOMPARE(w.currentImagePath(), h.images[1]);
    QVERIFY(w.currentImageId() != first);
    QVERIFY(h.project().objectsOfImage(w.currentImageId()).empty());
    QVERIFY(h.click({120, 120}));
    test::press(Qt::Key_Return);
    QVERIFY(h.click({200, 60}));
    test::press(Qt::Key_Return);
    test::press(Qt::Key_PageDown);
    QCOMPARE(w.currentImagePath(), h.images[2]);
    QVERIFY(!w.folders()->nextImage());  // the last one
    test::press(Qt::Key_A);
    test::press(Qt::Key_PageUp);
    QCOMPARE(w.currentImagePath(), h.images[0]);
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(1));
    test::press(Qt::Key_D);
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(2));
    // Status badges and "next unfinished".
    QVERIFY(w.imagesDock()->status(h.images[1]).contains(QStringLiteral("progress")));
    w.folders()->markImageDone(true);
    QVERIFY(w.imagesDock()->status(h.images[1]).contains(QStringLiteral("done")));
    test::press(Qt::Key_N);
    QCOMPARE(w.currentImagePath(), h.images[2]);
    test::press(Qt::Key_N);
    QCOMPARE(w.currentImagePath(), h.images[0]);  // skips the done one
  }

  void tabCyclesCandidatesAndErrorsKeepThePrompt() {
    Harness h;
    h.config->candidates = 3;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({100, 120}));
    QCOMPARE(w.session()->candidateCount(), 3);
    const int64_t first = w.session()->liveMask().area();
    test::press(Qt::Key_Tab);
    QCOMPARE(w.session()->candidateIndex(), 1);
    QVERIFY(w.session()->liveMask().area() > first);
    test::press(Qt::Key_Return);
    QCOMPARE(mask::area(h.project().objects().begin()->second.mask), w.session()->liveMask().empty() ? mask::area(h.project().objects().begin()->second.mask) : -1);
    h.config->failWith = "out of memory on the device";
    QSignalSpy failed(w.engineService(), &ui::EngineService::predictionFailed);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {200, 100}));
    QVERIFY(failed.wait(10000));
    const auto status = failed.first().at(1).value<segment::Status>();
    QCOMPARE(status.code, segment::StatusCode::EngineFailure);
    QVERIFY(QString::fromStdString(status.message).contains(QStringLiteral("out of memory")));
    QCOMPARE(w.promptSession()->prompt().clicks.size(), size_t(1));  // the work in progress is kept
  }

  void findSimilarCandidatesAcceptRejectAndUndo() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    test::press(Qt::Key_F);
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    drag(w, {40, 40}, {80, 80});
    QVERIFY(found.wait(10000));
    QCOMPARE(w.session()->similarCandidates().size(), size_t(3));
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {140, 60}));  // reject the middle one
    QCOMPARE(w.session()->similarCandidates().size(), size_t(2));
    test::press(Qt::Key_Return);
    QCOMPARE(h.project().objectsOfImage(w.currentImageId()).size(), size_t(2));
    QVERIFY(w.session()->similarCandidates().empty());
    test::press(Qt::Key_Z, Qt::ControlModifier);  // one step for the batch
    QVERIFY(h.project().objects().empty());
  }

  void folderBatchWithReviewGallery() {
    Harness h;
    QVERIFY(h.start(3));
    MainWindow& w = *h.window;
    test::press(Qt::Key_F);
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    drag(w, {40, 40}, {80, 80});
    QVERIFY(found.wait(10000));
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    QVERIFY(w.batch()->labelFolderWithExemplars());
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QTRY_VERIFY(w.batch()->reviewGallery());
    ui::ReviewGallery* gallery = w.batch()->reviewGallery();
    QCOMPARE(gallery->list()->count(), 9);  // 3 per image
    QVERIFY(gallery->list()->item(0)->text().contains(QStringLiteral("0.90")));  // best first
    gallery->list()->item(8)->setCheckState(Qt::Unchecked);  // reject one
    QTest::mouseClick(gallery->acceptButton(), Qt::LeftButton);
    QCOMPARE(h.project().objects().size(), size_t(8));
    std::set<int> images;
    for (const auto& entry : h.project().objects()) images.insert(entry.second.imageId);
    QCOMPARE(images.size(), size_t(3));
    QCOMPARE(w.currentImagePath(), h.images[0]);  // the user's image stays
    w.document()->undoStack()->undo();  // one step
    QVERIFY(h.project().objects().empty());
  }

  void selectMergeSplitDelete() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({60, 60}));
    test::press(Qt::Key_Return);
    QVERIFY(h.click({200, 60}));
    test::press(Qt::Key_Return);
    w.selectTool(ToolKind::Select);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {60, 60}));
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::ShiftModifier, at(w, {200, 60}));
    QCOMPARE(w.session()->selection().size(), size_t(2));
    test::press(Qt::Key_M, Qt::ControlModifier);
    QCOMPARE(h.project().objects().size(), size_t(1));
    test::press(Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);  // split the two discs again
    QCOMPARE(h.project().objects().size(), size_t(2));
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {200, 60}));
    test::press(Qt::Key_Delete);
    QCOMPARE(h.project().objects().size(), size_t(1));
    // A locked object is not deleted.
    const int64_t remaining = h.project().objects().begin()->first;
    QVERIFY(w.document()->setLocked(remaining, true));
    w.session()->setSelection({remaining});
    test::press(Qt::Key_Delete);
    QCOMPARE(h.project().objects().size(), size_t(1));
    for (int i = 0; i < 4; ++i) test::press(Qt::Key_Z, Qt::ControlModifier);  // lock, delete, split, merge
    QCOMPARE(h.project().objects().size(), size_t(2));  // back to the two accepted objects
  }

  void aNewcomersFirstMinute() {
    // The status bar names the engine in words and a hint line says what to do next; F1 lists
    // every key from the menus themselves; View settings come back as they were drawn.
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    auto* engine = w.statusBar()->findChild<QLabel*>(QStringLiteral("engineLabel"));
    auto* hint = w.statusBar()->findChild<QLabel*>(QStringLiteral("hintLabel"));
    QVERIFY(engine && hint);
    QTRY_COMPARE(engine->text(), QStringLiteral("Classic engine — no SAM3 model; Tools ▸ Models"));
    QVERIFY2(hint->text().startsWith(QStringLiteral("Click an object")), qPrintable(hint->text()));
    QVERIFY(h.click({100, 120}));
    QVERIFY2(hint->text().startsWith(QStringLiteral("Enter keeps it")), qPrintable(hint->text()));
    test::press(Qt::Key_Return);
    QVERIFY2(hint->text().startsWith(QStringLiteral("Click an object")), qPrintable(hint->text()));
    test::press(Qt::Key_F1);
    QDialog* keys = nullptr;
    QTRY_VERIFY((keys = w.findChild<QDialog*>(QStringLiteral("shortcutsDialog"))) && keys->isVisible());
    auto* table = keys->findChild<QTableWidget*>();
    QVERIFY(table && table->rowCount() > 30);
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r) rows << table->item(r, 0)->text() + QLatin1Char('|') + table->item(r, 1)->text();
    QVERIFY2(rows.filter(QStringLiteral("|Redo")).value(0).contains(QStringLiteral("Ctrl+Y")), qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY(rows.contains(QStringLiteral("T|Find by Text…")) && rows.contains(QStringLiteral("Tab|Next Candidate Mask")));
    keys->close();
    // Outlines Only (O) is remembered, and its menu entry says so in the next window.
    test::clickCanvas(w, {300, 230});
    test::press(Qt::Key_O);
    QVERIFY(w.overlayStyle().outlineOnly);
    MainWindow next(nullptr, test::fakeEngine(h.config));
    QVERIFY(next.overlayStyle().outlineOnly);
    QAction* outlines = test::menuAction(next, QStringLiteral("Outlines Only"));
    QVERIFY(outlines && outlines->isChecked());
  }

  void tabWalksCandidatesInScoreOrderAndOtherwiseMovesTheFocus() {
    // With several candidate masks and the canvas focused, Tab shows them best first (the
    // engine returned 0.5, 0.31, 0.36: 0.31 came before 0.36); with none, Tab moves the
    // keyboard focus on, so the docks' buttons can be reached without a mouse.
    Harness h;
    h.config->candidates = 3;
    h.config->candidateScores = {0.5, 0.31, 0.36};
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({100, 120}));
    QVERIFY(w.canvas()->hasFocus());
    std::vector<int> radii;  // the fake's candidate i is a disc of radius 20 + 10 i
    for (int i = 0; i < 3; ++i) {
      radii.push_back(int(std::lround(std::sqrt(double(w.session()->liveMask().area()) / M_PI))));
      test::press(Qt::Key_Tab);
    }
    QCOMPARE(radii, (std::vector<int>{20, 40, 30}));  // 0.5, 0.36, 0.31
    QVERIFY(w.canvas()->hasFocus());
    test::press(Qt::Key_Escape);  // no candidates any more: Tab is the focus key again
    QWidget* reached = nullptr;
    for (int i = 0; i < 60 && !reached; ++i) {
      test::press(Qt::Key_Tab);
      auto* button = qobject_cast<QPushButton*>(QApplication::focusWidget());
      if (button && w.classesDock()->isAncestorOf(button) && button->text().remove(QLatin1Char('&')) == QStringLiteral("Add")) reached = button;
    }
    QVERIFY2(reached, "Tab never reached the Classes dock's Add button");
  }

  void theAcceptedObjectIsSelectedSoTheBrushEditsIt() {
    // Enter keeps the mask and selects the new object: the next brush stroke adds to it
    // instead of making a second object in the same colour.
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    QCOMPARE(h.project().objects().size(), size_t(1));
    const int64_t id = h.project().objects().begin()->first;
    QCOMPARE(w.session()->selection(), (std::set<int64_t>{id}));
    const int64_t before = mask::area(h.project().object(id)->mask);
    test::press(Qt::Key_R);  // Brush
    drag(w, {200, 60}, {230, 60});
    QCOMPARE(h.project().objects().size(), size_t(1));
    QVERIFY(mask::area(h.project().object(id)->mask) > before);
  }

  void exportDialogWritesValidCoco() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    test::press(Qt::Key_D);
    QVERIFY(h.click({150, 120}));
    test::press(Qt::Key_Return);
    test::press(Qt::Key_E, Qt::ControlModifier);  // File ▸ Export…
    ui::ExportDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = w.findChild<ui::ExportDialog*>()) && dialog->isVisible());
    QCOMPARE(size_t(dialog->formatBox()->count()), workflow::exportFormats().size());  // the command line's formats
    const QString out = h.dir.filePath(QStringLiteral("coco.json"));
    dialog->pathEdit()->setText(out);
    QSignalSpy finished(dialog, &ui::ExportDialog::finished);
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    auto* bar = dialog->findChild<QProgressBar*>();
    QVERIFY(bar && bar->value() == bar->maximum());  // it stopped at 0 % or 66 % before
    const nlohmann::json coco = nlohmann::json::parse(io::readWholeFile(out.toStdString()));
    QCOMPARE(coco["annotations"].size(), size_t(2));
    for (const auto& problem : io::validateCoco(coco)) QVERIFY2(problem.severity != io::CocoProblem::Severity::Error, problem.message.c_str());
    // file_name relative to the image root (the images' folder, shown in the dialog), as COCO
    // loaders expect; absolute when asked.
    QCOMPARE(QDir::cleanPath(dialog->imageRootEdit()->text()), QDir::cleanPath(h.dir.path()));
    QCOMPARE(coco["images"][0]["file_name"].get<std::string>(), std::string("img1.png"));
    QTest::mouseClick(dialog->absolutePathsBox(), Qt::LeftButton, Qt::NoModifier, QPoint(4, dialog->absolutePathsBox()->height() / 2));
    QVERIFY(dialog->absolutePathsBox()->isChecked() && !dialog->imageRootEdit()->isEnabled());
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    const nlohmann::json absolute = nlohmann::json::parse(io::readWholeFile(out.toStdString()));
    QCOMPARE(QString::fromStdString(absolute["images"][0]["file_name"].get<std::string>()), QDir(h.dir.path()).filePath(QStringLiteral("img1.png")));
    // A folder format, image by image.
    dialog->formatBox()->setCurrentIndex(4);
    dialog->pathEdit()->setText(h.dir.filePath(QStringLiteral("instances")));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QVERIFY(!QDir(h.dir.filePath(QStringLiteral("instances"))).entryList({QStringLiteral("*.png")}).isEmpty());
    // The formats labellers use: labelme JSON per image, VOC PNGs, COCO results.
    dialog->formatBox()->setCurrentIndex(6);
    dialog->pathEdit()->setText(h.dir.filePath(QStringLiteral("labelme")));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    const nlohmann::json img1 = nlohmann::json::parse(io::readWholeFile(h.dir.filePath(QStringLiteral("labelme/img1.json")).toStdString()));
    QCOMPARE(img1["shapes"].size(), size_t(1));
    QCOMPARE(img1["imagePath"].get<std::string>(), std::string("../img1.png"));
    dialog->formatBox()->setCurrentIndex(7);
    dialog->pathEdit()->setText(h.dir.filePath(QStringLiteral("voc")));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QVERIFY(QFileInfo::exists(h.dir.filePath(QStringLiteral("voc/SegmentationClass/img2.png"))));
    dialog->formatBox()->setCurrentIndex(5);
    dialog->pathEdit()->setText(h.dir.filePath(QStringLiteral("results.json")));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(nlohmann::json::parse(io::readWholeFile(h.dir.filePath(QStringLiteral("results.json")).toStdString())).size(), size_t(2));
  }

  void guiStaysResponsiveDuringATwoSecondEngineCall() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    h.config->delayMs = 2000;
    QSignalSpy ready(w.engineService(), &ui::EngineService::predictionReady);
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {100, 120}));
    QVERIFY(clock.elapsed() < 500);  // the click returned at once
    // While the engine sleeps, the event loop keeps running: timers fire on time and the
    // canvas still zooms.
    qint64 worstGap = 0, last = clock.elapsed();
    int ticks = 0;
    QTimer timer;
    timer.setInterval(20);
    QObject::connect(&timer, &QTimer::timeout, [&] {
      worstGap = std::max(worstGap, clock.elapsed() - last);
      last = clock.elapsed();
      ++ticks;
    });
    timer.start();
    const double zoom = w.canvas()->zoom();
    test::press(Qt::Key_Plus, Qt::ControlModifier);
    QVERIFY(w.canvas()->zoom() > zoom);
    QVERIFY(ready.wait(10000));
    QVERIFY2(clock.elapsed() >= 1900, "the fake engine did not take its two seconds");
    QVERIFY2(ticks >= 40, qPrintable(QString::number(ticks)));
    QVERIFY2(worstGap < 250, qPrintable(QStringLiteral("worst event-loop gap %1 ms").arg(worstGap)));
    QVERIFY(!w.session()->liveMask().empty());
  }

  void slowEncodingShowsElapsedOfTheLastEncode() {
    // A real backbone on a CPU takes minutes: after one full encode the status bar counts the
    // next one against it with a filling bar, instead of an endless spinner.
    Harness h;
    h.config->encodeDelayMs = 1500;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY_WITH_TIMEOUT(!w.engineService()->encodingImage(), 10000);
    QVERIFY2(w.engineService()->expectedEncodingMs() >= 1400, qPrintable(QString::number(w.engineService()->expectedEncodingMs())));
    auto* latency = w.findChild<QLabel*>(QStringLiteral("latencyLabel"));
    auto* bar = w.findChild<QProgressBar*>(QStringLiteral("busyBar"));
    QVERIFY(latency && bar);
    test::press(Qt::Key_D);  // the next image encodes for another 1.5 s
    QTRY_VERIFY_WITH_TIMEOUT(latency->text().contains(QStringLiteral("of about 2 s")), 5000);
    QCOMPARE(bar->maximum(), 100);
    QVERIFY(bar->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!w.engineService()->encodingImage(), 10000);
  }

  void badBundleKeepsTheCurrentEngine() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QSignalSpy failed(w.engineService(), &ui::EngineService::engineLoadFailed);
    w.loadBundle(h.dir.filePath(QStringLiteral("missing.sam3bundle")));
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("not a model bundle")));
    QCOMPARE(w.engineService()->engine().name, QStringLiteral("fake"));
    QVERIFY(h.click({100, 120}));  // still segments
  }

  void sam3BundleInTheGui() {
    // The real engine on the fixture bundle: load it from the GUI, click, and watch the next
    // images of the folder get encoded in the background.
    if (!test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    QTemporaryDir bundleDir;
    const QString bundle = bundleDir.filePath(QStringLiteral("fixture.sam3bundle"));
    const QString error = test::makeFixtureBundle(bundle);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTemporaryDir folder;
    const QStringList images = writeFolder(folder.path(), 3);
    MainWindow w;  // the default engine factory: classic first
    w.resize(1000, 700);
    QVERIFY(test::showActive(w));
    QVERIFY(w.openFolder(folder.path()));
    QSignalSpy changed(w.engineService(), &ui::EngineService::engineChanged);
    QSignalSpy preEncoded(w.engineService(), &ui::EngineService::preEncoded);
    // Bundles are code: the first use asks, showing who made it and the manifest's checksum.
    const ui::BundleIdentity identity = ui::BundleTrust::describe(bundle);
    QVERIFY2(identity.error.isEmpty(), qPrintable(identity.error));
    QString asked;
    test::answerNextMessageBox(QStringLiteral("Cancel"), &asked);
    w.loadBundle(bundle);
    // The real SHA-256 of manifest.json (what sha256sum prints), computed here by Qt's own hash.
    QFile manifest(QDir(bundle).filePath(QStringLiteral("manifest.json")));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QString sha256 = QString::fromLatin1(QCryptographicHash::hash(manifest.readAll(), QCryptographicHash::Sha256).toHex());
    QCOMPARE(identity.manifestSha256, sha256);
    QVERIFY2(asked.contains(sha256) && asked.contains(QStringLiteral("exporter")), qPrintable(asked));
    QVERIFY(!changed.wait(500));  // declined: not loaded
    QVERIFY(!w.engineService()->engine().name.contains(QStringLiteral("SAM3")));
    asked.clear();
    test::answerNextMessageBox(QStringLiteral("Trust and Load"), &asked);
    w.loadBundle(bundle);
    QVERIFY(!asked.isEmpty());
    QVERIFY(changed.wait(60000));
    QVERIFY(ui::BundleTrust::isTrusted(identity));  // remembered: the next load does not ask
    w.activateWindow();  // the dialog had the keyboard: shortcuts need the window active again
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(w.engineService()->engine().name.contains(QStringLiteral("SAM3")));
    QVERIFY(w.engineService()->engine().capabilities.multimask);
    QSignalSpy ready(w.engineService(), &ui::EngineService::predictionReady);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {100, 120}));
    QVERIFY(ready.wait(60000));
    QCOMPARE(w.session()->candidateCount(), 3);  // SAM's three masks for a single click
    if (test::fixtureHasText(bundle)) {
      // Find by text on the real engine: phrase → candidates → threshold → accept → undo.
      QTRY_VERIFY(w.textPromptBar()->phraseBox()->isEnabled());
      w.textPromptBar()->thresholdSlider()->setValue(0);
      QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
      test::press(Qt::Key_T);
      test::typeText(QStringLiteral("a red disc"));
      test::press(Qt::Key_Return);
      QVERIFY(found.wait(60000));
      const size_t all = w.session()->similarCandidates().size();
      QVERIFY(all > 0);
      w.textPromptBar()->thresholdSlider()->setValue(100);
      QVERIFY(w.session()->similarCandidates().size() < all);
      w.textPromptBar()->thresholdSlider()->setValue(0);
      QCOMPARE(w.session()->similarCandidates().size(), all);  // nothing was lost by filtering
      w.canvas()->setFocus();
      test::press(Qt::Key_Return);
      QCOMPARE(w.document()->project().objectsOfImage(w.currentImageId()).size(), all);
      test::press(Qt::Key_Z, Qt::ControlModifier);
      QVERIFY(w.document()->project().objectsOfImage(w.currentImageId()).empty());
    }
    test::press(Qt::Key_D);   // the next image starts the look-ahead encoding
    QTRY_VERIFY_WITH_TIMEOUT(preEncoded.size() >= 2, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(w.imagesDock()->status(images[2]) == QStringLiteral("encoded"), 60000);
    QSettings().remove(QStringLiteral("engine/bundle"));
  }

  void screenshotShowsTheClassColour() {
    Harness h;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    const int magenta = w.document()->addCategory(QStringLiteral("magenta"), {255, 0, 255});
    test::press(Qt::Key_2);
    QCOMPARE(w.session()->currentCategory(), magenta);
    QVERIFY(h.click({100, 120}));
    test::press(Qt::Key_Return);
    w.setOverlayStyle({255, false});  // opaque fill: the pixels are exactly the class colour
    QCoreApplication::processEvents();
    const QImage shot = w.grab().toImage();
    const QString path = test::outputDir() + QStringLiteral("/gui_class_colour.png");
    QVERIFY(shot.save(path));
    const QPoint inside = w.canvas()->mapTo(&w, at(w, {100, 120}));
    const QColor pixel = shot.pixelColor(inside * shot.devicePixelRatio());
    QVERIFY2(pixel == QColor(255, 0, 255), qPrintable(pixel.name()));
    const QPoint outside = w.canvas()->mapTo(&w, at(w, {280, 200}));
    QVERIFY(shot.pixelColor(outside * shot.devicePixelRatio()) != QColor(255, 0, 255));
  }

  void monkeyKeepsTheDocumentConsistent() {
    Harness h;
    h.config->candidates = 2;
    QVERIFY(h.start(3));
    MainWindow& w = *h.window;
    const annotation::Project initial = h.project();
    const int actions = test::runMonkey(w, 2200, 20261124);
    if (actions < 2200) QFAIL("an action left the window");
    // Let queued predictions land, then check the invariants.
    QTest::qWait(200);
    QCoreApplication::processEvents();
    const annotation::Project& p = h.project();
    std::set<int64_t> ids;
    for (const auto& [id, object] : p.objects()) {
      QCOMPARE(object.id, id);
      QVERIFY(ids.insert(id).second);
      QVERIFY(p.image(object.imageId));
      QVERIFY(p.category(object.categoryId));
      QCOMPARE(object.mask.height, p.image(object.imageId)->height);
      QCOMPARE(object.mask.width, p.image(object.imageId)->width);
      QVERIFY(id < p.nextObjectId());
    }
    const annotation::Project end = p;
    QUndoStack* undo = w.document()->undoStack();
    const int steps = undo->index();
    qInfo("%d actions, %zu objects, %d undo steps", actions, p.objects().size(), steps);
    undo->setIndex(0);
    QCOMPARE(p.objects(), initial.objects());  // undo to the start restores the initial state
    QCOMPARE(p.categories(), initial.categories());
    undo->setIndex(steps);
    QCOMPARE(p.objects(), end.objects());      // and redo brings every edit back
  }
};

QTEST_MAIN(TestGuiWorkflows)
#include "tst_gui_workflows.moc"
