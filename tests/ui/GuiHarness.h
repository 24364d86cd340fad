#pragma once
// The GUI tests' harness: a main window on the fake engine over a folder of drawn images, and
// mouse helpers in image coordinates.

#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "FakeSegmenter.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"

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
