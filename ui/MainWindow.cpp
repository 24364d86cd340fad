#include "ui/MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QMenuBar>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>
#include <QStyleFactory>
#include <QToolBar>
#include <QUndoView>

#include "ui/support/AppLogging.h"
#include "ui/MainActions.h"
#include "ui/support/SampleImages.h"
#include "ui/widgets/StatusBarView.h"
#include "ui/widgets/TextPromptBar.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/controllers/BatchController.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ImportController.h"
#include "ui/controllers/ProjectController.h"
#include "ui/demo/DemoController.h"
#include "ui/demo/DemoPanel.h"
#include "ui/models/ModelLibrary.h"
#include "ui/models/ModelManagerDialog.h"
#include "ui/document/FolderSessions.h"
#include "ui/docks/ClassesDock.h"
#include "ui/docks/ImagesDock.h"
#include "ui/docks/ObjectsDock.h"
#include "ui/document/Document.h"
#include "ui/engine/BundleTrust.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"
#include "ui/session/WorkflowHint.h"
#include "ui/tools/BrushTool.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {
const QColor kLiveColor(0, 160, 255);
const QColor kCandidateColor(255, 140, 0);
}  // namespace

MainWindow::MainWindow(QWidget* parent, EngineFactory engineFactory)
    : QMainWindow(parent),
      m_canvas(new ImageCanvas(this)),
      m_document(new Document(this)),
      m_engine(new EngineService(this, std::move(engineFactory))),
      m_session(new LabelSession(m_document, m_engine, this)) {
  const ToolContext context{m_document, m_session, m_canvas};
  for (const ToolIdentity& tool : toolRegistry()) m_tools[tool.kind] = tool.make(context);

  setWindowTitle(tr("SAM3 Annotate"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/sam3-annotate.svg")));
  setCentralWidget(m_canvas);
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
  m_status = new StatusBarView(statusBar(), m_engine, m_canvas);
  createDocks();
  m_folders = new FolderController(m_canvas, m_session, m_imagesDock, this);
  m_projects = new ProjectController(m_document, m_folders, this);
  m_imports = new ImportController(m_document, m_folders, this);
  m_batch = new BatchController(m_session, m_folders, m_canvas, this);
  m_textBar = new TextPromptBar(m_session, m_engine, this);
  wireSession();
  // Before the actions are built: the View menu's checkboxes start from the saved style (Outlines
  // Only showed unchecked after a restart while outlines were drawn).
  m_style.fillAlpha = settings::overlayAlpha().get();
  m_style.outlineOnly = settings::overlayOutlineOnly().get();
  buildMainActions(*this);
  resize(1280, 860);
  restoreSettings();
  m_canvas->setFocus();  // keys go to the picture first, not to the phrase box
}

MainWindow::~MainWindow() { m_canvas->setTool(nullptr); }

PromptSession* MainWindow::promptSession() const { return m_session->prompt(); }
BrushTool* MainWindow::brushTool() const { return static_cast<BrushTool*>(m_tools.at(ToolKind::Brush).get()); }
BrushTool* MainWindow::eraserTool() const { return static_cast<BrushTool*>(m_tools.at(ToolKind::Eraser).get()); }
bool MainWindow::openImage(const QString& path, QString* error) { return m_folders->openImage(path, error); }
bool MainWindow::openFolder(const QString& directory, QString* error) { return m_projects->openSession({directory}, error); }
bool MainWindow::openPath(const QString& path, QString* error) { return m_projects->openPath(path, error); }
bool MainWindow::offerCrashRecovery(const RecoveryQuestion& ask) { return m_projects->offerCrashRecovery(ask); }
QString MainWindow::currentImagePath() const { return m_folders->currentPath(); }
int MainWindow::currentImageId() const { return m_session->imageId(); }

bool MainWindow::openSample(int index) {
  const QList<SampleImage> bundled = sampleImages();
  return index >= 0 && index < bundled.size() && openImage(bundled[index].resourcePath);
}

void MainWindow::wireSession() {
  auto message = [this](const QString& text, int ms) { m_status->showMessage(text, ms); };
  connect(m_session, &LabelSession::message, this, message);
  connect(m_folders, &FolderController::message, this, message);
  connect(m_projects, &ProjectController::message, this, message);
  connect(m_imports, &ImportController::message, this, message);
  connect(m_batch, &BatchController::message, this, message);
  connect(m_session, &LabelSession::failed, this, [this](const QString& text) { showEngineError(text); });
  connect(m_session, &LabelSession::liveChanged, this, &MainWindow::refreshLive);
  auto hint = [this] { m_status->setHint(workflowHint(*m_session)); };
  for (auto signal : {&LabelSession::liveChanged, &LabelSession::candidatesChanged}) connect(m_session, signal, this, hint);
  connect(m_session->prompt(), &PromptSession::changed, this, hint);
  connect(m_engine, &EngineService::engineChanged, this, hint);
  connect(m_folders, &FolderController::imageShown, this, hint);
  hint();
  connect(m_session, &LabelSession::candidatesChanged, this, &MainWindow::refreshCandidates);
  connect(m_session, &LabelSession::objectsViewChanged, this, &MainWindow::refreshObjects);
  connect(m_session->prompt(), &PromptSession::changed, this,
          [this] { m_canvas->setPromptMarkers(m_session->prompt()->prompt(), m_session->prompt()->previewBox()); });
  connect(m_session->prompt(), &PromptSession::previewChanged, this,
          [this] { m_canvas->setPromptMarkers(m_session->prompt()->prompt(), m_session->prompt()->previewBox()); });
  connect(m_folders, &FolderController::loading, m_status, &StatusBarView::setBusy);
  connect(m_folders, &FolderController::imageShown, this, [this](const QString& path, const QSize& size) {
    m_status->showImage(path, size);
    updateTitle();
  });
  connect(m_projects, &ProjectController::titleChanged, this, &MainWindow::updateTitle);
  connect(m_document, &Document::storageProblemChanged, m_status, &StatusBarView::setStorageProblem);
  connect(m_engine, &EngineService::imageReady, this, [this](const QString&, const QString& error, double) {
    if (!error.isEmpty()) showEngineError(tr("The engine could not use this image: %1").arg(error));
  });
  connect(m_engine, &EngineService::engineLoadFailed, this, [this](const QString& error) {
    showEngineError(tr("The model bundle could not be loaded; the current engine stays active."), error);
  });
  // Redraws are coalesced: a command touching 500 objects emits 500 changes but redraws once,
  // when control returns to the event loop.
  m_objectsRefresh.setSingleShot(true);
  m_objectsRefresh.setInterval(0);
  connect(&m_objectsRefresh, &QTimer::timeout, this, &MainWindow::refreshObjects);
  connect(m_document, &Document::objectsChanged, this, [this](int imageId) {
    if (imageId == m_session->imageId()) m_objectsRefresh.start();
  });
}

void MainWindow::createDemo() {
  if (m_demoPanel) return;  // made on first use: its gallery decodes the samples, not worth it at start-up
  m_demoPanel = new DemoPanel(this);
  m_demoBar = new QToolBar(tr("Demo"), this);
  m_demoBar->setObjectName(QStringLiteral("demoBar"));
  m_demoBar->setMovable(false);
  m_demoBar->addWidget(m_demoPanel);
  addToolBar(Qt::TopToolBarArea, m_demoBar);
  m_demoBar->hide();
  m_demoController = new DemoController(m_demoPanel, m_document, m_session, m_folders, m_engine, this);
  connect(m_demoController, &DemoController::leaveRequested, this, [this] { setDemoMode(false); });
}

void MainWindow::createDocks() {
  m_objectsDock = new ObjectsDock(this);
  m_classesDock = new ClassesDock(this);
  m_imagesDock = new ImagesDock(this);
  addDockWidget(Qt::RightDockWidgetArea, m_classesDock);
  addDockWidget(Qt::RightDockWidgetArea, m_objectsDock);
  addDockWidget(Qt::LeftDockWidgetArea, m_imagesDock);
  auto* history = new QDockWidget(tr("History"), this);
  history->setObjectName(QStringLiteral("historyDock"));
  auto* historyView = new QUndoView(m_document->undoStack(), history);
  historyView->setObjectName(QStringLiteral("historyView"));
  history->setWidget(historyView);
  // The first row stands for the state before the oldest step: say when older ones were dropped.
  connect(m_document->undoBudget(), &UndoBudget::trimmed, historyView, [this, historyView](int dropped) {
    historyView->setEmptyLabel(dropped == 0 ? tr("<empty>")
                                            : tr("<%n older step(s) dropped: undo memory budget %1 MB>", nullptr, dropped)
                                                  .arg(m_document->undoBudget()->budget() >> 20));
  });
  addDockWidget(Qt::RightDockWidgetArea, history);
  tabifyDockWidget(m_objectsDock, history);
  m_objectsDock->raise();
  m_classesDock->attach(m_document, m_session);
  connect(m_objectsDock, &ObjectsDock::selectionEdited, m_session,
          [this](const std::vector<int64_t>& ids) { m_session->setSelection({ids.begin(), ids.end()}); });
  connect(m_objectsDock, &ObjectsDock::visibilityEdited, m_session, [this](int64_t id, bool visible) { m_session->setHidden(id, !visible); });
  connect(m_objectsDock, &ObjectsDock::lockEdited, m_document, [this](int64_t id, bool locked) { m_document->setLocked(id, locked); });
}

// ---- tools and overlays ------------------------------------------------------------------------

void MainWindow::selectTool(ToolKind tool) {
  m_tool = tool;
  m_canvas->setTool(m_tools.at(tool).get());
  if (QAction* action = toolActions[tool]) action->setChecked(true);
  settings::tool().set(QString::fromLatin1(toolIdentity(tool).id));
}

void MainWindow::setOverlayStyle(const OverlayStyle& style) {
  m_style = style;
  settings::overlayAlpha().set(style.fillAlpha);
  settings::overlayOutlineOnly().set(style.outlineOnly);
  refreshObjects();
  refreshLive();
  refreshCandidates();
}

void MainWindow::refreshObjects() {
  if (!m_canvas->hasImage()) return;
  const int imageId = m_session->imageId();
  const OverlayLayer layer = OverlayRenderer::renderObjects(m_document->project(), imageId, m_canvas->image().size(),
                                                            m_session->selection(), m_session->hidden(), m_style);
  m_canvas->setLayer(ImageCanvas::Layer::Objects, layer.image, layer.region);
  m_objectsDock->refresh(m_document->project(), imageId, m_session->selection(), m_session->hidden());
}

void MainWindow::refreshLive() {
  if (!m_canvas->hasImage()) return;
  const mask::BinaryMask& live = m_session->liveMask();
  const OverlayLayer layer =
      live.empty() ? OverlayLayer{} : OverlayRenderer::renderMasks({&live}, {kLiveColor}, m_canvas->image().size(), m_style);
  m_canvas->setLayer(ImageCanvas::Layer::Live, layer.image, layer.region);
}

void MainWindow::refreshCandidates() {
  if (!m_canvas->hasImage()) return;
  std::vector<const mask::BinaryMask*> masks;
  for (const segment::Instance& instance : m_session->similarCandidates()) masks.push_back(&instance.mask);
  const OverlayLayer layer =
      masks.empty() ? OverlayLayer{} : OverlayRenderer::renderMasks(masks, {kCandidateColor}, m_canvas->image().size(), m_style);
  m_canvas->setLayer(ImageCanvas::Layer::Candidates, layer.image, layer.region);
}

// ---- engine, demo, theme -----------------------------------------------------------------------

void MainWindow::loadBundle(const QString& directory) {
  if (!BundleTrust::confirm(BundleTrust::describe(directory), this)) {
    m_status->showMessage(tr("Model bundle not loaded: not trusted"), 8000);
    return;
  }
  ModelLibrary::rememberUsed(directory);
  m_status->setBusy(true);
  m_status->showMessage(tr("Loading model bundle %1…").arg(QDir::toNativeSeparators(directory)), 0);
  settings::engineBundle().set(directory);
  m_engine->loadBundle(directory, settings::engineDevice().get(),
                       settings::enginePrecision().get());
}

ModelManagerDialog* MainWindow::openModelManager() {
  if (!m_models) {
    m_models = new ModelManagerDialog(this);
    m_models->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_models, &ModelManagerDialog::useBundle, this, [this](const QString& directory, const QString&) { loadBundle(directory); });
    connect(m_models, &ModelManagerDialog::useClassic, this, &MainWindow::useClassicEngine);
  } else {
    m_models->refresh();  // a new dialog has just scanned
  }
  m_models->show();
  m_models->raise();
  return m_models;
}

void MainWindow::useClassicEngine() {
  settings::engineBundle().remove();
  m_engine->useClassic();
}

void MainWindow::showEngineError(const QString& message, const QString& detail) {
  m_status->showMessage(message, 10000);
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

void MainWindow::setDemoMode(bool on) {
  if (on == m_demo) return;
  QString error;
  if (on && !m_projects->closeWork(&error)) {  // the demo's resets must never touch a user's project
    QMessageBox::warning(this, tr("Demo mode"), error);
    Q_EMIT demoModeChanged(false);
    return;
  }
  m_demo = on;
  createDemo();
  if (!on) {
    m_demoController->stop();
    m_demoBar->hide();
    menuBar()->show();
    showNormal();
    restoreState(m_stateBeforeDemo);
    m_demoBar->hide();  // not in the state saved before the first demo
    Q_EMIT demoModeChanged(false);
    return;
  }
  // Full screen, nothing but the picture and the demo's own strip.
  m_stateBeforeDemo = saveState();
  for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->hide();
  for (QToolBar* bar : findChildren<QToolBar*>()) bar->setVisible(bar == m_demoBar);
  menuBar()->hide();
  showFullScreen();
  selectTool(ToolKind::Point);
  m_demoController->start();
  Q_EMIT demoModeChanged(true);
}

void MainWindow::resetDemo() {
  if (m_demo && m_demoController) m_demoController->reset();
}

void MainWindow::applyTheme(const QString& theme) {
  settings::theme().set(theme);
  if (theme == QLatin1String("system")) {
    QApplication::setPalette(QApplication::style()->standardPalette());
    return;
  }
  QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p = QApplication::style()->standardPalette();
  if (theme == QLatin1String("dark")) {
    const QColor window(45, 47, 52), text(230, 230, 230), button(55, 57, 63);
    for (auto [role, color] : {std::pair{QPalette::Window, window}, {QPalette::WindowText, text}, {QPalette::Base, QColor(32, 33, 37)},
                               {QPalette::AlternateBase, window}, {QPalette::Text, text}, {QPalette::Button, button},
                               {QPalette::ButtonText, text}, {QPalette::Highlight, QColor(42, 130, 218)},
                               {QPalette::HighlightedText, QColor(Qt::white)}, {QPalette::ToolTipBase, button},
                               {QPalette::ToolTipText, text}, {QPalette::PlaceholderText, QColor(150, 150, 150)}}) {
      p.setColor(role, color);
    }
  }
  QApplication::setPalette(p);
}

// ---- window ------------------------------------------------------------------------------------

void MainWindow::restoreSettings() {
  restoreGeometry(settings::windowGeometry().get());
  restoreState(settings::windowState().get());
  selectTool(toolById(settings::tool().get()).value_or(ToolKind::Point));
  const QString theme = settings::theme().get();
  if (theme != QLatin1String("system")) applyTheme(theme);
  const QString bundle = settings::engineBundle().get();
  if (!bundle.isEmpty()) {
    // Never a dialog before the window is up (nor in a --screenshot run): an untrusted
    // remembered bundle waits for the user to load it again, and says so.
    const BundleIdentity identity = BundleTrust::describe(bundle);
    if (identity.error.isEmpty() && !BundleTrust::isTrusted(identity)) {
      m_status->showMessage(tr("The model bundle %1 was not loaded: it has not been trusted yet (Tools ▸ Load SAM3 Model Bundle… to review it)")
                                .arg(QDir::toNativeSeparators(bundle)),
                            0);
    } else {
      loadBundle(bundle);  // a failure keeps the classic engine and says why
    }
  }
}

void MainWindow::updateTitle() {
  // Where the work lives: the project file, or (a folder session) the folder and its session file.
  const QString project = m_document->projectPath();
  const QStringList source = m_projects->sessionSource();
  QString name = QFileInfo(m_folders->currentPath()).fileName();
  if (!source.isEmpty() && FolderSessions::isImplicit(project)) {
    name = tr("%1 — %2").arg(source.size() == 1 ? QFileInfo(source.first()).fileName() : tr("%n images", nullptr, int(source.size())),
                             m_projects->workLocation());
  } else if (!project.isEmpty()) {
    name = QFileInfo(project).fileName();
  }
  setWindowTitle(tr("%1%2 — SAM3 Annotate").arg(name, m_document->isDirty() ? QStringLiteral(" *") : QString()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!m_projects->saveBeforeClosing(/*askAboutUnfiled=*/!m_demo)) {
    event->ignore();
    return;
  }
  if (!m_demo) {
    settings::windowGeometry().set(saveGeometry());
    settings::windowState().set(saveState());
  }
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList images;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile()) continue;
    const QString path = url.toLocalFile();
    if (QFileInfo(path).isDir() || path.endsWith(QStringLiteral(".sam3proj"))) {  // a folder or project wins
      if (openPath(path)) event->acceptProposedAction();
      return;
    }
    images << QFileInfo(path).absoluteFilePath();
  }
  if (images.isEmpty()) return;
  QString error;  // several dropped images become a session to work through
  if (m_projects->openSession(images, &error)) {
    event->acceptProposedAction();
  } else {
    QMessageBox::warning(this, tr("Cannot open these images"), error);
  }
}

}  // namespace sam3::ui
