#pragma once
// The GUI tests' harness: a main window on the fake engine over a folder of drawn images, and
// mouse helpers in image coordinates.

#include <QAbstractButton>
#include <QApplication>
#include <QFileDialog>
#include <QLineEdit>
#include <QImage>
#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <memory>
#include <random>

#include "FakeSegmenter.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"

namespace sam3::test {

using ui::MainWindow;

inline QPoint at(MainWindow& w, QPointF imagePos) { return w.canvas()->mapFromImage(imagePos).toPoint(); }

// Where a key a user types goes: the widget with the keyboard focus (else the active window).
// Keys sent there meet Qt's shortcut map as a window system's do: the ShortcutOverride goes to
// that widget first (a key sent to an inner widget instead hid that the phrase box's Enter
// accepted the live mask).
inline QWidget* keyTarget() {
  if (QWidget* focus = QApplication::focusWidget()) return focus;
  if (QWidget* active = QApplication::activeWindow()) return active;
  qWarning("keyTarget: no widget has the keyboard focus and no window is active");
  return nullptr;
}
inline void press(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  if (QWidget* target = keyTarget()) QTest::keyClick(target, key, modifiers);
}
inline void typeText(const QString& text) {
  for (const QChar c : text)
    if (QWidget* target = keyTarget()) QTest::keyClicks(target, QString(c));  // focus may move while typing
}
// A click on the canvas at an image position (it takes the keyboard focus, as for a user).
inline void clickCanvas(MainWindow& w, QPointF imagePos, Qt::MouseButton button = Qt::LeftButton) {
  QTest::mouseClick(w.canvas(), button, Qt::NoModifier, at(w, imagePos));
}
// Shows `w` and makes it the active window, as the window system does for a new window.
inline bool showActive(QWidget& w) {
  w.show();
  if (!QTest::qWaitForWindowExposed(&w)) return false;
  w.activateWindow();
  return QTest::qWaitForWindowActive(&w);
}

inline QStringList writeFolder(const QString& dir, int count) {
  QStringList paths;
  for (int i = 0; i < count; ++i) {
    QImage image(320, 240, QImage::Format_RGB32);
    image.fill(QColor(40 + 30 * i, 90, 60));
    QPainter painter(&image);
    painter.setBrush(QColor(220, 120, 40));
    painter.drawEllipse(QPointF(100 + 20 * i, 120), 40, 40);
    painter.end();
    const QString path = dir + QStringLiteral("/img%1.png").arg(i + 1);
    image.save(path);
    paths << path;
  }
  return paths;
}

inline void drag(MainWindow& w, QPointF from, QPointF to, Qt::MouseButton button = Qt::LeftButton) {
  QWidget* canvas = w.canvas();
  QTest::mousePress(canvas, button, Qt::NoModifier, at(w, from));
  for (int i = 1; i <= 4; ++i) {
    const QPointF p = from + (to - from) * (i / 4.0);
    QMouseEvent move(QEvent::MouseMove, QPointF(at(w, p)), canvas->mapToGlobal(QPointF(at(w, p))), Qt::NoButton, button, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas, &move);
  }
  QTest::mouseRelease(canvas, button, Qt::NoModifier, at(w, to));
}

// Random tools, clicks, drags, keys, accepts, merges and splits, undo and redo: `count` actions
// (seeded). Returns how many ran before one left the window (demo mode, closed), else `count`.
// `every` is called after each action with its number.
inline int runMonkey(MainWindow& w, int count, unsigned seed, const std::function<void(int)>& every = {}) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return int(rng() % unsigned(n)); };
  auto point = [&] { return QPointF(5 + pick(310), 5 + pick(230)); };
  const ui::ToolKind tools[] = {ui::ToolKind::Point, ui::ToolKind::Box, ui::ToolKind::Brush, ui::ToolKind::Eraser,
                                ui::ToolKind::Similar, ui::ToolKind::Select, ui::ToolKind::Pan};
  const Qt::Key keys[] = {Qt::Key_Return, Qt::Key_Escape, Qt::Key_Tab, Qt::Key_1, Qt::Key_2, Qt::Key_D, Qt::Key_A,
                          Qt::Key_N, Qt::Key_Delete, Qt::Key_BracketLeft, Qt::Key_BracketRight};
  for (int action = 0; action < count; ++action) {
    switch (pick(10)) {
      case 0: w.selectTool(tools[pick(7)]); break;
      case 1:
      case 9:  // clicks, and now and then a moment for the engine to answer
        QTest::mouseClick(w.canvas(), pick(4) ? Qt::LeftButton : Qt::RightButton, Qt::NoModifier, at(w, point()));
        if (pick(3) == 0) QTest::qWait(2);
        break;
      case 2: drag(w, point(), point(), pick(5) ? Qt::LeftButton : Qt::RightButton); break;
      case 3: if (pick(2)) press(Qt::Key_Z, Qt::ControlModifier); break;
      case 4: if (pick(2)) press(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier); break;
      case 5: press(keys[pick(int(std::size(keys)))]); break;
      case 6: w.session()->acceptLiveMask(); break;
      case 7: if (pick(4) == 0) { w.session()->mergeSelection(); } else { w.session()->splitSelection(); } break;
      default: QCoreApplication::processEvents(); break;
    }
    if (w.demoMode() || !w.isVisible()) return action;
    if (every) every(action + 1);
  }
  return count;
}

// Answers the next modal QMessageBox (after `delayMs`) by clicking the button with `buttonText`;
// its text goes to `seenText`.
inline void answerNextMessageBox(const QString& buttonText, QString* seenText, int delayMs = 50) {
  QTimer::singleShot(delayMs, [buttonText, seenText] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) return;
    *seenText = box->text();
    for (QAbstractButton* button : box->buttons()) {
      if (button->text().remove(QLatin1Char('&')) == buttonText) button->click();
    }
  });
}

// Enter in a file dialog's name field, again while the dialog stays up, as a user does: when the
// completion list has come up under the typed path, the first Enter only closes the list. With
// HOME inside the build tree (as ctest sets it) the list was up in every run, and with one press
// tst_import waited out its 300 s in CI.
inline void pressEnterUntilClosed(QPointer<QFileDialog> dialog, QPointer<QLineEdit> name, int triesLeft = 20) {
  if (!dialog || !dialog->isVisible() || !name || triesLeft == 0) return;
  QTest::keyClick(name, Qt::Key_Return);
  QTimer::singleShot(100, [dialog, name, triesLeft] { pressEnterUntilClosed(dialog, name, triesLeft - 1); });
}

// Answers the next file dialog as a user does: types `path` into its file name field (which has
// the focus) and presses Enter. Qt's own dialog: the offscreen and bare xcb platforms have no
// native one.
inline void answerNextFileDialog(const QString& path, int delayMs = 50) {
  QTimer::singleShot(delayMs, [path, delayMs] {
    auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
    if (!dialog) {
      answerNextFileDialog(path, delayMs);  // not up yet
      return;
    }
    auto* name = qobject_cast<QLineEdit*>(dialog->focusWidget());
    if (!name) name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    name->selectAll();
    QTest::keyClicks(name, path);
    pressEnterUntilClosed(dialog, name);
  });
}

// The menu entry with this text (without the & of its mnemonic), as a user finds it in a menu.
inline QAction* menuAction(QWidget& w, const QString& text) {
  for (QAction* a : w.findChildren<QAction*>())
    if (a->text().remove(QLatin1Char('&')) == text) return a;
  return nullptr;
}

struct Harness {
  std::shared_ptr<test::FakeEngineConfig> config = std::make_shared<test::FakeEngineConfig>();
  std::unique_ptr<MainWindow> window;
  QTemporaryDir dir;
  QStringList images;

  bool start(int imageCount = 3) {
    window = std::make_unique<MainWindow>(nullptr, test::fakeEngine(config));
    images = writeFolder(dir.path(), imageCount);
    window->resize(1000, 700);
    if (!showActive(*window)) return false;
    return window->openFolder(dir.path());
  }
  bool click(QPointF p, Qt::MouseButton button = Qt::LeftButton) {
    QSignalSpy ready(window->engineService(), &ui::EngineService::predictionReady);
    clickCanvas(*window, p, button);
    return ready.wait(10000);
  }
  const annotation::Project& project() const { return window->document()->project(); }
};


}  // namespace sam3::test
