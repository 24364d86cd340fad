// The undo history is bounded by memory (UndoBudget): over the budget the oldest steps go,
// what stays still undoes and redoes exactly (macros too), the clean state follows the kept steps
// or becomes unreachable, the History dock says how many were dropped, and a 10,000-action
// monkey run on a small budget keeps the history under it with a flat resident set.

#include <QFile>
#include <QUndoStack>
#include <QUndoView>
#include <QtTest>

#include "GuiHarness.h"
#include "engine/mask/Rle.h"
#include "ui/document/Document.h"
#include "ui/document/UndoBudget.h"

using namespace sam3;
using namespace sam3::test;
using ui::Document;

namespace {

void addSquare(Document& document, int i) {
  const int image = document.imageFor(QStringLiteral("/images/a.png"), 200, 100);
  mask::BinaryMask m(100, 200);
  for (int y = (i * 7) % 90; y < (i * 7) % 90 + 10; ++y)
    for (int x = i % 190; x < i % 190 + 10; ++x) m.set(y, x, true);
  document.addObjects({{image, mask::encode(m), 1.0, "manual", {}}}, 0);
}

long residentKilobytes() {
  QFile status(QStringLiteral("/proc/self/status"));
  if (!status.open(QIODevice::ReadOnly)) return -1;
  for (const QByteArray& line : status.readAll().split('\n')) {
    if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLong();
  }
  return -1;
}

}  // namespace

class TestUndoBudget : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void oldestStepsGoAndTheRestUndoesExactly() {
    Document document;
    document.undoBudget()->setBytes(24 * 1024);
    QSignalSpy trimmed(document.undoBudget(), &ui::UndoBudget::trimmed);
    for (int i = 0; i < 300; ++i) {
      addSquare(document, i);
      QVERIFY2(document.undoBudget()->historyBytes() <= document.undoBudget()->budget(),
               qPrintable(QString::number(document.undoBudget()->historyBytes())));
    }
    QVERIFY(!trimmed.isEmpty());
    QCOMPARE(document.project().objects().size(), size_t(300));  // trimming never touches the document
    QUndoStack* undo = document.undoStack();
    const int kept = undo->count();
    QVERIFY(kept > 10 && kept < 300);
    QCOMPARE(document.undoBudget()->droppedSteps(), 300 - kept);
    undo->setIndex(0);
    QCOMPARE(document.project().objects().size(), size_t(300 - kept));
    undo->setIndex(kept);
    QCOMPARE(document.project().objects().size(), size_t(300));
    QVERIFY(document.isDirty());
  }

  void theCleanStateFollowsTheKeptSteps() {
    Document document;
    document.undoBudget()->setBytes(16 * 1024);
    QTemporaryDir dir;
    QString error;
    for (int i = 0; i < 40; ++i) addSquare(document, i);
    QVERIFY(document.saveAs(dir.filePath(QStringLiteral("p.sam3proj")), &error));
    for (int i = 40; i < 45; ++i) addSquare(document, i);  // trimmed meanwhile, the saved point kept
    QVERIFY(document.undoBudget()->droppedSteps() > 0);
    QUndoStack* undo = document.undoStack();
    undo->setIndex(undo->count() - 5);
    QVERIFY(!document.isDirty());  // back at what was saved
    undo->setIndex(undo->count());
    for (int i = 45; i < 300; ++i) addSquare(document, i);  // now the saved point is dropped too
    undo->setIndex(0);
    QVERIFY(document.isDirty());  // no step of what is left is the saved state
  }

  void aMacroStaysOneStep() {
    Document document;
    document.undoBudget()->setBytes(16 * 1024);
    for (int i = 0; i < 100; ++i) addSquare(document, i);
    document.undoStack()->beginMacro(QStringLiteral("two at once"));
    addSquare(document, 100);
    addSquare(document, 101);
    document.undoStack()->endMacro();
    const int droppedBefore = document.undoBudget()->droppedSteps();
    int after = 0;  // steps after the macro, until one more trim happened with the macro inside
    while (document.undoBudget()->droppedSteps() == droppedBefore && after < 200) addSquare(document, 102 + after++);
    QVERIFY(document.undoBudget()->droppedSteps() > droppedBefore);
    QUndoStack* undo = document.undoStack();
    const int macro = undo->count() - after - 1;  // its index, if it was kept
    QVERIFY(macro >= 0);
    QCOMPARE(undo->text(macro), QStringLiteral("two at once"));
    undo->setIndex(macro);
    QCOMPARE(document.project().objects().size(), size_t(100));  // before the macro
    undo->setIndex(macro + 1);  // redo: both objects of the macro come back together
    QCOMPARE(document.project().objects().size(), size_t(102));
  }

  void tenThousandActionsOnABudget() {
    QSettings().setValue(QStringLiteral("undo/budgetMB"), 1);
    Harness h;
    QVERIFY(h.start(3));
    QSettings().remove(QStringLiteral("undo/budgetMB"));
    MainWindow& w = *h.window;
    QCOMPARE(w.document()->undoBudget()->budget(), size_t(1) << 20);  // the setting is read
    // A 10,000-action run holds under 1 MB of history (run lengths are small): a smaller budget
    // makes it drop steps.
    w.document()->undoBudget()->setBytes(256 * 1024);
    long rssAt2000 = 0, rssAt10000 = 0;
    size_t largestHistory = 0;
    const int ran = runMonkey(w, 10000, 20261201, [&](int action) {
      largestHistory = std::max(largestHistory, w.document()->undoBudget()->historyBytes() * (action % 50 == 0));
      if (action == 2000) rssAt2000 = residentKilobytes();
    });
    QCOMPARE(ran, 10000);
    QTest::qWait(200);
    rssAt10000 = residentKilobytes();
    const size_t history = w.document()->undoBudget()->historyBytes();
    qInfo("10,000 actions: %zu objects, %d undo steps kept, %d dropped, history %zu bytes (largest seen %zu), RSS %ld kB at 2,000 and %ld kB at 10,000 actions",
          h.project().objects().size(), w.document()->undoStack()->count(), w.document()->undoBudget()->droppedSteps(), history,
          largestHistory, rssAt2000, rssAt10000);
    QVERIFY(history <= w.document()->undoBudget()->budget());
    QVERIFY(largestHistory <= w.document()->undoBudget()->budget());
    QVERIFY(w.document()->undoBudget()->droppedSteps() > 0);
    auto* view = w.findChild<QUndoView*>(QStringLiteral("historyView"));
    QVERIFY(view && view->emptyLabel().contains(QStringLiteral("dropped")));
    // What is kept still undoes and redoes to the same document.
    const annotation::Project end = h.project();
    QUndoStack* undo = w.document()->undoStack();
    const int steps = undo->index();
    undo->setIndex(0);
    undo->setIndex(steps);
    QCOMPARE(h.project().objects(), end.objects());
    QVERIFY2(rssAt10000 - rssAt2000 < 48 * 1024, "the resident set grew by more than 48 MB between 2,000 and 10,000 actions");
  }
};

QTEST_MAIN(TestUndoBudget)
#include "tst_undo_budget.moc"
