#pragma once
// The main window: canvas in the centre, menus, toolbar and status bar.

#include <QMainWindow>
#include <QString>
#include <functional>
#include <memory>

#include "engine/mask/BinaryMask.h"

class QLabel;
class QActionGroup;

namespace sam3::ui {

class BoxTool;
class Document;
class EngineService;
class ImageCanvas;
class PointTool;
class PromptSession;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  ImageCanvas* canvas() const { return m_canvas; }
  QString currentImagePath() const { return m_currentPath; }

  // Loads an image file (or a ":/" resource). On failure keeps the current image, returns false
  // and puts the reason in `error` (and the status bar).
  bool openImage(const QString& path, QString* error = nullptr);
  bool openSample(int index);

  Document* document() const { return m_document; }
  EngineService* engineService() const { return m_engine; }
  PromptSession* promptSession() const { return m_session; }
  const mask::BinaryMask& liveMask() const { return m_liveMask; }
  int currentImageId() const { return m_imageId; }
  void selectPointTool();
  void selectBoxTool();
  // Accepts the live prediction as a new object (one undo step); false when there is none.
  bool acceptLiveMask();
  void clearPrompt();

  // Project files. openProject() asks `recover` whether to replay a journal of unsaved edits
  // (the GUI asks the user) and shows the project's first image.
  bool saveProjectAs(const QString& path, QString* error);
  bool openProject(const QString& path, const std::function<bool()>& recover, QString* error);

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
  void onPromptChanged();
  void refreshOverlay();
  void updateTitle();
  void saveProjectInteractive(bool chooseFile);
  void openProjectInteractive();

  ImageCanvas* m_canvas = nullptr;
  QLabel* m_imageLabel = nullptr;
  QLabel* m_cursorLabel = nullptr;
  QLabel* m_zoomLabel = nullptr;
  QLabel* m_engineLabel = nullptr;
  QString m_currentPath;
  Document* m_document = nullptr;
  EngineService* m_engine = nullptr;
  PromptSession* m_session = nullptr;
  std::unique_ptr<PointTool> m_pointTool;
  std::unique_ptr<BoxTool> m_boxTool;
  QActionGroup* m_toolGroup = nullptr;
  QAction* m_pointAction = nullptr;
  QAction* m_boxAction = nullptr;
  mask::BinaryMask m_liveMask;
  int m_imageId = 0;
};

}  // namespace sam3::ui
