#pragma once
// The main window: canvas in the centre; docks for objects, classes, images and the undo
// history; toolbar with the tools; status bar with engine, device, latency and progress.

#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/segment/Segmenter.h"
#include "ui/ImageFolder.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/canvas/OverlayRenderer.h"
#include "ui/engine/EngineTypes.h"

class QLabel;
class QActionGroup;
class QMessageBox;
class QProgressBar;
class QToolBar;

namespace sam3::ui {

class BoxTool;
class BrushTool;
class CanvasTool;
class ClassesDock;
class Document;
class EngineService;
class ExportDialog;
class ReviewGallery;
class ImageCanvas;
class ImagesDock;
class ObjectsDock;
class PanTool;
class PointTool;
class PromptSession;
class SelectTool;
class SimilarTool;

enum class ToolKind { Point, Box, Brush, Eraser, Similar, Select, Pan };

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr, EngineFactory engineFactory = {});
  ~MainWindow() override;

  ImageCanvas* canvas() const { return m_canvas; }
  QString currentImagePath() const { return m_currentPath; }

  // Loads an image file (or a ":/" resource). On failure keeps the current image, returns false
  // and puts the reason in `error` (and the status bar). Images over 16 megapixels decode on a
  // worker thread: the call returns true at once and the image appears when decoded (a failure
  // then goes to the status bar).
  bool openImage(const QString& path, QString* error = nullptr);
  bool openSample(int index);
  // Opens every image of a folder (natural order) and shows the first one.
  bool openFolder(const QString& directory, QString* error = nullptr);
  bool nextImage();
  bool previousImage();
  bool nextUnfinishedImage();
  void markImageDone(bool done);
  const ImageFolder& folder() const { return m_folder; }

  Document* document() const { return m_document; }
  EngineService* engineService() const { return m_engine; }
  PromptSession* promptSession() const { return m_session; }
  ObjectsDock* objectsDock() const { return m_objectsDock; }
  ClassesDock* classesDock() const { return m_classesDock; }
  ImagesDock* imagesDock() const { return m_imagesDock; }
  BrushTool* brushTool() const { return m_brushTool.get(); }
  SimilarTool* similarTool() const { return m_similarTool.get(); }
  const mask::BinaryMask& liveMask() const;
  int candidateCount() const { return int(m_prediction.candidates.size()); }
  int candidateIndex() const { return m_candidateIndex; }
  void cycleCandidate();
  const std::vector<segment::Instance>& similarCandidates() const { return m_similar; }
  int currentImageId() const { return m_imageId; }
  int currentCategory() const { return m_currentCategory; }
  const std::set<int64_t>& selection() const { return m_selected; }
  ToolKind currentTool() const { return m_tool; }

  void selectTool(ToolKind tool);
  void selectPointTool() { selectTool(ToolKind::Point); }
  void selectBoxTool() { selectTool(ToolKind::Box); }
  // Accepts the live prediction as a new object (one undo step); false when there is none.
  bool acceptLiveMask();
  bool acceptSimilarCandidates();
  void clearPrompt();
  void setSelection(const std::set<int64_t>& ids);
  void chooseCategoryRow(int row);  // digits 1-9
  void deleteSelection();
  bool mergeSelection();
  bool splitSelection();
  // Brush strokes edit the selected object (or make a new one) by default; as a prompt they
  // go to the engine instead.
  void setBrushAsPrompt(bool asPrompt);
  void applyStroke(const std::vector<std::pair<double, double>>& points, double radius, bool erase);
  void setOverlayStyle(const OverlayStyle& style);
  // Point tool hover preview: the mask an include click under the cursor would give, updated as
  // the mouse moves (the engine's latest-wins queue keeps it cheap).
  void setHoverPreview(bool on);
  void hoverAt(const QPointF& imagePos);

  ExportDialog* openExportDialog();
  // Batch: the find-similar exemplars drawn on this image, searched for in every image of the
  // folder; progress with cancel (partial results kept), then the review gallery.
  bool labelFolderWithExemplars();
  ReviewGallery* reviewGallery() const;
  void acceptBatchHits(const std::vector<BatchHit>& hits);
  void setDemoMode(bool on);
  bool demoMode() const { return m_demo; }
  void resetDemo();

  // Project files. openProject() asks `recover` whether to replay a journal of unsaved edits
  // (the GUI asks the user) and shows the project's first image.
  bool saveProjectAs(const QString& path, QString* error);
  bool openProject(const QString& path, const std::function<bool()>& recover, QString* error);
  // At start-up: when the project used last has journaled edits that were never saved (the
  // application did not close normally), asks `ask` and opens it, recovering them or not.
  // Returns true when a project was opened.
  bool offerCrashRecovery(const std::function<bool()>& ask);
  // Opens an image, a folder or a project by what the path is.
  bool openPath(const QString& path, QString* error = nullptr);
  void loadBundle(const QString& directory);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private Q_SLOTS:
  void chooseImage();
  void chooseFolder();
  void chooseBundle();
  void showAbout();
  void updateZoomLabel(double scale);
  void updateCursorLabel(const QPointF& imagePos, bool inside);

 private:
  void createActions();
  void createDocks();
  void restoreSettings();
  void onPromptChanged();
  void refreshObjects();   // the objects layer and the objects dock
  void refreshLive();      // the live prediction layer
  void refreshCandidates();
  void showLayer(ImageCanvas::Layer layer, const OverlayLayer& raster);
  void refreshImageBadges();
  void updateTitle();
  void saveProjectInteractive(bool chooseFile);
  void openProjectInteractive();
  void showEngineError(const QString& message, const QString& detail = {});
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void showFolderImage(int index);
  void showImage(const QImage& image, const QString& path, std::vector<QImage> pyramid = {});
  void requestSimilar();
  void selectAt(const QPointF& imagePos, bool toggle);
  void rejectCandidateAt(const QPointF& imagePos);
  void applyTheme(const QString& theme);
  QString statusOf(const QString& path) const;
  bool isDone(const QString& path) const;

  ImageCanvas* m_canvas = nullptr;
  QLabel* m_imageLabel = nullptr;
  QLabel* m_cursorLabel = nullptr;
  QLabel* m_zoomLabel = nullptr;
  QLabel* m_engineLabel = nullptr;
  QLabel* m_latencyLabel = nullptr;
  QProgressBar* m_busyBar = nullptr;
  QTimer m_busyTimer;
  QTimer m_objectsRefresh;
  QString m_currentPath;
  Document* m_document = nullptr;
  EngineService* m_engine = nullptr;
  PromptSession* m_session = nullptr;
  ObjectsDock* m_objectsDock = nullptr;
  ClassesDock* m_classesDock = nullptr;
  ImagesDock* m_imagesDock = nullptr;
  QToolBar* m_toolbar = nullptr;
  QMenu* m_recentMenu = nullptr;
  QPointer<QMessageBox> m_errorBox;
  QPointer<ExportDialog> m_exportDialog;
  QPointer<ReviewGallery> m_gallery;
  std::vector<BatchHit> m_batchHits;
  std::unique_ptr<PointTool> m_pointTool;
  std::unique_ptr<BoxTool> m_boxTool;
  std::unique_ptr<BrushTool> m_brushTool, m_eraserTool;
  std::unique_ptr<SimilarTool> m_similarTool;
  std::unique_ptr<SelectTool> m_selectTool;
  std::unique_ptr<PanTool> m_panTool;
  std::map<ToolKind, QAction*> m_toolActions;
  ToolKind m_tool = ToolKind::Point;
  ImageFolder m_folder;
  segment::Prediction m_prediction;
  int m_candidateIndex = 0;
  std::vector<segment::Instance> m_similar;
  std::set<int64_t> m_selected, m_hidden;
  std::set<QString> m_encoded;  // images whose embedding is cached (SAM3)
  int m_currentCategory = 0;
  OverlayStyle m_style;
  bool m_brushAsPrompt = false;
  bool m_hoverPreview = false;
  QPointF m_lastHover{-1, -1};
  bool m_demo = false;
  QByteArray m_stateBeforeDemo;
  int m_imageId = 0;
  quint64 m_loadGeneration = 0;  // the newest image request wins
};

}  // namespace sam3::ui
