#pragma once
// The main window: canvas in the centre, menus, toolbar and status bar.

#include <QMainWindow>
#include <QString>

class QLabel;

namespace sam3::ui {

class ImageCanvas;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  ImageCanvas* canvas() const { return m_canvas; }
  QString currentImagePath() const { return m_currentPath; }

  // Loads an image file (or a ":/" resource). On failure keeps the current image, returns false
  // and puts the reason in `error` (and the status bar).
  bool openImage(const QString& path, QString* error = nullptr);
  bool openSample(int index);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private Q_SLOTS:
  void chooseImage();
  void showAbout();
  void updateZoomLabel(double scale);
  void updateCursorLabel(const QPointF& imagePos, bool inside);

 private:
  void createActions();
  void restoreSettings();

  ImageCanvas* m_canvas = nullptr;
  QLabel* m_imageLabel = nullptr;
  QLabel* m_cursorLabel = nullptr;
  QLabel* m_zoomLabel = nullptr;
  QLabel* m_engineLabel = nullptr;
  QString m_currentPath;
};

}  // namespace sam3::ui
