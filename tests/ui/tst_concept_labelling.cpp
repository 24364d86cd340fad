// Concept labelling through the real main window (offscreen) on the fake engine: find by text
// (phrase, threshold, accept, undo), class names as prompts on the image and on the folder
// (review gallery, cancel keeping what was found), segment everything (candidates, grid
// option, Esc cancels, disabled without a model), and segment everything on the fixture SAM3
// bundle (masks without a shared pixel after NMS).

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QToolButton>
#include <QUndoStack>
#include <algorithm>
#include <set>

#include "GuiHarness.h"
#include "ui/engine/BundleTrust.h"
#include "support/TestSupport.h"
#include "ui/dialogs/ReviewGallery.h"
#include "ui/widgets/TextPromptBar.h"
#include "ui/controllers/BatchController.h"
#include "ui/docks/ClassesDock.h"
#include "ui/session/LabelSession.h"

using namespace sam3;
using test::at;
using test::drag;
using test::Harness;
using ui::MainWindow;

namespace {

// A picture of `widget` in the test output folder, for the review of the concept tools.
void screenshot(QWidget* widget, const QString& name) {
  QCoreApplication::processEvents();
  const QString path = test::outputDir() + QLatin1Char('/') + name;
  QVERIFY2(widget->grab().save(path), qPrintable(path));
}

QAction* actionNamed(MainWindow& w, const QString& text) {
  for (QAction* a : w.findChildren<QAction*>()) {
    if (a->text().remove(QLatin1Char('&')) == text) return a;
  }
  return nullptr;
}

}  // namespace

class TestConceptLabelling : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() {
    QSettings().clear();
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Ambiguous shortcut")));  // such a key fires nothing
  }

  void findByTextThresholdAcceptAndUndo() {
    // T focuses the phrase box; Enter sends the phrase (with the exemplars drawn) as one
    // concept prompt; the slider hides low scores without a model run and asks again only
    // below what was asked for; Enter accepts every candidate in one step with the class.
    Harness h;
    h.config->text = true;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.textPromptBar()->phraseBox()->isEnabled());
    test::press(Qt::Key_F);
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    drag(w, {40, 40}, {80, 80});  // an exemplar first: it joins the phrase
    QVERIFY(found.wait(10000));
    test::press(Qt::Key_T);
    QTRY_VERIFY(w.textPromptBar()->phraseBox()->hasFocus());
    test::typeText(QStringLiteral("round things"));
    test::press(Qt::Key_Return);
    QVERIFY(found.wait(10000));
    QCOMPARE(h.config->lastText, std::string("round things"));
    QCOMPARE(h.config->lastExemplars, size_t(1));
    QCOMPARE(w.session()->similarCandidates().size(), size_t(3));  // 0.9, 0.7, 0.5 at the default 0.5
    const int searches = h.config->searches;
    w.textPromptBar()->thresholdSlider()->setValue(80);
    QCOMPARE(w.session()->similarCandidates().size(), size_t(1));
    QCOMPARE(int(h.config->searches), searches);  // filtered, not run again
    w.textPromptBar()->thresholdSlider()->setValue(20);
    QVERIFY(found.wait(10000));
    QCOMPARE(int(h.config->searches), searches + 1);
    QCOMPARE(w.session()->similarCandidates().size(), size_t(4));
    QCOMPARE(w.textPromptBar()->phraseBox()->itemText(0), QStringLiteral("round things"));  // remembered
    screenshot(&w, QStringLiteral("concept_text_candidates.png"));
    w.session()->chooseCategoryRow(0);
    w.canvas()->setFocus();
    test::press(Qt::Key_Return);
    const auto objects = h.project().objectsOfImage(w.currentImageId());
    QCOMPARE(objects.size(), size_t(4));
    QCOMPARE(objects.front()->categoryId, w.session()->currentCategory());
    QCOMPARE(objects.front()->promptHistory.at(0).at("text").get<std::string>(), std::string("round things"));
    QVERIFY(w.session()->similarCandidates().empty() && w.session()->phrase().isEmpty());
    test::press(Qt::Key_Z, Qt::ControlModifier);  // one undo step
    QVERIFY(h.project().objects().empty());
  }

  void enterInThePhraseBoxSearchesEvenWithALiveMask() {
    // The steps in a real window: click the image (a live mask), click into the phrase
    // box, type, Enter: the phrase is searched; the live mask is not accepted as an object.
    Harness h;
    h.config->text = true;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.textPromptBar()->phraseBox()->isEnabled());
    QVERIFY(h.click({100, 120}));
    QVERIFY(!w.session()->liveMask().empty());
    QLineEdit* field = w.textPromptBar()->phraseBox()->lineEdit();
    QTest::mouseClick(field, Qt::LeftButton, Qt::NoModifier, field->rect().center());
    QTRY_VERIFY(w.textPromptBar()->phraseBox()->hasFocus());
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    test::typeText(QStringLiteral("cat"));
    test::press(Qt::Key_Return);
    QVERIFY(found.wait(10000));
    QCOMPARE(h.config->lastText, std::string("cat"));
    QVERIFY(h.project().objects().empty());  // not "Added object 1"
    QCOMPARE(w.session()->similarCandidates().size(), size_t(3));
  }

  void classNamesAsPrompts() {
    // Ctrl+T asks for every class by its name in turn; each candidate keeps its class, and
    // Enter accepts them all, each with its own class, in one undo step.
    Harness h;
    h.config->text = true;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.engineService()->engine().capabilities.text);
    const int car = w.document()->addCategory(QStringLiteral("car"), {255, 0, 0});
    const int dog = w.document()->addCategory(QStringLiteral("dog"), {0, 0, 255});
    const int classes = int(h.project().categories().size());  // "object" too
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    test::press(Qt::Key_T, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), classes, 10000);
    QTRY_COMPARE(w.session()->similarCandidates().size(), size_t(3 * classes));  // 0.9, 0.7, 0.5 per class
    QCOMPARE(h.config->lastText, std::string("dog"));
    const std::vector<int> candidateClasses = w.session()->candidateClasses();
    QCOMPARE(std::count(candidateClasses.begin(), candidateClasses.end(), car), 3L);
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {100, 120}));  // Point tool: not a rejection
    w.canvas()->setFocus();
    test::press(Qt::Key_Return);
    const auto objects = h.project().objectsOfImage(w.currentImageId());
    QCOMPARE(objects.size(), size_t(3 * classes));
    QCOMPARE(std::count_if(objects.begin(), objects.end(), [dog](const auto* o) { return o->categoryId == dog; }), 3L);
    QCOMPARE(w.document()->undoStack()->count() > 0, true);
    test::press(Qt::Key_Z, Qt::ControlModifier);  // one step for every class
    QVERIFY(h.project().objectsOfImage(w.currentImageId()).empty());
  }

  void findByTextIsDisabledWithoutAPhraseEngine() {
    Harness h;
    QVERIFY(h.start());
    QTRY_VERIFY(h.window->textPromptBar()->phraseBox()->toolTip().contains(QStringLiteral("SAM3 model bundle")));
    QVERIFY(!h.window->textPromptBar()->phraseBox()->isEnabled());
  }

  void folderBatchWithTheClassNames() {
    // Every class name as a phrase on every image; the gallery groups the hits by class; the
    // kept ones are added with their classes in one step. Without a phrase engine: refused.
    Harness h;
    h.config->text = true;
    QVERIFY(h.start(3));
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.engineService()->engine().capabilities.text);
    const int car = w.document()->addCategory(QStringLiteral("car"), {255, 0, 0});
    const int classes = int(h.project().categories().size());  // "object" and "car"
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    test::press(Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(finished.wait(20000));
    QTRY_VERIFY(w.batch()->reviewGallery());
    ui::ReviewGallery* gallery = w.batch()->reviewGallery();
    QCOMPARE(gallery->list()->count(), 3 * 3 * classes);  // 3 images x 3 hits at 0.5 x each class
    QVERIFY(gallery->list()->item(0)->text().startsWith(QStringLiteral("car · ")));  // grouped by class
    QVERIFY(gallery->list()->item(9)->text().startsWith(QStringLiteral("object · ")));
    QTest::mouseClick(gallery->acceptButton(), Qt::LeftButton);
    QCOMPARE(h.project().objects().size(), size_t(9 * classes));
    int cars = 0;
    for (const auto& entry : h.project().objects()) cars += entry.second.categoryId == car;
    QCOMPARE(cars, 9);
    w.document()->undoStack()->undo();  // one step for every class
    QVERIFY(h.project().objects().empty());
    h.config->text = false;
    w.useClassicEngine();  // the fake factory is not used again: the classic engine takes no phrases
    QTRY_VERIFY(!w.engineService()->engine().capabilities.text);
    QVERIFY(!w.batch()->labelFolderWithClassNames());
  }


  void classPhrasesAskEachAlternativeOnce() {
    // Class "car" with the phrase "auto, van": both are asked, on the image and on the folder;
    // the same object found by both is kept once. The phrase shows in the Classes dock and is
    // an undoable edit.
    Harness h;
    h.config->text = true;
    QVERIFY(h.start(2));
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.engineService()->engine().capabilities.text);
    const int car = w.document()->addCategory(QStringLiteral("car"), {255, 0, 0});
    QVERIFY(w.document()->setCategoryPhrase(car, QStringLiteral(" auto, van ")));
    QCOMPARE(h.project().category(car)->phrase, std::string("auto, van"));
    QVERIFY(!w.classesDock()->list()->findItems(QStringLiteral("“auto, van”"), Qt::MatchContains).isEmpty());
    const int phrases = int(h.project().categories().size()) + 1;  // "object", "car", "van"
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    QVERIFY(w.session()->labelWithClassNames());
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), phrases, 10000);
    QCOMPARE(h.config->lastText, std::string("van"));
    QTRY_COMPARE(w.session()->similarCandidates().size(), size_t(3 * 2));  // 3 per class: "van" found the same discs
    w.canvas()->setFocus();
    test::press(Qt::Key_Return);  // each object remembers the phrase that found it
    for (const annotation::AnnotationObject* o : h.project().objectsOfImage(w.currentImageId())) {
      QCOMPARE(o->promptHistory.at(0).at("text").get<std::string>(), std::string(o->categoryId == car ? "auto" : "object"));
    }
    w.document()->undoStack()->undo();
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    QVERIFY(w.batch()->labelFolderWithClassNames());
    QVERIFY(finished.wait(20000));
    QTRY_VERIFY(w.batch()->reviewGallery());
    QCOMPARE(w.batch()->reviewGallery()->list()->count(), 2 * 3 * 2);  // images x hits x classes
    screenshot(w.batch()->reviewGallery(), QStringLiteral("class_names_review_gallery.png"));
    screenshot(w.classesDock(), QStringLiteral("classes_dock_with_phrase.png"));
    w.batch()->reviewGallery()->reject();
    w.document()->undoStack()->undo();  // the phrase edit
    QVERIFY(h.project().category(car)->phrase.empty());
  }

  void segmentEverythingCandidatesAcceptAndUndo() {
    // Ctrl+Shift+A: the engine's distinct masks become candidates; the slider filters them
    // without running the model again; a click rejects one; Enter accepts the rest in one step.
    Harness h;
    h.config->everything = true;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.textPromptBar()->everythingButton()->isEnabled());
    QVERIFY(w.textPromptBar()->everythingButton()->isVisible());  // not behind a toolbar's overflow
    QVERIFY(w.textPromptBar()->phraseBox()->isVisible());
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    test::press(Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(found.wait(10000));
    QCOMPARE(h.config->lastGrid, 32);  // the default grid
    QCOMPARE(w.session()->similarCandidates().size(), size_t(5));
    screenshot(&w, QStringLiteral("everything_candidates.png"));
    w.textPromptBar()->thresholdSlider()->setValue(88);
    QCOMPARE(w.session()->similarCandidates().size(), size_t(2));  // 0.95 and 0.90
    w.textPromptBar()->thresholdSlider()->setValue(0);
    QCOMPARE(w.session()->similarCandidates().size(), size_t(5));
    QCOMPARE(int(h.config->everythingRuns), 1);  // filtered, never asked again
    test::press(Qt::Key_F);  // with the Find Similar tool a click on a candidate rejects it
    QTest::mouseClick(w.canvas(), Qt::LeftButton, Qt::NoModifier, at(w, {90, 200}));  // the second disc
    QCOMPARE(w.session()->similarCandidates().size(), size_t(4));
    w.canvas()->setFocus();
    test::press(Qt::Key_Return);
    const auto objects = h.project().objectsOfImage(w.currentImageId());
    QCOMPARE(objects.size(), size_t(4));
    QVERIFY(objects.front()->source.find("everything") != std::string::npos);
    QCOMPARE(objects.front()->promptHistory.at(0).at("type").get<std::string>(), std::string("everything"));
    test::press(Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(h.project().objects().empty());
    // The button's menu sets the grid, remembered for the next session.
    QMenu* menu = w.textPromptBar()->everythingButton()->menu();
    QAction* grid16 = nullptr;
    for (QAction* a : menu->actions()) {
      if (a->text().startsWith(QStringLiteral("Grid 16"))) grid16 = a;
    }
    QVERIFY(grid16);
    grid16->trigger();
    QCOMPARE(QSettings().value(QStringLiteral("everything/pointsPerSide")).toInt(), 16);
    QTest::mouseClick(w.textPromptBar()->everythingButton(), Qt::LeftButton);
    QVERIFY(found.wait(10000));
    QCOMPARE(h.config->lastGrid, 16);
  }

  void segmentEverythingIsDisabledWithoutAModel() {
    Harness h;  // the fake engine without the capability stands for the classic engine
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QToolButton* button = w.textPromptBar()->everythingButton();
    QTRY_VERIFY(button->toolTip().contains(QStringLiteral("SAM3 model bundle")));
    QVERIFY(!button->isEnabled());
    QAction* action = actionNamed(w, QStringLiteral("Segment Everything"));
    QVERIFY(action);
    QVERIFY(action->toolTip().contains(QStringLiteral("Tools ▸ Models")));
    // Its key says what to load (a silent key let the letters typed next reach the tool keys).
    test::clickCanvas(w, {5, 5});
    test::press(Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Needs a SAM3 model bundle")), qPrintable(w.statusBar()->currentMessage()));
    test::press(Qt::Key_T);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("text encoder")), qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(!w.session()->segmentEverything());  // asked directly: refused with a message
    QCOMPARE(int(h.config->everythingRuns), 0);
  }

  void escCancelsSegmentEverything() {
    Harness h;
    h.config->everything = true;
    h.config->everythingDelayMs = 5000;
    QVERIFY(h.start());
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.textPromptBar()->everythingButton()->isEnabled());
    QSignalSpy failed(w.engineService(), &ui::EngineService::similarFailed);
    QSignalSpy messages(w.session(), &ui::LabelSession::message);
    QVERIFY(w.session()->segmentEverything());
    QVERIFY(w.session()->everythingRunning());
    QTRY_COMPARE(int(h.config->everythingRuns), 1);  // the engine is working on it
    w.canvas()->setFocus();
    test::press(Qt::Key_Escape);
    QVERIFY(!w.session()->everythingRunning());
    QVERIFY(failed.wait(3000));  // long before the 5 s the engine would take
    QVERIFY(failed.first().at(1).value<segment::Status>().isCancelled());  // a code, not the word "cancelled"
    QVERIFY(w.session()->similarCandidates().empty());
  }

  void classNameFolderBatchCancelKeepsWhatWasFound() {
    // Cancel after the first image of a slow folder batch: the gallery opens with that image's
    // hits, grouped by class, and accepting them works as for a finished batch.
    Harness h;
    h.config->text = true;
    h.config->encodeDelayMs = 700;
    QVERIFY(h.start(4));
    MainWindow& w = *h.window;
    QTRY_VERIFY(w.engineService()->engine().capabilities.text);
    QSignalSpy imageDone(w.engineService(), &ui::EngineService::batchImageDone);
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    QVERIFY(w.batch()->labelFolderWithClassNames());
    QVERIFY(imageDone.wait(20000));
    QProgressDialog* progress = w.findChild<QProgressDialog*>();
    QVERIFY(progress);
    QPushButton* cancel = progress->findChild<QPushButton*>();
    QVERIFY(cancel);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);  // cancelled
    int hits = 0, imagesWithHits = 0;
    for (const QList<QVariant>& event : imageDone) {
      const auto found = qvariant_cast<std::vector<ui::BatchHit>>(event.at(2));
      for (const ui::BatchHit& hit : found) {  // the thumbnail tints the object in the candidates' orange
        const QRgb centre = hit.thumbnail.pixel(hit.thumbnail.width() / 2, hit.thumbnail.height() / 2);
        QVERIFY2(qRed(centre) > qBlue(centre) + 40, qPrintable(QStringLiteral("rgb %1 %2 %3").arg(qRed(centre)).arg(qGreen(centre)).arg(qBlue(centre))));
      }
      const auto n = int(found.size());
      hits += n;
      imagesWithHits += n > 0;
    }
    QVERIFY2(imagesWithHits >= 1 && imagesWithHits < 4, qPrintable(QString::number(imagesWithHits)));
    QCOMPARE(hits, 3 * imagesWithHits);  // 3 hits at 0.5 per image for the one class
    QTRY_VERIFY(w.batch()->reviewGallery());
    ui::ReviewGallery* gallery = w.batch()->reviewGallery();
    QCOMPARE(gallery->list()->count(), hits);  // everything found before the cancel
    QTest::mouseClick(gallery->acceptButton(), Qt::LeftButton);
    QCOMPARE(int(h.project().objects().size()), hits);
  }

  void sam3EverythingAndExemplarsFromAnotherImage() {
    // The real engine: a 4x4 grid with every filter open; after NMS and the exclusive claims
    // no pixel belongs to two candidates, and accepting adds them all in one step. Then
    // exemplars drawn on the first image label the folder (our extension, said in the window)
    // without an error on any image.
    if (!test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    QTemporaryDir bundleDir;
    const QString bundle = bundleDir.filePath(QStringLiteral("fixture.sam3bundle"));
    const QString error = test::makeFixtureBundle(bundle, /*withVariants=*/false);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTemporaryDir folder;
    test::writeFolder(folder.path(), 2);
    MainWindow w;
    w.resize(1000, 700);
    QVERIFY(test::showActive(w));
    QVERIFY(w.openFolder(folder.path()));
    QSignalSpy changed(w.engineService(), &ui::EngineService::engineChanged);
    ui::BundleTrust::trust(ui::BundleTrust::describe(bundle));  // asked about in tst_gui_workflows
    w.loadBundle(bundle);
    QVERIFY(changed.wait(60000));
    QTRY_VERIFY(w.textPromptBar()->everythingButton()->isEnabled());
    segment::EverythingOptions options;
    options.pointsPerSide = 4;
    options.minPredictedIou = 0.0;
    options.minStability = 0.0;
    w.session()->setEverythingOptions(options);
    w.textPromptBar()->thresholdSlider()->setValue(0);
    QSignalSpy found(w.engineService(), &ui::EngineService::similarReady);
    QTest::mouseClick(w.textPromptBar()->everythingButton(), Qt::LeftButton);
    QVERIFY(found.wait(120000));
    const std::vector<segment::Instance>& candidates = w.session()->similarCandidates();
    QVERIFY(!candidates.empty());
    std::vector<uint8_t> owners(size_t(candidates.front().mask.pixelCount()), 0);
    for (const segment::Instance& c : candidates) {
      QCOMPARE(c.mask.width(), 320);
      for (int64_t p = 0; p < c.mask.pixelCount(); ++p) owners[size_t(p)] += c.mask.data()[p];
    }
    QVERIFY(*std::max_element(owners.begin(), owners.end()) <= 1);
    screenshot(&w, QStringLiteral("everything_sam3_fixture.png"));
    const size_t count = candidates.size();
    w.canvas()->setFocus();
    test::press(Qt::Key_Return);
    QCOMPARE(w.document()->project().objectsOfImage(w.currentImageId()).size(), count);
    w.document()->undoStack()->undo();
    QVERIFY(w.document()->project().objectsOfImage(w.currentImageId()).empty());

    test::press(Qt::Key_F);
    drag(w, {60, 80}, {140, 160});
    QVERIFY(found.wait(60000));
    QSignalSpy imageDone(w.engineService(), &ui::EngineService::batchImageDone);
    QSignalSpy finished(w.engineService(), &ui::EngineService::batchFinished);
    QSignalSpy messages(w.batch(), &ui::BatchController::message);
    QVERIFY(w.batch()->labelFolderWithExemplars());
    QVERIFY(finished.wait(120000));
    QCOMPARE(imageDone.size(), 2);
    for (const QList<QVariant>& event : imageDone) QVERIFY2(event.at(3).toString().isEmpty(), qPrintable(event.at(3).toString()));
    bool said = false;
    for (const QList<QVariant>& m : messages) said |= m.at(0).toString().contains(QStringLiteral("our extension"));
    QVERIFY(said);
    QTRY_VERIFY(w.batch()->reviewGallery());
    w.batch()->reviewGallery()->reject();
    QSettings().remove(QStringLiteral("engine/bundle"));
  }
};

QTEST_MAIN(TestConceptLabelling)
#include "tst_concept_labelling.moc"
