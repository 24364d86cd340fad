#pragma once
// The status bar's permanent parts: the image's name and size, the cursor position, the zoom,
// the engine and its device, the last latency, and a busy bar that becomes a filling bar
// during a slow encode (the engine's last encode is the estimate).

#include <QObject>
#include <QTimer>

#include "ui/engine/EngineTypes.h"

class QLabel;
class QProgressBar;
class QStatusBar;

namespace sam3::ui {

class EngineService;
class ImageCanvas;

class StatusBarView : public QObject {
  Q_OBJECT

 public:
  StatusBarView(QStatusBar* bar, EngineService* engine, ImageCanvas* canvas);

  void showImage(const QString& path, const QSize& size);
  void setBusy(bool busy);  // an indeterminate bar (image decoding, bundle loading)
  void showMessage(const QString& text, int milliseconds);
  // The one-line hint beside the image's name (ui/session/WorkflowHint).
  void setHint(const QString& hint);
  // The engine in words: SAM3's status, or what the classic engine is and where a model comes from.
  static QString engineText(const EngineDescription& engine);
  // A warning that stays until the problem is gone ("" hides it): edits not reaching the disk.
  void setStorageProblem(const QString& problem);

 private:
  void updateEncodingProgress();

  QStatusBar* m_bar;
  EngineService* m_engine;
  QLabel* m_imageLabel;
  QLabel* m_hintLabel;
  QLabel* m_cursorLabel;
  QLabel* m_zoomLabel;
  QLabel* m_engineLabel;
  QLabel* m_latencyLabel;
  QLabel* m_storageLabel;
  QProgressBar* m_busyBar;
  QTimer m_busyTimer;
};

}  // namespace sam3::ui
