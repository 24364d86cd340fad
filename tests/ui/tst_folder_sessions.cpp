// Folder sessions: a folder opened without a project is journaled from its first edit in an
// implicit project (FolderSessions), so a crash loses nothing and reopening the folder reopens
// its work; Save As moves it; an empty session leaves nothing behind; the title says where the
// work lives; unfiled edits (a sample) are never discarded silently on quit.

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QtTest>

#include "GuiHarness.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ProjectController.h"
#include "ui/document/FolderSessions.h"
#include "ui/session/LabelSession.h"

using namespace sam3;
using namespace sam3::test;

namespace {

// Labels one object with a click and Enter.
bool labelOne(Harness& h, QPointF at) {
  const size_t before = h.project().objects().size();
  if (!h.click(at)) return false;
  test::press(Qt::Key_Return);
  return h.project().objects().size() == before + 1;
}

// A second window on the fake engine over the same folder.
std::unique_ptr<MainWindow> reopen(Harness& h) {
  auto window = std::make_unique<MainWindow>(nullptr, test::fakeEngine(h.config));
  window->resize(1000, 700);
  window->show();
  return window;
}

// Answers the next modal message box with `button`.
void answerBox(QMessageBox::StandardButton button, bool* seen) {
  QTimer::singleShot(50, [button, seen] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) return;
    *seen = true;
    box->button(button)->click();
  });
}

}  // namespace

class TestFolderSessions : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() { QSettings().clear(); }

  void aFolderIsJournaledFromTheFirstEditAndACrashLosesNothing() {
    Harness h;
    QVERIFY(h.start());
    const QString project = h.window->document()->projectPath();
    QVERIFY2(ui::FolderSessions::isImplicit(project), qPrintable(project));
    QVERIFY(QFileInfo::exists(project));
    QVERIFY(labelOne(h, {100, 120}));
    QVERIFY(h.window->folders()->nextImage());
    QVERIFY(labelOne(h, {120, 120}));
    // Nothing was saved, yet both objects are on disk (the journal).
    QVERIFY(io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(project.toStdString())));
    QCOMPARE(io::loadProject(project.toStdString()).objects().size(), size_t(0));
    h.window.reset();  // dropped without closing, as a crash would (the lock file stays behind, too)

    auto again = reopen(h);
    bool asked = false;
    QString error;
    QVERIFY2(again->projects()->openSession({h.dir.path()}, [&](const ui::UnsavedEdits&) { asked = true; return true; }, &error), qPrintable(error));
    QVERIFY(asked);
    QCOMPARE(again->document()->projectPath(), project);
    QCOMPARE(again->document()->project().objects().size(), size_t(2));
    QCOMPARE(again->folders()->folder().images().size(), qsizetype(3));  // the folder, not only labelled images
  }

  void reopeningTheFolderAfterACleanQuitReopensItsWork() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    const QString project = h.window->document()->projectPath();
    QVERIFY(h.window->close());
    QCOMPARE(io::loadProject(project.toStdString()).objects().size(), size_t(1));  // saved on quit
    QVERIFY(!io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(project.toStdString())));
    h.window.reset();

    auto again = reopen(h);
    bool asked = false;
    QString error;
    QVERIFY2(again->projects()->openSession({h.dir.path()}, [&](const ui::UnsavedEdits&) { asked = true; return true; }, &error), qPrintable(error));
    QVERIFY(!asked);  // nothing to recover
    QCOMPARE(again->document()->project().objects().size(), size_t(1));
    QVERIFY(!again->document()->isDirty());
  }

  void saveAsMovesTheWorkAndTheFolderFollowsIt() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    const QString implicit = h.window->document()->projectPath();
    const QString saved = h.dir.filePath(QStringLiteral("mine.sam3proj"));
    QString error;
    QVERIFY2(h.window->projects()->saveProjectAs(saved, &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(implicit));  // moved, not copied
    QVERIFY(!QFileInfo::exists(implicit + QStringLiteral(".journal")));
    QVERIFY(h.window->windowTitle().startsWith(QStringLiteral("mine.sam3proj")));
    QVERIFY(labelOne(h, {150, 120}));  // journaled beside the saved project now
    QVERIFY(io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(saved.toStdString())));
    QVERIFY(h.window->close());
    h.window.reset();

    auto again = reopen(h);
    QVERIFY2(again->openFolder(h.dir.path(), &error), qPrintable(error));
    QCOMPARE(again->document()->projectPath(), saved);
    QCOMPARE(again->document()->project().objects().size(), size_t(2));
  }

  void anEmptySessionLeavesNothingBehind() {
    Harness h;
    QVERIFY(h.start());
    const QString project = h.window->document()->projectPath();
    QVERIFY(QFileInfo::exists(project));
    QVERIFY(h.window->close());
    QVERIFY(!QFileInfo::exists(project));
    QVERIFY(!QFileInfo::exists(project + QStringLiteral(".journal")));
  }

  void theTitleSaysWhereTheWorkLives() {
    Harness h;
    QVERIFY(h.start());
    const QString title = h.window->windowTitle();
    QVERIFY2(title.contains(QFileInfo(h.dir.path()).fileName()), qPrintable(title));
    QVERIFY2(title.contains(QDir::toNativeSeparators(h.window->document()->projectPath())), qPrintable(title));
    QVERIFY(labelOne(h, {100, 120}));
    QVERIFY(h.window->windowTitle().contains(QStringLiteral(" *")));
  }

  void aSecondWindowOnTheSameFolderIsRefused() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    auto second = reopen(h);
    QString error;
    QVERIFY(!second->openFolder(h.dir.path(), &error));
    QVERIFY2(error.contains(QStringLiteral("open")), qPrintable(error));
    QCOMPARE(second->document()->project().objects().size(), size_t(0));
    QCOMPARE(h.project().objects().size(), size_t(1));  // the first keeps its work
  }

  void switchingFoldersSavesTheFirst() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    const QString first = h.window->document()->projectPath();
    QTemporaryDir other;
    writeFolder(other.path(), 2);
    QString error;
    QVERIFY2(h.window->openFolder(other.path(), &error), qPrintable(error));
    QVERIFY(h.window->document()->projectPath() != first);
    QCOMPARE(h.project().objects().size(), size_t(0));
    QCOMPARE(io::loadProject(first.toStdString()).objects().size(), size_t(1));
    QVERIFY2(h.window->openFolder(h.dir.path(), &error), qPrintable(error));  // and back
    QCOMPARE(h.project().objects().size(), size_t(1));
  }

  void startUpRecoveryReopensTheFolder() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    h.window.reset();  // a crash
    auto again = reopen(h);
    bool asked = false;
    QVERIFY(again->offerCrashRecovery([&](const ui::UnsavedEdits&) { asked = true; return true; }));
    QVERIFY(asked);
    QCOMPARE(again->document()->project().objects().size(), size_t(1));
    QCOMPARE(again->folders()->folder().images().size(), qsizetype(3));
    QCOMPARE(again->projects()->sessionSource(), QStringList{h.dir.path()});
  }

  void aStorageProblemIsShownUntilItIsGone() {
    Harness h;
    QVERIFY(h.start());
    QVERIFY(labelOne(h, {100, 120}));
    // Saved into a folder of its own (never the shared sessions folder: other tests use it).
    QTemporaryDir parent;
    const QString folder = parent.filePath(QStringLiteral("work"));
    QVERIFY(QDir().mkpath(folder));
    const QString project = folder + QStringLiteral("/p.sam3proj");
    QString error;
    QVERIFY2(h.window->projects()->saveProjectAs(project, &error), qPrintable(error));
    QVERIFY(QDir(folder).removeRecursively());
    auto* label = h.window->findChild<QLabel*>(QStringLiteral("storageProblem"));
    QVERIFY(label);
    QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), 5000);
    QVERIFY2(label->toolTip().contains(QStringLiteral("was deleted")), qPrintable(label->toolTip()));
    QVERIFY(labelOne(h, {150, 120}));  // work goes on in memory
    // The folder comes back: the retry writes the whole project and the warning goes away.
    QVERIFY(QDir().mkpath(folder));
    QTRY_VERIFY_WITH_TIMEOUT(!label->isVisible(), 15000);
    QCOMPARE(io::loadProject(project.toStdString()).objects().size(), size_t(2));
  }

  void closingWithUnfiledEditsAsks() {
    Harness h;
    h.window = std::make_unique<MainWindow>(nullptr, test::fakeEngine(h.config));
    QVERIFY(test::showActive(*h.window));
    QVERIFY(h.window->openSample(0));
    QVERIFY(h.window->document()->projectPath().isEmpty());  // a sample is not a session
    QVERIFY(h.click({800, 430}));
    test::press(Qt::Key_Return);
    QCOMPARE(h.project().objects().size(), size_t(1));
    bool seen = false;
    answerBox(QMessageBox::Cancel, &seen);
    QVERIFY(!h.window->close());  // the user chose to stay
    QVERIFY(seen);
    QVERIFY(h.window->isVisible());
    seen = false;
    answerBox(QMessageBox::Discard, &seen);
    QVERIFY(h.window->close());
    QVERIFY(seen);
  }
};

QTEST_MAIN(TestFolderSessions)
#include "tst_folder_sessions.moc"
