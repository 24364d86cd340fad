#pragma once
// The main window: assembles the canvas, the docks, the status bar, the menus and toolbar
// (ui/MainActions.cpp) and wires them to the labelling session (ui/session/), the controllers
// of images, projects and batches (ui/controllers/) and the tools (ui/tools/). It holds no
// workflow of its own.

#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <map>
#include <memory>

#include "ui/canvas/OverlayRenderer.h"
#include "ui/document/RecoveryQuestion.h"
#include "ui/engine/EngineTypes.h"
#include "ui/tools/ToolRegistry.h"

class QAction;
class QMenu;
class QMessageBox;
class QToolBar;

namespace sam3::ui {

class BatchController;
class BrushTool;
class CanvasTool;
class ClassesDock;
class Document;
class EngineService;
class FolderController;
class DemoController;
class ImportController;
class ModelManagerDialog;
class DemoPanel;
class ImageCanvas;
class ImagesDock;
class LabelSession;
class ObjectsDock;
class ProjectController;
class PromptSession;
class StatusBarView;
class TextPromptBar;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr, EngineFactory engineFactory = {});
  ~MainWindow() override;

  // The parts, for the actions table and tests.
  ImageCanvas* canvas() const { return m_canvas; }
  Document* document() const { return m_document; }
  EngineService* engineService() const { return m_engine; }
  LabelSession* session() const { return m_session; }
  PromptSession* promptSession() const;
  FolderController* folders() const { return m_folders; }
  ProjectController* projects() const { return m_projects; }
  ImportController* imports() const { return m_imports; }
  BatchController* batch() const { return m_batch; }
  ObjectsDock* objectsDock() const { return m_objectsDock; }
  ClassesDock* classesDock() const { return m_classesDock; }
  ImagesDock* imagesDock() const { return m_imagesDock; }
  BrushTool* brushTool() const;
  BrushTool* eraserTool() const;
  StatusBarView* statusView() const { return m_status; }
  TextPromptBar* textPromptBar() const { return m_textBar; }

  // Opening things (forwarded to the controllers; kept here for main() and tests).
  bool openImage(const QString& path, QString* error = nullptr);
  bool openSample(int index);
  bool openFolder(const QString& directory, QString* error = nullptr);
  bool openPath(const QString& path, QString* error = nullptr);
  bool offerCrashRecovery(const RecoveryQuestion& ask = {});
  QString currentImagePath() const;
  int currentImageId() const;
  void loadBundle(const QString& directory);
  void useClassicEngine();
  ModelManagerDialog* openModelManager();  // Tools ▸ Models

  void selectTool(ToolKind tool);
  ToolKind currentTool() const { return m_tool; }
  const OverlayStyle& overlayStyle() const { return m_style; }
  void setOverlayStyle(const OverlayStyle& style);
  void setDemoMode(bool on);
  bool demoMode() const { return m_demo; }
  void resetDemo();
  DemoPanel* demoPanel() const { return m_demoPanel; }
  DemoController* demoController() const { return m_demoController; }
  void applyTheme(const QString& theme);

  // Filled by buildMainActions(): the tool actions (checked as tools change), the recent menu.
  std::map<ToolKind, QAction*> toolActions;
  QMenu* recentMenu = nullptr;
  QToolBar* toolbar = nullptr;

 Q_SIGNALS:
  void demoModeChanged(bool on);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createDocks();
  void createDemo();
  void wireSession();
  void restoreSettings();
  void refreshObjects();
  void refreshLive();
  void refreshCandidates();
  void updateTitle();
  void showEngineError(const QString& message, const QString& detail = {});

  ImageCanvas* m_canvas;
  Document* m_document;
  EngineService* m_engine;
  LabelSession* m_session;
  ObjectsDock* m_objectsDock = nullptr;
  ClassesDock* m_classesDock = nullptr;
  ImagesDock* m_imagesDock = nullptr;
  FolderController* m_folders = nullptr;
  ProjectController* m_projects = nullptr;
  BatchController* m_batch = nullptr;
  StatusBarView* m_status = nullptr;
  TextPromptBar* m_textBar = nullptr;
  std::map<ToolKind, std::unique_ptr<CanvasTool>> m_tools;
  ToolKind m_tool = ToolKind::Point;
  OverlayStyle m_style;
  QTimer m_objectsRefresh;
  bool m_demo = false;
  DemoPanel* m_demoPanel = nullptr;
  DemoController* m_demoController = nullptr;
  QToolBar* m_demoBar = nullptr;
  QPointer<ModelManagerDialog> m_models;
  ImportController* m_imports = nullptr;
  QByteArray m_stateBeforeDemo;
  QPointer<QMessageBox> m_errorBox;
};

}  // namespace sam3::ui
