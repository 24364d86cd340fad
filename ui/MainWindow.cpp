// The main window: widgets, actions and their wiring. Over 600 lines for a known reason: it
// still holds the labelling session, project/folder workflows and tool behaviour that issue #15
// moves into ui/session/, controllers and the tools themselves; new features go there, not here.
#include "ui/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QColorDialog>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QImageReader>
#include <QInputDialog>
#include <QLabel>
#include <QLineF>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <algorithm>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QStyleFactory>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>

#include <opencv2/imgproc.hpp>

#include "engine/io/ProjectJournal.h"
#include "engine/mask/MaskEditing.h"
#include "engine/mask/Rle.h"
#include "ui/AppLogging.h"
#include "ui/ExportDialog.h"
#include "ui/ReviewGallery.h"
#include "ui/SampleImages.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/docks/ClassesDock.h"
#include "ui/docks/ImagesDock.h"
#include "ui/docks/ObjectsDock.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/tools/BoxTool.h"
#include "ui/tools/BrushTool.h"
#include "ui/tools/PanTool.h"
#include "ui/tools/PointTool.h"
#include "ui/tools/PromptSession.h"
#include "ui/tools/SelectTool.h"
#include "ui/tools/SimilarTool.h"

namespace sam3::ui {
namespace {

QString imageFileFilter() {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats()) {
    patterns << QStringLiteral("*.") + QString::fromLatin1(format);
  }
  return QCoreApplication::translate("MainWindow", "Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

// Distinct class colours for new classes (Kelly's palette, readable on photos).
const std::array<uint8_t, 3> kClassColors[] = {{60, 220, 120}, {255, 179, 0}, {128, 62, 117}, {255, 104, 0},
                                               {166, 189, 215}, {193, 0, 32}, {206, 162, 98}, {0, 125, 52},
                                               {246, 118, 142}, {0, 83, 138}, {255, 122, 92}, {83, 55, 122}};

// The desktop theme's icon when there is one, else ours (offscreen and minimal desktops have none).
QIcon themedIcon(const char* themeName, const char* ours) {
  return QIcon::fromTheme(QString::fromLatin1(themeName), QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(ours))));
}

const QColor kLiveColor(0, 160, 255);
const QColor kCandidateColor(255, 140, 0);

}  // namespace

MainWindow::MainWindow(QWidget* parent, EngineFactory engineFactory)
    : QMainWindow(parent),
      m_canvas(new ImageCanvas(this)),
      m_document(new Document(this)),
      m_engine(new EngineService(this, std::move(engineFactory))),
      m_session(new PromptSession(this)),
      m_pointTool(std::make_unique<PointTool>(m_session, [this](const QPointF& p) { hoverAt(p); })),
      m_boxTool(std::make_unique<BoxTool>(m_session)) {
  auto stroke = [this](const std::vector<std::pair<double, double>>& points, double radius, bool erase) {
    applyStroke(points, radius, erase);
  };
  m_brushTool = std::make_unique<BrushTool>(false, stroke);
  m_eraserTool = std::make_unique<BrushTool>(true, stroke);
  m_similarTool = std::make_unique<SimilarTool>([this] { requestSimilar(); }, [this](const QPointF& p) { rejectCandidateAt(p); });
  m_selectTool = std::make_unique<SelectTool>([this](const QPointF& p, bool toggle) { selectAt(p, toggle); });
  m_panTool = std::make_unique<PanTool>(m_canvas);

  setWindowTitle(tr("SAM3 Annotate"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/sam3-annotate.svg")));
  setCentralWidget(m_canvas);
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

  m_imageLabel = new QLabel(this);
  m_cursorLabel = new QLabel(this);
  m_zoomLabel = new QLabel(this);
  m_engineLabel = new QLabel(tr("classic engine"), this);
  m_latencyLabel = new QLabel(this);
  m_latencyLabel->setObjectName(QStringLiteral("latencyLabel"));
  m_busyBar = new QProgressBar(this);
  m_busyBar->setObjectName(QStringLiteral("busyBar"));
  m_busyBar->setRange(0, 0);  // busy indicator
  m_busyBar->setMaximumWidth(120);
  m_busyBar->setTextVisible(false);
  m_busyBar->hide();
  statusBar()->addWidget(m_imageLabel, 1);
  statusBar()->addPermanentWidget(m_busyBar);
  statusBar()->addPermanentWidget(m_latencyLabel);
  statusBar()->addPermanentWidget(m_cursorLabel);
  statusBar()->addPermanentWidget(m_zoomLabel);
  statusBar()->addPermanentWidget(m_engineLabel);
  m_busyTimer.setInterval(100);
  connect(&m_busyTimer, &QTimer::timeout, this, [this] {
    // Only steps that take a while get the spinner (no flicker for the classic engine).
    if (!m_engine->encodingImage() || m_engine->encodingElapsedMs() < 300) return;
    m_busyBar->show();
    const qint64 elapsed = m_engine->encodingElapsedMs(), expected = m_engine->expectedEncodingMs();
    if (expected > 0) {  // the last full encode of this engine is the estimate: a filling bar, never past 99 %
      m_busyBar->setRange(0, 100);
      m_busyBar->setValue(int(std::min<qint64>(99, 100 * elapsed / expected)));
      m_latencyLabel->setText(tr("encoding image… %1 s of about %2 s").arg(elapsed / 1000.0, 0, 'f', 1).arg(expected / 1000.0, 0, 'f', 0));
    } else {
      m_busyBar->setRange(0, 0);
      m_latencyLabel->setText(tr("encoding image… %1 s").arg(elapsed / 1000.0, 0, 'f', 1));
    }
  });

  connect(m_canvas, &ImageCanvas::zoomChanged, this, &MainWindow::updateZoomLabel);
  connect(m_canvas, &ImageCanvas::cursorMoved, this, &MainWindow::updateCursorLabel);
  connect(m_session, &PromptSession::changed, this, &MainWindow::onPromptChanged);
  connect(m_session, &PromptSession::previewChanged, this,
          [this] { m_canvas->setPromptMarkers(m_session->prompt(), m_session->previewBox()); });

  connect(m_engine, &EngineService::predictionReady, this, [this](quint64, const segment::Prediction& prediction) {
    m_prediction = prediction;
    m_candidateIndex = 0;
    refreshLive();
    m_latencyLabel->setText(tr("%1 ms%2").arg(qRound(prediction.milliseconds))
                                .arg(prediction.candidates.size() > 1 ? tr(" · Tab: %1 candidates").arg(prediction.candidates.size())
                                                                      : QString()));
  });
  connect(m_engine, &EngineService::predictionFailed, this, [this](quint64, const QString& error) {
    showEngineError(tr("Segmentation failed: %1").arg(error));  // non-modal; the prompt is kept
  });
  connect(m_engine, &EngineService::similarReady, this, [this](quint64, const segment::FindSimilarResult& result) {
    m_similar = result.instances;
    refreshCandidates();
    statusBar()->showMessage(tr("Found %n similar object(s) in %1 ms: Enter accepts, a click rejects one", nullptr,
                                int(m_similar.size())).arg(qRound(result.milliseconds)), 8000);
  });
  connect(m_engine, &EngineService::similarFailed, this,
          [this](quint64, const QString& error) { showEngineError(tr("Find similar failed: %1").arg(error)); });
  connect(m_engine, &EngineService::imageEncodingStarted, this, [this] { m_busyTimer.start(); });
  connect(m_engine, &EngineService::imageReady, this, [this](const QString& key, const QString& error, double ms) {
    m_busyBar->hide();
    m_busyTimer.stop();
    m_engineLabel->setText(m_engine->engine().status);
    if (!error.isEmpty()) {
      showEngineError(tr("The engine could not use this image: %1").arg(error));
      return;
    }
    m_latencyLabel->setText(tr("image ready in %1 ms").arg(qRound(ms)));
    qCInfo(lcUi).noquote() << "image ready in" << qRound(ms) << "ms:" << m_engine->engine().status;
    if (m_engine->engine().capabilities.multimask) {
      m_encoded.insert(key);
      refreshImageBadges();
    }
  });
  connect(m_engine, &EngineService::engineChanged, this, [this](const EngineDescription& description) {
    m_busyBar->hide();  // the re-encoding of the current image gets its own spinner if it is slow
    m_engineLabel->setText(description.status);
    statusBar()->showMessage(tr("Engine: %1").arg(description.status), 5000);
    if (!m_session->prompt().empty()) onPromptChanged();
  });
  connect(m_engine, &EngineService::engineLoadFailed, this, [this](const QString& error) {
    m_busyBar->hide();
    showEngineError(tr("The model bundle could not be loaded; the current engine stays active."), error);
  });
  connect(m_engine, &EngineService::progress, this, [this](const QString& stage, double) {
    statusBar()->showMessage(stage, 2000);
  });
  connect(m_engine, &EngineService::preEncoded, this, [this](const QString& path, const QString& error) {
    if (error.isEmpty()) {
      m_encoded.insert(path);
      refreshImageBadges();
    }
  });
  // Redraws are coalesced: a command touching 500 objects emits 500 changes but redraws once,
  // when control returns to the event loop.
  m_objectsRefresh.setSingleShot(true);
  m_objectsRefresh.setInterval(0);
  connect(&m_objectsRefresh, &QTimer::timeout, this, [this] {
    for (auto it = m_selected.begin(); it != m_selected.end();) it = m_document->project().object(*it) ? std::next(it) : m_selected.erase(it);
    refreshObjects();
  });
  connect(m_document, &Document::objectsChanged, this, [this](int imageId) {
    if (imageId == m_imageId) m_objectsRefresh.start();
  });
  connect(m_document, &Document::categoriesChanged, this, [this] {
    if (!m_document->project().category(m_currentCategory)) {
      const auto& categories = m_document->project().categories();
      m_currentCategory = categories.empty() ? 0 : categories.begin()->first;
    }
    m_classesDock->refresh(m_document->project(), m_currentCategory);
  });
  connect(m_document, &Document::imageStatusChanged, this, [this] { refreshImageBadges(); });
  connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  // Autosave: a saved project is written every minute while it has unsaved edits (the journal
  // already holds them; this keeps the journal short).
  auto* autosave = new QTimer(this);
  autosave->setInterval(60 * 1000);
  connect(autosave, &QTimer::timeout, this, [this] {
    if (m_document->projectPath().isEmpty() || !m_document->isDirty()) return;
    QString error;
    if (!m_document->save(&error)) statusBar()->showMessage(tr("Autosave failed: %1").arg(error), 10000);
  });
  autosave->start();

  createDocks();
  createActions();
  resize(1280, 860);
  m_currentCategory = m_document->defaultCategory();  // digits and new objects need a class
  restoreSettings();
}

MainWindow::~MainWindow() { m_canvas->setTool(nullptr); }

// ---- tools -----------------------------------------------------------------------------------

void MainWindow::selectTool(ToolKind tool) {
  m_tool = tool;
  CanvasTool* tools[] = {m_pointTool.get(), m_boxTool.get(), m_brushTool.get(), m_eraserTool.get(),
                         m_similarTool.get(), m_selectTool.get(), m_panTool.get()};
  m_canvas->setTool(tools[int(tool)]);
  m_canvas->setCursor(tool == ToolKind::Pan ? Qt::OpenHandCursor : tool == ToolKind::Select ? Qt::ArrowCursor : Qt::CrossCursor);
  if (QAction* action = m_toolActions[tool]) action->setChecked(true);
  QSettings().setValue(QStringLiteral("tool"), int(tool));
  m_canvas->update();
}

void MainWindow::clearPrompt() {
  m_similarTool->clear();
  m_similar.clear();
  refreshCandidates();
  m_session->clear();
}

void MainWindow::onPromptChanged() {
  m_canvas->setPromptMarkers(m_session->prompt(), m_session->previewBox());
  if (m_session->prompt().empty() || !m_canvas->hasImage()) {
    m_prediction = {};
    refreshLive();
    return;
  }
  m_engine->requestPrediction(m_session->prompt());
}

const mask::BinaryMask& MainWindow::liveMask() const {
  static const mask::BinaryMask none;
  if (m_prediction.candidates.empty()) return none;
  return m_prediction.candidates[size_t(m_candidateIndex) % m_prediction.candidates.size()].mask;
}

void MainWindow::cycleCandidate() {
  if (m_prediction.candidates.size() < 2) return;
  m_candidateIndex = (m_candidateIndex + 1) % int(m_prediction.candidates.size());
  refreshLive();
  statusBar()->showMessage(tr("Candidate %1 of %2 (score %3)")
                               .arg(m_candidateIndex + 1).arg(m_prediction.candidates.size())
                               .arg(m_prediction.candidates[size_t(m_candidateIndex)].score, 0, 'f', 2), 3000);
}

bool MainWindow::acceptLiveMask() {
  const mask::BinaryMask& live = liveMask();
  if (live.empty() || live.area() == 0 || m_imageId == 0) return false;
  annotation::AnnotationObject object;
  object.imageId = m_imageId;
  object.categoryId = m_currentCategory ? m_currentCategory : m_document->defaultCategory();
  object.mask = mask::encode(live);
  object.score = m_prediction.candidates[size_t(m_candidateIndex)].score;
  object.source = m_engine->engine().name.toStdString();
  for (const prompt::Click& c : m_session->prompt().clicks) {
    object.promptHistory.push_back({{"type", "point"}, {"x", c.x}, {"y", c.y}, {"label", c.positive ? 1 : 0}});
  }
  if (const auto& box = m_session->prompt().box) object.promptHistory.push_back({{"type", "box"}, {"xyxy", *box}});
  if (!m_session->prompt().maskLogits.empty()) object.promptHistory.push_back({{"type", "painted-mask"}});
  const int64_t id = m_document->addObject(std::move(object));
  m_prediction = {};
  m_session->clear();
  m_document->setImageStatus(m_imageId, annotation::ImageStatus::InProgress);
  statusBar()->showMessage(tr("Added object %1").arg(id), 3000);
  return true;
}

bool MainWindow::acceptSimilarCandidates() {
  if (m_similar.empty() || m_imageId == 0) return false;
  std::vector<annotation::AnnotationObject> objects;
  const int category = m_currentCategory ? m_currentCategory : m_document->defaultCategory();
  for (const segment::Instance& instance : m_similar) {
    annotation::AnnotationObject object;
    object.imageId = m_imageId;
    object.categoryId = category;
    object.mask = mask::encode(instance.mask);
    object.score = instance.score;
    object.source = m_engine->engine().name.toStdString() + " find-similar";
    objects.push_back(std::move(object));
  }
  const auto ids = m_document->addObjects(std::move(objects), tr("Accept %n similar object(s)", nullptr, int(m_similar.size())));
  m_document->setImageStatus(m_imageId, annotation::ImageStatus::InProgress);
  m_similar.clear();
  m_similarTool->clear();
  refreshCandidates();
  statusBar()->showMessage(tr("Added %n object(s)", nullptr, int(ids.size())), 3000);
  return true;
}

void MainWindow::requestSimilar() {
  if (!m_canvas->hasImage()) return;
  segment::FindSimilarRequest request;
  for (const SimilarTool::Exemplar& e : m_similarTool->exemplars()) {
    request.exemplars.push_back({{e.box.left(), e.box.top(), e.box.right(), e.box.bottom()}, e.positive});
  }
  m_engine->requestFindSimilar(request);
  statusBar()->showMessage(tr("Looking for similar objects…"));
}

void MainWindow::rejectCandidateAt(const QPointF& p) {
  const int x = int(p.x()), y = int(p.y());
  for (auto it = m_similar.begin(); it != m_similar.end(); ++it) {
    if (x >= 0 && y >= 0 && x < it->mask.width() && y < it->mask.height() && it->mask.at(y, x)) {
      m_similar.erase(it);
      refreshCandidates();
      return;
    }
  }
}

void MainWindow::selectAt(const QPointF& p, bool toggle) {
  int64_t hit = 0;
  const auto objects = m_document->project().objectsOfImage(m_imageId);
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {  // topmost (newest) first
    if (!m_hidden.count((*it)->id) && mask::contains((*it)->mask, int(p.x()), int(p.y()))) {
      hit = (*it)->id;
      break;
    }
  }
  std::set<int64_t> next = toggle ? m_selected : std::set<int64_t>{};
  if (hit) {
    if (toggle && next.count(hit)) next.erase(hit); else next.insert(hit);
  }
  setSelection(next);
}

void MainWindow::setSelection(const std::set<int64_t>& ids) {
  m_selected = ids;
  refreshObjects();
}

void MainWindow::chooseCategoryRow(int row) {
  const auto& categories = m_document->project().categories();
  if (row < 0 || row >= int(categories.size())) return;
  const int id = std::next(categories.begin(), row)->first;
  m_currentCategory = id;
  m_classesDock->refresh(m_document->project(), id);
  if (!m_selected.empty()) m_document->changeCategory({m_selected.begin(), m_selected.end()}, id);
  statusBar()->showMessage(tr("Class: %1").arg(QString::fromStdString(categories.at(id).name)), 2000);
}

void MainWindow::deleteSelection() { m_document->removeObjects({m_selected.begin(), m_selected.end()}); }

bool MainWindow::mergeSelection() {
  const int64_t merged = m_document->mergeObjects({m_selected.begin(), m_selected.end()});
  if (merged) setSelection({merged});
  return merged != 0;
}

bool MainWindow::splitSelection() {
  if (m_selected.size() != 1) return false;
  const auto parts = m_document->splitObject(*m_selected.begin());
  if (!parts.empty()) setSelection({parts.begin(), parts.end()});
  return !parts.empty();
}

void MainWindow::setBrushAsPrompt(bool asPrompt) {
  m_brushAsPrompt = asPrompt;
  QSettings().setValue(QStringLiteral("brush/asPrompt"), asPrompt);
}

void MainWindow::applyStroke(const std::vector<std::pair<double, double>>& points, double radius, bool erase) {
  if (!m_canvas->hasImage()) return;
  const QImage& image = m_canvas->image();
  const mask::BinaryMask stroke = mask::rasterizeStroke(points, radius, image.height(), image.width());
  if (stroke.area() == 0) return;
  if (m_brushAsPrompt) {
    m_session->paint(stroke, erase);  // the engine re-predicts from the painted prompt
    return;
  }
  const mask::Rle strokeRle = mask::encode(stroke);
  if (m_selected.size() == 1) {
    const annotation::AnnotationObject* target = m_document->project().object(*m_selected.begin());
    if (target && !Document::isLocked(*target)) {
      const mask::Rle edited = erase ? mask::subtract(target->mask, strokeRle) : mask::unite(target->mask, strokeRle);
      m_document->setMask(target->id, edited, erase ? tr("Erase stroke") : tr("Paint stroke"));
    } else if (target) {
      statusBar()->showMessage(tr("Object %1 is locked").arg(target->id), 3000);
    }
    return;
  }
  if (erase) {
    if (!m_prediction.candidates.empty()) {  // erase from the live prediction
      mask::BinaryMask& live = m_prediction.candidates[size_t(m_candidateIndex)].mask;
      for (int64_t i = 0, n = live.pixelCount(); i < n; ++i)
        if (stroke.data()[i]) live.data()[i] = 0;
      refreshLive();
    }
    return;
  }
  annotation::AnnotationObject object;  // painting with nothing selected makes a new object
  object.imageId = m_imageId;
  object.categoryId = m_currentCategory ? m_currentCategory : m_document->defaultCategory();
  object.mask = strokeRle;
  object.source = "manual";
  const int64_t id = m_document->addObject(std::move(object));
  m_document->setImageStatus(m_imageId, annotation::ImageStatus::InProgress);
  setSelection({id});
}

void MainWindow::setHoverPreview(bool on) {
  m_hoverPreview = on;
  QSettings().setValue(QStringLiteral("point/hoverPreview"), on);
}

void MainWindow::hoverAt(const QPointF& p) {
  if (!m_hoverPreview || !m_canvas->hasImage() || !QRectF(m_canvas->image().rect()).contains(p)) return;
  // Only before the first click, and only when the cursor moved a few pixels.
  if (!m_session->prompt().empty() || QLineF(p, m_lastHover).length() < 4.0 / std::max(0.01, m_canvas->zoom())) return;
  m_lastHover = p;
  prompt::InteractivePrompt preview;
  preview.clicks = {{p.x(), p.y(), true}};
  m_engine->requestPrediction(preview);
}

// ---- overlays --------------------------------------------------------------------------------

void MainWindow::setOverlayStyle(const OverlayStyle& style) {
  m_style = style;
  QSettings().setValue(QStringLiteral("overlay/alpha"), style.fillAlpha);
  QSettings().setValue(QStringLiteral("overlay/outlineOnly"), style.outlineOnly);
  refreshObjects();
  refreshLive();
  refreshCandidates();
}

void MainWindow::showLayer(ImageCanvas::Layer layer, const OverlayLayer& raster) {
  m_canvas->setLayer(layer, raster.image, raster.region);
}

void MainWindow::refreshObjects() {
  if (!m_canvas->hasImage()) return;
  showLayer(ImageCanvas::Layer::Objects, OverlayRenderer::renderObjects(m_document->project(), m_imageId, m_canvas->image().size(),
                                                                       m_selected, m_hidden, m_style));
  m_objectsDock->refresh(m_document->project(), m_imageId, m_selected, m_hidden);
}

void MainWindow::refreshLive() {
  if (!m_canvas->hasImage()) return;
  const mask::BinaryMask& live = liveMask();
  showLayer(ImageCanvas::Layer::Live,
            live.empty() ? OverlayLayer{} : OverlayRenderer::renderMasks({&live}, {kLiveColor}, m_canvas->image().size(), m_style));
}

void MainWindow::refreshCandidates() {
  if (!m_canvas->hasImage()) return;
  std::vector<const mask::BinaryMask*> masks;
  for (const segment::Instance& instance : m_similar) masks.push_back(&instance.mask);
  showLayer(ImageCanvas::Layer::Candidates,
            masks.empty() ? OverlayLayer{} : OverlayRenderer::renderMasks(masks, {kCandidateColor}, m_canvas->image().size(), m_style));
}

// ---- images and folders ----------------------------------------------------------------------

bool MainWindow::isDone(const QString& path) const {
  const annotation::ImageRecord* record = m_document->project().imageByFileName(QFileInfo(path).fileName().toStdString());
  return record && (record->status == annotation::ImageStatus::Done || record->status == annotation::ImageStatus::Reviewed);
}

QString MainWindow::statusOf(const QString& path) const {
  if (isDone(path)) return tr("done");
  const annotation::ImageRecord* record = m_document->project().imageByFileName(QFileInfo(path).fileName().toStdString());
  if (record && record->status == annotation::ImageStatus::InProgress) return tr("in progress");
  return m_encoded.count(path) ? tr("encoded") : tr("new");
}

void MainWindow::refreshImageBadges() {
  for (const QString& path : m_folder.images()) m_imagesDock->setStatus(path, statusOf(path));
}

bool MainWindow::openFolder(const QString& directory, QString* error) {
  const QStringList images = ImageFolder::listImages(directory);
  if (images.isEmpty()) {
    const QString reason = tr("No images in %1").arg(QDir::toNativeSeparators(directory));
    statusBar()->showMessage(reason, 8000);
    if (error) *error = reason;
    return false;
  }
  m_folder.setImages(images, 0);
  m_imagesDock->setImages(images);
  QSettings().setValue(QStringLiteral("lastFolder"), directory);
  addRecent(directory);
  showFolderImage(0);
  return true;
}

void MainWindow::showFolderImage(int index) {
  if (index < 0 || index >= m_folder.images().size()) return;
  m_folder.setCurrent(index);
  QString error;
  if (!openImage(m_folder.images()[index], &error)) return;
  m_imagesDock->setCurrent(index);
  refreshImageBadges();
  if (m_engine->engine().capabilities.multimask) m_engine->preEncode(m_folder.upcoming(3));  // SAM3: encode ahead
}

bool MainWindow::nextImage() {
  const int index = m_folder.next();
  if (index < 0) return false;
  showFolderImage(index);
  return true;
}

bool MainWindow::previousImage() {
  const int index = m_folder.previous();
  if (index < 0) return false;
  showFolderImage(index);
  return true;
}

bool MainWindow::nextUnfinishedImage() {
  const int index = m_folder.nextWhere([this](const QString& path) { return !isDone(path); });
  if (index < 0) {
    statusBar()->showMessage(tr("Every image is done"), 4000);
    return false;
  }
  showFolderImage(index);
  return true;
}

void MainWindow::markImageDone(bool done) {
  if (!m_imageId) return;
  m_document->setImageStatus(m_imageId, done ? annotation::ImageStatus::Done
                                             : (m_document->project().objectsOfImage(m_imageId).empty() ? annotation::ImageStatus::New
                                                                                                         : annotation::ImageStatus::InProgress));
}

namespace {

// Decodes an image file (any thread). Null image and `error` on failure.
QImage decodeImage(const QString& path, QString* error) {
  QImageReader reader(path);
  reader.setAutoTransform(true);    // honour EXIF orientation like every photo viewer
  reader.setAllocationLimit(4096);  // MB: a 100-megapixel RGBA image fits, a decompression bomb does not
  QImage image = reader.read();
  if (image.isNull() && error) {
    *error = QCoreApplication::translate("MainWindow", "Cannot open %1: %2").arg(QDir::toNativeSeparators(path), reader.errorString());
  }
  return image;
}

constexpr qint64 kDecodeInBackgroundPixels = 16'000'000;

}  // namespace

bool MainWindow::openImage(const QString& path, QString* error) {
  // Large images decode on a worker thread so the window never freezes; small ones at once.
  const QSize size = QImageReader(path).size();
  if (size.isValid() && qint64(size.width()) * size.height() > kDecodeInBackgroundPixels) {
    const quint64 generation = ++m_loadGeneration;
    m_busyBar->setRange(0, 0);
    m_busyBar->show();
    statusBar()->showMessage(tr("Loading %1 (%2 × %3)…").arg(QFileInfo(path).fileName()).arg(size.width()).arg(size.height()));
    using Loaded = std::pair<std::vector<QImage>, QString>;  // display pyramid, or the reason
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path, generation] {
      Loaded loaded = watcher->result();
      watcher->deleteLater();
      if (generation != m_loadGeneration) return;  // the user has moved on
      m_busyBar->hide();
      if (loaded.first.empty()) {
        qCWarning(lcUi).noquote() << loaded.second;
        statusBar()->showMessage(loaded.second, 10000);
        return;
      }
      const QImage image = loaded.first.front();
      showImage(image, path, std::move(loaded.first));
    });
    watcher->setFuture(QtConcurrent::run([path]() -> Loaded {
      QString reason;
      const QImage image = decodeImage(path, &reason);
      if (image.isNull()) return {{}, reason};
      return {ImageCanvas::buildPyramid(ImageCanvas::toDisplayFormat(image)), QString()};
    }));
    return true;
  }
  ++m_loadGeneration;
  QString reason;
  const QImage image = decodeImage(path, &reason);
  if (image.isNull()) {
    qCWarning(lcUi).noquote() << reason;
    statusBar()->showMessage(reason, 10000);
    if (error) *error = reason;
    return false;
  }
  showImage(image, path);
  return true;
}

void MainWindow::showImage(const QImage& image, const QString& path, std::vector<QImage> pyramid) {
  m_currentPath = path;
  m_canvas->setImage(image, std::move(pyramid));
  m_imageId = m_document->imageFor(path, image.width(), image.height());
  m_engine->setImage(image, path);
  m_prediction = {};
  m_similar.clear();
  m_similarTool->clear();
  m_selected.clear();
  m_hidden.clear();
  m_session->clear();
  refreshObjects();
  refreshLive();
  refreshCandidates();
  const QString name = path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() + tr(" (sample)") : QFileInfo(path).fileName();
  updateTitle();
  m_imageLabel->setText(tr("%1   %2 × %3").arg(name).arg(image.width()).arg(image.height()));
  if (!path.startsWith(QLatin1Char(':'))) QSettings().setValue(QStringLiteral("lastFolder"), QFileInfo(path).absolutePath());
  qCInfo(lcUi).noquote() << "opened" << path << image.width() << "x" << image.height();
}

bool MainWindow::openSample(int index) {
  const QList<SampleImage> bundled = sampleImages();
  if (index < 0 || index >= bundled.size()) return false;
  return openImage(bundled[index].resourcePath);
}

bool MainWindow::openPath(const QString& path, QString* error) {
  const QFileInfo info(path);
  if (info.isDir()) return openFolder(path, error);
  if (path.endsWith(QStringLiteral(".sam3proj"))) {
    const auto ask = [this] {
      return QMessageBox::question(this, tr("Recover unsaved work?"),
                                   tr("This project has edits that were not saved (the application was closed unexpectedly). "
                                      "Recover them?")) == QMessageBox::Yes;
    };
    const bool ok = openProject(path, ask, error);
    if (ok) addRecent(path);
    return ok;
  }
  m_folder.setImages({QFileInfo(path).absoluteFilePath()}, 0);
  m_imagesDock->setImages(m_folder.images());
  const bool ok = openImage(path, error);
  if (ok) addRecent(path);
  return ok;
}

// ---- engine ----------------------------------------------------------------------------------

void MainWindow::loadBundle(const QString& directory) {
  m_busyBar->setRange(0, 0);
  m_busyBar->show();
  statusBar()->showMessage(tr("Loading model bundle %1…").arg(QDir::toNativeSeparators(directory)));
  QSettings().setValue(QStringLiteral("engine/bundle"), directory);
  m_engine->loadBundle(directory, QSettings().value(QStringLiteral("engine/device"), QStringLiteral("auto")).toString());
}

void MainWindow::chooseBundle() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Load SAM3 Model Bundle"),
                                                        QSettings().value(QStringLiteral("engine/bundle")).toString());
  if (!dir.isEmpty()) loadBundle(dir);
}

void MainWindow::showEngineError(const QString& message, const QString& detail) {
  statusBar()->showMessage(message, 10000);
  qCWarning(lcUi).noquote() << message << detail;
  if (detail.isEmpty()) return;  // short failures stay in the status bar
  if (!m_errorBox) {
    m_errorBox = new QMessageBox(QMessageBox::Warning, tr("SAM3 Annotate"), QString(), QMessageBox::Close, this);
    m_errorBox->setWindowModality(Qt::NonModal);  // the work in progress stays usable
  }
  m_errorBox->setText(message);
  m_errorBox->setDetailedText(detail);
  m_errorBox->show();
}

// ---- export, demo, theme, recent -------------------------------------------------------------

ExportDialog* MainWindow::openExportDialog() {
  if (m_exportDialog) {
    m_exportDialog->raise();
    return m_exportDialog;
  }
  const QString base = m_document->projectPath().isEmpty() ? QSettings().value(QStringLiteral("lastFolder"), QDir::homePath()).toString()
                                                           : QFileInfo(m_document->projectPath()).absolutePath();
  m_exportDialog = new ExportDialog(m_document->project(), QDir(base).filePath(QStringLiteral("annotations.json")), this);
  m_exportDialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(m_exportDialog, &ExportDialog::finished, this, [this](bool, const QString& message) {
    statusBar()->showMessage(message, 8000);
  });
  m_exportDialog->show();
  return m_exportDialog;
}

bool MainWindow::labelFolderWithExemplars() {
  if (m_folder.isEmpty() || !m_canvas->hasImage()) return false;
  segment::FindSimilarRequest request;
  const QImage& image = m_canvas->image();
  const cv::Mat bgra(image.height(), image.width(), CV_8UC4, const_cast<uchar*>(image.constBits()), size_t(image.bytesPerLine()));
  for (const SimilarTool::Exemplar& e : m_similarTool->exemplars()) {
    const QRect box = e.box.toAlignedRect().intersected(image.rect());
    if (box.width() < 2 || box.height() < 2) continue;
    cv::Mat patch;
    cv::cvtColor(bgra(cv::Rect(box.x(), box.y(), box.width(), box.height())), patch, cv::COLOR_BGRA2BGR);
    request.patches.push_back({patch, e.positive});
  }
  if (request.patches.empty()) {
    statusBar()->showMessage(tr("Draw exemplar boxes with the Find Similar tool first"), 5000);
    return false;
  }
  m_batchHits.clear();
  auto* progress = new QProgressDialog(tr("Finding similar objects in %n image(s)…", nullptr, int(m_folder.images().size())),
                                       tr("Cancel"), 0, int(m_folder.images().size()), this);
  progress->setWindowModality(Qt::WindowModal);  // the engine is busy with the batch
  progress->setMinimumDuration(0);
  progress->setAttribute(Qt::WA_DeleteOnClose);
  progress->setAutoClose(false);
  progress->setAutoReset(false);
  connect(progress, &QProgressDialog::canceled, m_engine, &EngineService::cancelBatch);
  auto done = std::make_shared<QMetaObject::Connection>();
  auto finished = std::make_shared<QMetaObject::Connection>();
  *done = connect(m_engine, &EngineService::batchImageDone, this,
                  [this, progress](int count, int, const std::vector<BatchHit>& hits, const QString& error) {
                    m_batchHits.insert(m_batchHits.end(), hits.begin(), hits.end());
                    if (progress) progress->setValue(count);
                    if (!error.isEmpty()) qCWarning(lcUi).noquote() << "batch:" << error;
                  });
  *finished = connect(m_engine, &EngineService::batchFinished, this, [this, progress, done, finished](bool cancelled) {
    disconnect(*done);
    disconnect(*finished);
    if (progress) progress->close();
    statusBar()->showMessage(cancelled ? tr("Batch cancelled; %n object(s) found so far are kept for review", nullptr, int(m_batchHits.size()))
                                       : tr("Batch done: %n object(s) found", nullptr, int(m_batchHits.size())), 8000);
    m_gallery = new ReviewGallery(m_batchHits, 0.5, this);
    m_gallery->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_gallery, &QDialog::accepted, this, [this] { acceptBatchHits(m_gallery->checkedHits()); });
    m_gallery->show();
  });
  m_engine->runBatch(m_folder.images(), request);
  return true;
}

ReviewGallery* MainWindow::reviewGallery() const { return m_gallery; }

void MainWindow::acceptBatchHits(const std::vector<BatchHit>& hits) {
  std::vector<annotation::AnnotationObject> objects;
  const int category = m_currentCategory ? m_currentCategory : m_document->defaultCategory();
  std::set<int> touched;
  for (const BatchHit& hit : hits) {
    annotation::AnnotationObject object;
    object.imageId = m_document->imageFor(hit.imagePath, hit.mask.width, hit.mask.height);
    object.categoryId = category;
    object.mask = hit.mask;
    object.score = hit.score;
    object.source = m_engine->engine().name.toStdString() + " batch";
    touched.insert(object.imageId);
    objects.push_back(std::move(object));
  }
  m_document->addObjects(std::move(objects), tr("Add %n object(s) from the batch", nullptr, int(hits.size())));
  for (int imageId : touched) m_document->setImageStatus(imageId, annotation::ImageStatus::InProgress);
}

void MainWindow::setDemoMode(bool on) {
  if (on == m_demo) return;
  m_demo = on;
  if (on) {
    m_stateBeforeDemo = saveState();
    for (QDockWidget* dock : {static_cast<QDockWidget*>(m_objectsDock), static_cast<QDockWidget*>(m_imagesDock)}) dock->hide();
    m_toolbar->setIconSize(QSize(48, 48));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    QFont big = m_toolbar->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    m_toolbar->setFont(big);
    showFullScreen();
    QStringList samples;
    for (const SampleImage& s : sampleImages()) samples << s.resourcePath;
    m_folder.setImages(samples, 0);
    m_imagesDock->setImages(samples);
    showFolderImage(0);
    selectTool(ToolKind::Point);
    statusBar()->showMessage(tr("Demo: click an object to segment it, right-click to exclude, Enter to keep it"));
  } else {
    m_toolbar->setIconSize(QSize(24, 24));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_toolbar->setFont(QFont());
    showNormal();
    restoreState(m_stateBeforeDemo);
  }
}

void MainWindow::resetDemo() {
  std::vector<int64_t> ids;
  for (const auto& entry : m_document->project().objects()) ids.push_back(entry.first);
  m_document->removeObjects(ids, /*includeLocked=*/true);
  m_document->undoStack()->clear();
  clearPrompt();
  if (!m_folder.isEmpty()) showFolderImage(0);
}

void MainWindow::applyTheme(const QString& theme) {
  QSettings().setValue(QStringLiteral("theme"), theme);
  if (theme == QLatin1String("system")) {
    QApplication::setPalette(QApplication::style()->standardPalette());
    return;
  }
  QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p;
  if (theme == QLatin1String("dark")) {
    p.setColor(QPalette::Window, QColor(45, 47, 52));
    p.setColor(QPalette::WindowText, QColor(230, 230, 230));
    p.setColor(QPalette::Base, QColor(32, 33, 37));
    p.setColor(QPalette::AlternateBase, QColor(45, 47, 52));
    p.setColor(QPalette::Text, QColor(230, 230, 230));
    p.setColor(QPalette::Button, QColor(55, 57, 63));
    p.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(55, 57, 63));
    p.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  } else {
    p = QApplication::style()->standardPalette();
  }
  QApplication::setPalette(p);
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recent")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > 10) recent.removeLast();
  settings.setValue(QStringLiteral("recent"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  m_recentMenu->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recent")).toStringList();
  for (const QString& path : recent) {
    m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] {
      QString error;
      if (!openPath(path, &error)) QMessageBox::warning(this, tr("Cannot open"), error);
    });
  }
  m_recentMenu->setEnabled(!recent.isEmpty());
}

// ---- actions and docks -----------------------------------------------------------------------

void MainWindow::createDocks() {
  m_objectsDock = new ObjectsDock(this);
  m_classesDock = new ClassesDock(this);
  m_imagesDock = new ImagesDock(this);
  addDockWidget(Qt::RightDockWidgetArea, m_classesDock);
  addDockWidget(Qt::RightDockWidgetArea, m_objectsDock);
  addDockWidget(Qt::LeftDockWidgetArea, m_imagesDock);
  auto* history = new QDockWidget(tr("History"), this);
  history->setObjectName(QStringLiteral("historyDock"));
  history->setWidget(new QUndoView(m_document->undoStack(), history));
  addDockWidget(Qt::RightDockWidgetArea, history);
  tabifyDockWidget(m_objectsDock, history);
  m_objectsDock->raise();

  connect(m_objectsDock, &ObjectsDock::selectionEdited, this, [this](const std::vector<int64_t>& ids) {
    m_selected = {ids.begin(), ids.end()};
    showLayer(ImageCanvas::Layer::Objects, OverlayRenderer::renderObjects(m_document->project(), m_imageId,
                                                                         m_canvas->image().size(), m_selected, m_hidden, m_style));
  });
  connect(m_objectsDock, &ObjectsDock::visibilityEdited, this, [this](int64_t id, bool visible) {
    if (visible) m_hidden.erase(id); else m_hidden.insert(id);
    refreshObjects();
  });
  connect(m_objectsDock, &ObjectsDock::lockEdited, this, [this](int64_t id, bool locked) { m_document->setLocked(id, locked); });
  connect(m_classesDock, &ClassesDock::categoryChosen, this, [this](int id) {
    m_currentCategory = id;
    if (!m_selected.empty()) m_document->changeCategory({m_selected.begin(), m_selected.end()}, id);
  });
  connect(m_classesDock, &ClassesDock::addRequested, this, [this] {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New Class"), tr("Name:"), QLineEdit::Normal, QString(), &ok).trimmed();
    if (!ok || name.isEmpty()) return;
    const size_t n = m_document->project().categories().size();
    m_currentCategory = m_document->addCategory(name, kClassColors[n % std::size(kClassColors)]);
    m_classesDock->refresh(m_document->project(), m_currentCategory);
  });
  connect(m_classesDock, &ClassesDock::renameRequested, this, [this](int id) {
    const annotation::Category* category = m_document->project().category(id);
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Class"), tr("Name:"), QLineEdit::Normal,
                                               QString::fromStdString(category->name), &ok);
    if (ok) m_document->renameCategory(id, name);
  });
  connect(m_classesDock, &ClassesDock::recolorRequested, this, [this](int id) {
    const auto c = m_document->project().category(id)->color;
    const QColor color = QColorDialog::getColor(QColor(c[0], c[1], c[2]), this, tr("Class Colour"));
    if (color.isValid()) m_document->recolorCategory(id, {uint8_t(color.red()), uint8_t(color.green()), uint8_t(color.blue())});
  });
  connect(m_imagesDock, &ImagesDock::imageActivated, this, [this](int index) { showFolderImage(index); });
}

void MainWindow::createActions() {
  QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
  QAction* openAction = fileMenu->addAction(themedIcon("document-open", "open-image"), tr("&Open Image…"), this,
                                            &MainWindow::chooseImage);
  openAction->setShortcut(QKeySequence::Open);
  QAction* openFolderAction = fileMenu->addAction(themedIcon("folder-open", "open-folder"), tr("Open &Folder…"), this,
                                                  &MainWindow::chooseFolder);
  openFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
  m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  QMenu* samples = fileMenu->addMenu(tr("Open &Sample"));
  const QList<SampleImage> bundled = sampleImages();
  for (int i = 0; i < bundled.size(); ++i) samples->addAction(bundled[i].title, this, [this, i] { openSample(i); });
  fileMenu->addSeparator();
  QAction* openProjectAction = fileMenu->addAction(tr("Open &Project…"), this, &MainWindow::openProjectInteractive);
  openProjectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  QAction* saveAction = fileMenu->addAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Save Project"), this,
                                            [this] { saveProjectInteractive(false); });
  saveAction->setShortcut(QKeySequence::Save);
  QAction* saveAsAction = fileMenu->addAction(tr("Save Project &As…"), this, [this] { saveProjectInteractive(true); });
  saveAsAction->setShortcut(QKeySequence::SaveAs);
  QAction* exportAction = fileMenu->addAction(tr("&Export…"), this, [this] { openExportDialog(); });
  exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  fileMenu->addSeparator();
  QAction* quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
  quitAction->setShortcut(QKeySequence::Quit);

  QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  undo->setIcon(themedIcon("edit-undo", "undo"));
  QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)});
  redo->setIcon(themedIcon("edit-redo", "redo"));
  editMenu->addAction(undo);
  editMenu->addAction(redo);
  editMenu->addSeparator();
  QAction* accept = editMenu->addAction(tr("&Accept"), this, [this] {
    if (!acceptSimilarCandidates()) acceptLiveMask();
  });
  accept->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
  accept->setIcon(themedIcon("dialog-ok-apply", "accept"));
  QAction* clear = editMenu->addAction(tr("&Clear Prompt"), this, [this] {
    clearPrompt();
    setSelection({});
  });
  clear->setShortcut(QKeySequence(Qt::Key_Escape));
  QAction* cycle = editMenu->addAction(tr("Next &Candidate Mask"), this, &MainWindow::cycleCandidate);
  cycle->setShortcut(QKeySequence(Qt::Key_Tab));
  editMenu->addSeparator();
  QAction* remove = editMenu->addAction(tr("&Delete Selected"), this, &MainWindow::deleteSelection);
  remove->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
  editMenu->addAction(tr("&Merge Selected"), this, &MainWindow::mergeSelection)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
  editMenu->addAction(tr("&Split Disconnected Parts"), this, &MainWindow::splitSelection)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
  QMenu* classMenu = editMenu->addMenu(tr("Set C&lass"));
  for (int row = 0; row < 9; ++row) {
    QAction* a = classMenu->addAction(tr("Class %1").arg(row + 1), this, [this, row] { chooseCategoryRow(row); });
    a->setShortcut(QKeySequence(Qt::Key_1 + row));
    addAction(a);
  }

  QMenu* toolsMenu = menuBar()->addMenu(tr("&Tools"));
  auto* group = new QActionGroup(this);
  struct ToolSpec {
    ToolKind kind;
    QString text;
    QString label;  // toolbar
    Qt::Key key;
    const char* icon;
    const char* ours;
  };
  const ToolSpec specs[] = {{ToolKind::Point, tr("&Point (left include, right/Shift exclude)"), tr("Point"), Qt::Key_P, "edit-select", "tool-point"},
                            {ToolKind::Box, tr("&Box"), tr("Box"), Qt::Key_B, "draw-rectangle", "tool-box"},
                            {ToolKind::Brush, tr("B&rush"), tr("Brush"), Qt::Key_R, "draw-brush", "tool-brush"},
                            {ToolKind::Eraser, tr("&Eraser"), tr("Eraser"), Qt::Key_E, "draw-eraser", "tool-eraser"},
                            {ToolKind::Similar, tr("&Find Similar (drag exemplars)"), tr("Similar"), Qt::Key_F, "edit-find", "tool-similar"},
                            {ToolKind::Select, tr("&Select / Edit"), tr("Select"), Qt::Key_V, "edit-select-all", "tool-select"},
                            {ToolKind::Pan, tr("P&an"), tr("Pan"), Qt::Key_H, "transform-move", "tool-pan"}};
  for (const ToolSpec& spec : specs) {
    QAction* a = toolsMenu->addAction(themedIcon(spec.icon, spec.ours), spec.text, this,
                                      [this, kind = spec.kind] { selectTool(kind); });
    a->setIconText(spec.label);
    a->setShortcut(QKeySequence(spec.key));
    a->setCheckable(true);
    group->addAction(a);
    m_toolActions[spec.kind] = a;
  }
  QAction* smaller = toolsMenu->addAction(tr("Smaller Brush"), this, [this] { m_brushTool->shrink(); m_eraserTool->shrink(); m_canvas->update(); });
  smaller->setShortcut(QKeySequence(Qt::Key_BracketLeft));
  QAction* larger = toolsMenu->addAction(tr("Larger Brush"), this, [this] { m_brushTool->grow(); m_eraserTool->grow(); m_canvas->update(); });
  larger->setShortcut(QKeySequence(Qt::Key_BracketRight));
  QAction* hover = toolsMenu->addAction(tr("Preview Mask on &Hover"), this, [this](bool on) { setHoverPreview(on); });
  hover->setCheckable(true);
  hover->setChecked(QSettings().value(QStringLiteral("point/hoverPreview"), false).toBool());
  m_hoverPreview = hover->isChecked();
  QAction* asPrompt = toolsMenu->addAction(tr("Brush Strokes Prompt the Engine"), this, [this](bool on) { setBrushAsPrompt(on); });
  asPrompt->setCheckable(true);
  asPrompt->setChecked(QSettings().value(QStringLiteral("brush/asPrompt"), false).toBool());
  m_brushAsPrompt = asPrompt->isChecked();
  toolsMenu->addAction(tr("&Label Folder with These Exemplars…"), this, &MainWindow::labelFolderWithExemplars)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
  toolsMenu->addSeparator();
  toolsMenu->addAction(tr("Load SAM3 Model &Bundle…"), this, &MainWindow::chooseBundle);
  toolsMenu->addAction(tr("Use &Classic Engine"), this, [this] {
    QSettings().remove(QStringLiteral("engine/bundle"));
    m_engine->useClassic();
  });
  QMenu* deviceMenu = toolsMenu->addMenu(tr("SAM3 &Device"));
  auto* devices = new QActionGroup(this);
  for (const QString& device : {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}) {
    QAction* a = deviceMenu->addAction(device.toUpper(), this, [device] { QSettings().setValue(QStringLiteral("engine/device"), device); });
    a->setCheckable(true);
    a->setChecked(QSettings().value(QStringLiteral("engine/device"), QStringLiteral("auto")).toString() == device);
    devices->addAction(a);
  }

  QMenu* navigateMenu = menuBar()->addMenu(tr("&Go"));
  QAction* next = navigateMenu->addAction(themedIcon("go-next", "go-next"), tr("&Next Image"), this, &MainWindow::nextImage);
  next->setShortcuts({QKeySequence(Qt::Key_D), QKeySequence(Qt::Key_PageDown)});
  QAction* previous = navigateMenu->addAction(themedIcon("go-previous", "go-previous"), tr("&Previous Image"), this,
                                              &MainWindow::previousImage);
  previous->setShortcuts({QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_PageUp)});
  navigateMenu->addAction(tr("Next &Unfinished Image"), this, &MainWindow::nextUnfinishedImage)->setShortcut(QKeySequence(Qt::Key_N));
  navigateMenu->addAction(tr("Mark Image &Done"), this, [this] { markImageDone(true); })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));

  QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
  QAction* zoomIn = viewMenu->addAction(QIcon::fromTheme(QStringLiteral("zoom-in")), tr("Zoom &In"), m_canvas, &ImageCanvas::zoomIn);
  zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
  QAction* zoomOut = viewMenu->addAction(QIcon::fromTheme(QStringLiteral("zoom-out")), tr("Zoom &Out"), m_canvas, &ImageCanvas::zoomOut);
  zoomOut->setShortcut(QKeySequence::ZoomOut);
  QAction* fit = viewMenu->addAction(QIcon::fromTheme(QStringLiteral("zoom-fit-best")), tr("&Fit to Window"), m_canvas,
                                     &ImageCanvas::fitToWindow);
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  QAction* actual = viewMenu->addAction(QIcon::fromTheme(QStringLiteral("zoom-original")), tr("&Actual Size"), m_canvas,
                                        &ImageCanvas::zoomToActualSize);
  actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
  viewMenu->addSeparator();
  QMenu* opacity = viewMenu->addMenu(tr("Mask &Opacity"));
  for (int percent : {25, 45, 65, 85}) {
    opacity->addAction(tr("%1%").arg(percent), this, [this, percent] {
      OverlayStyle s = m_style;
      s.fillAlpha = percent * 255 / 100;
      setOverlayStyle(s);
    });
  }
  QAction* outline = viewMenu->addAction(tr("&Outlines Only"), this, [this](bool on) {
    OverlayStyle s = m_style;
    s.outlineOnly = on;
    setOverlayStyle(s);
  });
  outline->setCheckable(true);
  outline->setShortcut(QKeySequence(Qt::Key_O));
  QMenu* theme = viewMenu->addMenu(tr("&Theme"));
  for (const auto& [key, label] : {std::pair{QStringLiteral("system"), tr("System")}, std::pair{QStringLiteral("light"), tr("Light")},
                                   std::pair{QStringLiteral("dark"), tr("Dark")}}) {
    theme->addAction(label, this, [this, key = key] { applyTheme(key); });
  }
  viewMenu->addSeparator();
  for (QDockWidget* dock : findChildren<QDockWidget*>()) viewMenu->addAction(dock->toggleViewAction());
  viewMenu->addSeparator();
  QAction* demo = viewMenu->addAction(tr("&Demo Mode"), this, [this](bool on) { setDemoMode(on); });
  demo->setCheckable(true);
  demo->setShortcut(QKeySequence(Qt::Key_F11));
  QAction* reset = viewMenu->addAction(tr("&Reset Demo"), this, &MainWindow::resetDemo);

  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About SAM3 Annotate"), this, &MainWindow::showAbout);

  m_toolbar = addToolBar(tr("Main"));
  m_toolbar->setObjectName(QStringLiteral("mainToolbar"));
  m_toolbar->addAction(openAction);
  m_toolbar->addAction(openFolderAction);
  m_toolbar->addAction(previous);
  m_toolbar->addAction(next);
  m_toolbar->addSeparator();
  for (const ToolSpec& spec : specs) m_toolbar->addAction(m_toolActions[spec.kind]);
  m_toolbar->addSeparator();
  m_toolbar->addAction(accept);
  m_toolbar->addAction(undo);
  m_toolbar->addAction(redo);
  m_toolbar->addSeparator();
  m_toolbar->addAction(zoomIn);
  m_toolbar->addAction(zoomOut);
  m_toolbar->addAction(fit);
  m_toolbar->addAction(actual);
  m_toolbar->addAction(reset);
  openAction->setIconText(tr("Open"));
  openFolderAction->setIconText(tr("Folder"));
  previous->setIconText(tr("Previous"));
  next->setIconText(tr("Next"));
  fit->setIconText(tr("Fit"));
  actual->setIconText(tr("1:1"));
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
  m_style.fillAlpha = settings.value(QStringLiteral("overlay/alpha"), m_style.fillAlpha).toInt();
  m_style.outlineOnly = settings.value(QStringLiteral("overlay/outlineOnly"), false).toBool();
  const int tool = settings.value(QStringLiteral("tool"), int(ToolKind::Point)).toInt();
  selectTool(tool >= 0 && tool <= int(ToolKind::Pan) ? ToolKind(tool) : ToolKind::Point);
  const QString theme = settings.value(QStringLiteral("theme"), QStringLiteral("system")).toString();
  if (theme != QLatin1String("system")) applyTheme(theme);
  const QString bundle = settings.value(QStringLiteral("engine/bundle")).toString();
  if (!bundle.isEmpty()) loadBundle(bundle);  // a failure keeps the classic engine and says why
  m_classesDock->refresh(m_document->project(), m_currentCategory);
}

// ---- projects, window ------------------------------------------------------------------------

void MainWindow::updateTitle() {
  const QString name = m_document->projectPath().isEmpty() ? QFileInfo(m_currentPath).fileName()
                                                            : QFileInfo(m_document->projectPath()).fileName();
  setWindowTitle(tr("%1%2 — SAM3 Annotate").arg(name, m_document->isDirty() ? QStringLiteral(" *") : QString()));
}

bool MainWindow::offerCrashRecovery(const std::function<bool()>& ask) {
  const QString last = QSettings().value(QStringLiteral("lastProject")).toString();
  if (last.isEmpty() || !QFileInfo::exists(last)) return false;
  if (!io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(last.toStdString()))) return false;
  QString error;
  if (!openProject(last, ask, &error)) {
    statusBar()->showMessage(error, 10000);
    return false;
  }
  return true;
}

bool MainWindow::saveProjectAs(const QString& path, QString* error) {
  const bool ok = m_document->saveAs(path, error);
  if (ok) {
    addRecent(path);
    QSettings().setValue(QStringLiteral("lastProject"), path);
  }
  updateTitle();
  return ok;
}

bool MainWindow::openProject(const QString& path, const std::function<bool()>& recover, QString* error) {
  if (!m_document->open(path, recover, error)) return false;
  QSettings().setValue(QStringLiteral("lastProject"), path);
  QStringList paths;
  for (const auto& entry : m_document->project().images()) {
    const QString stored = QString::fromStdString(entry.second.path);
    paths << (QDir::isAbsolutePath(stored) || stored.startsWith(QLatin1Char(':')) ? stored
                                                                                   : QFileInfo(path).absoluteDir().filePath(stored));
  }
  m_folder.setImages(paths, 0);
  m_imagesDock->setImages(paths);
  if (!paths.isEmpty()) showFolderImage(0);
  refreshImageBadges();
  updateTitle();
  return true;
}

void MainWindow::saveProjectInteractive(bool chooseFile) {
  QString path = m_document->projectPath();
  if (chooseFile || path.isEmpty()) {
    path = QFileDialog::getSaveFileName(this, tr("Save Project"), QSettings().value(QStringLiteral("lastFolder")).toString(),
                                        tr("SAM3 Annotate projects (*.sam3proj)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QStringLiteral(".sam3proj"))) path += QStringLiteral(".sam3proj");
  }
  QString error;
  if (!saveProjectAs(path, &error)) {
    QMessageBox::warning(this, tr("Cannot save"), tr("The project was not saved; your work is kept.\n\n%1").arg(error));
  } else {
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 3000);
  }
}

void MainWindow::openProjectInteractive() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QSettings().value(QStringLiteral("lastFolder")).toString(),
                                                    tr("SAM3 Annotate projects (*.sam3proj)"));
  if (path.isEmpty()) return;
  QString error;
  if (!openPath(path, &error)) QMessageBox::warning(this, tr("Cannot open project"), error);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (m_document->isDirty() && !m_document->projectPath().isEmpty()) {
    QString error;
    if (!m_document->save(&error)) {
      const auto answer = QMessageBox::warning(this, tr("Cannot save"), tr("%1\n\nQuit anyway? Unsaved edits stay in the journal.").arg(error),
                                               QMessageBox::Yes | QMessageBox::No);
      if (answer != QMessageBox::Yes) {
        event->ignore();
        return;
      }
    }
  }
  QSettings settings;
  if (!m_demo) {
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  }
  event->accept();
}

void MainWindow::chooseImage() {
  const QString folder = QSettings().value(QStringLiteral("lastFolder")).toString();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), folder, imageFileFilter());
  if (path.isEmpty()) return;
  QString error;
  if (!openPath(path, &error)) QMessageBox::warning(this, tr("Cannot open image"), error);
}

void MainWindow::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Folder"), QSettings().value(QStringLiteral("lastFolder")).toString());
  if (dir.isEmpty()) return;
  QString error;
  if (!openFolder(dir, &error)) QMessageBox::warning(this, tr("Cannot open folder"), error);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  QStringList images;
  for (const QUrl& url : urls) {
    if (!url.isLocalFile()) continue;
    const QString path = url.toLocalFile();
    if (QFileInfo(path).isDir() || path.endsWith(QStringLiteral(".sam3proj"))) {  // a folder or project wins
      if (openPath(path)) event->acceptProposedAction();
      return;
    }
    images << QFileInfo(path).absoluteFilePath();
  }
  if (images.isEmpty()) return;
  m_folder.setImages(images, 0);  // several dropped images become the list to work through
  m_imagesDock->setImages(images);
  showFolderImage(0);
  event->acceptProposedAction();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About SAM3 Annotate"),
                     tr("<h3>SAM3 Annotate %1</h3><p>Label images with points, boxes and brushes, "
                        "segmented by Segment Anything Model 3 or the built-in classic engine.</p>")
                         .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::updateZoomLabel(double scale) { m_zoomLabel->setText(tr("%1%").arg(qRound(scale * 100.0))); }

void MainWindow::updateCursorLabel(const QPointF& imagePos, bool inside) {
  m_cursorLabel->setText(inside ? tr("x %1  y %2").arg(int(imagePos.x())).arg(int(imagePos.y())) : QString());
}

}  // namespace sam3::ui
