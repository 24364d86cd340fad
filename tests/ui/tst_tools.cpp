// The canvas tools as a user switches between them: each tool's key selects it, the tool is
// remembered by its id, and a key that switches tools in the middle of a drag drops the drag.
#include <QSettings>
#include <QStandardPaths>

#include "GuiHarness.h"
#include "ui/session/PromptSession.h"
#include "ui/support/Settings.h"
#include "ui/tools/ToolRegistry.h"

using namespace sam3;
using test::MainWindow;

namespace {

bool showFolder(MainWindow& window, const QTemporaryDir& dir) {
  test::writeFolder(dir.path(), 1);
  QString error;
  return window.openFolder(dir.path(), &error) && test::showActive(window);
}

void moveWithButton(MainWindow& w, QPointF to) {
  QWidget* canvas = w.canvas();
  const QPointF p(test::at(w, to));
  QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(canvas, &move);
}

}  // namespace

class TestTools : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() { QSettings().clear(); }

  void eachToolsKeySelectsItAndItIsRememberedById() {
    QTemporaryDir dir;
    {
      MainWindow window;
      QVERIFY(showFolder(window, dir));
      for (const ui::ToolIdentity& tool : ui::toolRegistry()) {
        test::press(tool.key);
        QCOMPARE(window.currentTool(), tool.kind);
        QCOMPARE(stored().value(QStringLiteral("tool")).toString(), QString::fromLatin1(tool.id));
      }
      test::press(Qt::Key_E);
    }
    MainWindow again;
    QCOMPARE(again.currentTool(), ui::ToolKind::Eraser);
  }

  void aSettingWrittenBeforeToolIdsStillSelectsItsTool() {
    stored().setValue(QStringLiteral("tool"), 1);  // ToolKind::Box as an integer
    MainWindow window;
    QCOMPARE(window.currentTool(), ui::ToolKind::Box);
  }

  void aKeyThatSwitchesToolsMidDragDropsTheBox() {
    QTemporaryDir dir;
    MainWindow window;
    QVERIFY(showFolder(window, dir));
    test::press(Qt::Key_B);
    QCOMPARE(window.currentTool(), ui::ToolKind::Box);
    QTest::mousePress(window.canvas(), Qt::LeftButton, Qt::NoModifier, test::at(window, {40, 40}));
    moveWithButton(window, {150, 120});
    QVERIFY(window.promptSession()->previewBox().has_value());  // the rubber band is drawn
    test::press(Qt::Key_P);
    QCOMPARE(window.currentTool(), ui::ToolKind::Point);
    QVERIFY(!window.promptSession()->previewBox().has_value());  // before the hook it stayed
    QCOMPARE(window.canvas()->cursor().shape(), Qt::CrossCursor);
    test::press(Qt::Key_H);
    QCOMPARE(window.canvas()->cursor().shape(), Qt::OpenHandCursor);  // the tool's own cursor
  }

 private:
  static QSettings stored() { return QSettings(); }
};

QTEST_MAIN(TestTools)
#include "tst_tools.moc"
