#pragma once
// The GUI tests' harness: a main window on the fake engine over a folder of drawn images, and
// mouse helpers in image coordinates.

#include <QAbstractButton>
#include <QApplication>
#include <QImage>
#include <QMessageBox>
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
      case 3: if (pick(2)) QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier); break;
      case 4: if (pick(2)) QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier); break;
      case 5: QTest::keyClick(&w, keys[pick(int(std::size(keys)))]); break;
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

struct Harness {
  std::shared_ptr<test::FakeEngineConfig> config = std::make_shared<test::FakeEngineConfig>();
  std::unique_ptr<MainWindow> window;
  QTemporaryDir dir;
  QStringList images;

  bool start(int imageCount = 3) {
    window = std::make_unique<MainWindow>(nullptr, test::fakeEngine(config));
    images = writeFolder(dir.path(), imageCount);
    window->resize(1000, 700);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())) return false;
    return window->openFolder(dir.path());
  }
  bool click(QPointF p, Qt::MouseButton button = Qt::LeftButton) {
    QSignalSpy ready(window->engineService(), &ui::EngineService::predictionReady);
    QTest::mouseClick(window->canvas(), button, Qt::NoModifier, at(*window, p));
    return ready.wait(10000);
  }
  const annotation::Project& project() const { return window->document()->project(); }
};


}  // namespace sam3::test
