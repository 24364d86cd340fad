#include "ui/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include "ui/AppLogging.h"
#include "ui/SampleImages.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/tools/BoxTool.h"
#include "ui/tools/PointTool.h"
#include "ui/tools/PromptSession.h"
#include "engine/mask/Rle.h"

#include <QActionGroup>
#include <QUndoStack>
#include <QTimer>

namespace sam3::ui {
namespace {

QString imageFileFilter() {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats()) {
    patterns << QStringLiteral("*.") + QString::fromLatin1(format);
  }
  return QCoreApplication::translate("MainWindow", "Images (%1);;All files (*)")
      .arg(patterns.join(QLatin1Char(' ')));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_canvas(new ImageCanvas(this)),
      m_document(new Document(this)),
      m_engine(new EngineService(this)),
      m_session(new PromptSession(this)),
      m_pointTool(std::make_unique<PointTool>(m_session)),
      m_boxTool(std::make_unique<BoxTool>(m_session)) {
  setWindowTitle(tr("SAM3 Annotate"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/sam3-annotate.svg")));
  setCentralWidget(m_canvas);
  setAcceptDrops(true);

  m_imageLabel = new QLabel(this);
  m_cursorLabel = new QLabel(this);
  m_zoomLabel = new QLabel(this);
  m_engineLabel = new QLabel(tr("classic engine"), this);
  statusBar()->addWidget(m_imageLabel, 1);
  statusBar()->addPermanentWidget(m_cursorLabel);
  statusBar()->addPermanentWidget(m_zoomLabel);
  statusBar()->addPermanentWidget(m_engineLabel);

  connect(m_canvas, &ImageCanvas::zoomChanged, this, &MainWindow::updateZoomLabel);
  connect(m_canvas, &ImageCanvas::cursorMoved, this, &MainWindow::updateCursorLabel);
  connect(m_session, &PromptSession::changed, this, &MainWindow::onPromptChanged);
  connect(m_session, &PromptSession::previewChanged, this,
          [this] { m_canvas->setPromptMarkers(m_session->prompt(), m_session->previewBox()); });
  connect(m_engine, &EngineService::predictionReady, this, [this](quint64, const mask::BinaryMask& mask, double ms) {
    m_liveMask = mask;
    refreshOverlay();
    m_engineLabel->setText(tr("classic engine · %1 ms").arg(qRound(ms)));
  });
  connect(m_engine, &EngineService::predictionFailed, this, [this](quint64, const QString& error) {
    statusBar()->showMessage(tr("Segmentation failed: %1").arg(error), 8000);  // non-modal; the prompt is kept
  });
  connect(m_document, &Document::objectsChanged, this, [this](int imageId) {
    if (imageId == m_imageId) refreshOverlay();
  });
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

  createActions();
  resize(1280, 860);
  restoreSettings();
  selectPointTool();
}

void MainWindow::selectPointTool() {
  m_canvas->setTool(m_pointTool.get());
  m_pointAction->setChecked(true);
}

void MainWindow::selectBoxTool() {
  m_canvas->setTool(m_boxTool.get());
  m_boxAction->setChecked(true);
}

void MainWindow::clearPrompt() {
  m_session->clear();
}

void MainWindow::onPromptChanged() {
  m_canvas->setPromptMarkers(m_session->prompt(), m_session->previewBox());
  if (m_session->prompt().empty() || !m_canvas->hasImage()) {
    m_liveMask = {};
    refreshOverlay();
    return;
  }
  m_engine->requestPrediction(m_session->prompt());
}

bool MainWindow::acceptLiveMask() {
  if (m_liveMask.empty() || m_liveMask.area() == 0 || m_imageId == 0) return false;
  annotation::AnnotationObject object;
  object.imageId = m_imageId;
  object.categoryId = m_document->defaultCategory();
  object.mask = mask::encode(m_liveMask);
  object.source = "classic";
  for (const prompt::Click& c : m_session->prompt().clicks) {
    object.promptHistory.push_back({{"type", "point"}, {"x", c.x}, {"y", c.y}, {"label", c.positive ? 1 : 0}});
  }
  if (const auto& box = m_session->prompt().box) object.promptHistory.push_back({{"type", "box"}, {"xyxy", *box}});
  const int64_t id = m_document->addObject(std::move(object));
  m_liveMask = {};
  m_session->clear();
  statusBar()->showMessage(tr("Added object %1").arg(id), 3000);
  return true;
}

void MainWindow::refreshOverlay() {
  if (!m_canvas->hasImage()) return;
  const QImage& image = m_canvas->image();
  QImage overlay(image.size(), QImage::Format_ARGB32_Premultiplied);
  overlay.fill(Qt::transparent);
  // Fill with the translucent colour; boundary pixels (a 4-neighbour outside) get it opaque,
  // so an object stays visible even on a similarly coloured surface.
  auto paintMask = [&overlay](const mask::BinaryMask& m, QColor color) {
    if (m.height() != overlay.height() || m.width() != overlay.width()) return;
    const QRgb fill = qPremultiply(color.rgba());
    const QRgb edge = QColor(color.red(), color.green(), color.blue()).rgba();
    const int h = m.height(), w = m.width();
    for (int y = 0; y < h; ++y) {
      QRgb* row = reinterpret_cast<QRgb*>(overlay.scanLine(y));
      const uint8_t* src = m.data() + size_t(y) * w;
      for (int x = 0; x < w; ++x) {
        if (!src[x]) continue;
        const bool boundary = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !src[x - 1] || !src[x + 1] || !src[x - w] || !src[x + w];
        row[x] = boundary ? edge : fill;
      }
    }
  };
  for (const annotation::AnnotationObject* object : m_document->project().objectsOfImage(m_imageId)) {
    const annotation::Category* category = m_document->project().category(object->categoryId);
    const auto c = category ? category->color : std::array<uint8_t, 3>{230, 25, 75};
    paintMask(mask::decode(object->mask), QColor(c[0], c[1], c[2], 115));
  }
  if (!m_liveMask.empty()) paintMask(m_liveMask, QColor(0, 160, 255, 130));  // the live prediction, distinct
  m_canvas->setOverlay(overlay);
}

MainWindow::~MainWindow() { m_canvas->setTool(nullptr); }

void MainWindow::createActions() {
  QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
  QAction* openAction = fileMenu->addAction(tr("&Open Image…"), this, &MainWindow::chooseImage);
  openAction->setShortcut(QKeySequence::Open);
  QMenu* samples = fileMenu->addMenu(tr("Open &Sample"));
  const QList<SampleImage> bundled = sampleImages();
  for (int i = 0; i < bundled.size(); ++i) {
    samples->addAction(bundled[i].title, this, [this, i] { openSample(i); });
  }
  fileMenu->addSeparator();
  QAction* openProjectAction = fileMenu->addAction(tr("Open &Project…"), this, &MainWindow::openProjectInteractive);
  openProjectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  QAction* saveAction = fileMenu->addAction(tr("&Save Project"), this, [this] { saveProjectInteractive(false); });
  saveAction->setShortcut(QKeySequence::Save);
  QAction* saveAsAction = fileMenu->addAction(tr("Save Project &As…"), this, [this] { saveProjectInteractive(true); });
  saveAsAction->setShortcut(QKeySequence::SaveAs);
  fileMenu->addSeparator();
  QAction* quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
  quitAction->setShortcut(QKeySequence::Quit);

  QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)});
  editMenu->addAction(undo);
  editMenu->addAction(redo);
  editMenu->addSeparator();
  QAction* accept = editMenu->addAction(tr("&Accept Object"), this, [this] { acceptLiveMask(); });
  accept->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
  QAction* clear = editMenu->addAction(tr("&Clear Prompt"), this, &MainWindow::clearPrompt);
  clear->setShortcut(QKeySequence(Qt::Key_Escape));

  QMenu* toolsMenu = menuBar()->addMenu(tr("&Tools"));
  m_toolGroup = new QActionGroup(this);
  m_pointAction = toolsMenu->addAction(tr("&Point (left include, right/Shift exclude)"), this, &MainWindow::selectPointTool);
  m_pointAction->setShortcut(QKeySequence(Qt::Key_P));
  m_boxAction = toolsMenu->addAction(tr("&Box"), this, &MainWindow::selectBoxTool);
  m_boxAction->setShortcut(QKeySequence(Qt::Key_B));
  for (QAction* a : {m_pointAction, m_boxAction}) {
    a->setCheckable(true);
    m_toolGroup->addAction(a);
  }

  QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
  QAction* zoomIn = viewMenu->addAction(tr("Zoom &In"), m_canvas, &ImageCanvas::zoomIn);
  zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
  QAction* zoomOut = viewMenu->addAction(tr("Zoom &Out"), m_canvas, &ImageCanvas::zoomOut);
  zoomOut->setShortcut(QKeySequence::ZoomOut);
  QAction* fit = viewMenu->addAction(tr("&Fit to Window"), m_canvas, &ImageCanvas::fitToWindow);
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  QAction* actual = viewMenu->addAction(tr("&Actual Size"), m_canvas, &ImageCanvas::zoomToActualSize);
  actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));

  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About SAM3 Annotate"), this, &MainWindow::showAbout);

  QToolBar* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName(QStringLiteral("mainToolbar"));
  toolbar->addAction(openAction);
  toolbar->addSeparator();
  toolbar->addAction(m_pointAction);
  toolbar->addAction(m_boxAction);
  toolbar->addAction(accept);
  toolbar->addAction(undo);
  toolbar->addAction(redo);
  toolbar->addSeparator();
  toolbar->addAction(zoomIn);
  toolbar->addAction(zoomOut);
  toolbar->addAction(fit);
  toolbar->addAction(actual);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
}

void MainWindow::updateTitle() {
  const QString name = m_document->projectPath().isEmpty() ? QFileInfo(m_currentPath).fileName()
                                                            : QFileInfo(m_document->projectPath()).fileName();
  setWindowTitle(tr("%1%2 — SAM3 Annotate").arg(name, m_document->isDirty() ? QStringLiteral(" *") : QString()));
}

bool MainWindow::saveProjectAs(const QString& path, QString* error) {
  const bool ok = m_document->saveAs(path, error);
  updateTitle();
  return ok;
}

bool MainWindow::openProject(const QString& path, const std::function<bool()>& recover, QString* error) {
  if (!m_document->open(path, recover, error)) return false;
  const auto& images = m_document->project().images();
  if (!images.empty()) {
    const QString stored = QString::fromStdString(images.begin()->second.path);
    const QString imagePath = QDir::isAbsolutePath(stored) || stored.startsWith(QLatin1Char(':'))
                                  ? stored
                                  : QFileInfo(path).absoluteDir().filePath(stored);
    QString imageError;
    if (!openImage(imagePath, &imageError)) statusBar()->showMessage(imageError, 10000);
  }
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
  const auto ask = [this] {
    return QMessageBox::question(this, tr("Recover unsaved work?"),
                                 tr("This project has edits that were not saved (the application was closed unexpectedly). "
                                    "Recover them?")) == QMessageBox::Yes;
  };
  if (!openProject(path, ask, &error)) QMessageBox::warning(this, tr("Cannot open project"), error);
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
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  event->accept();
}

bool MainWindow::openImage(const QString& path, QString* error) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // honour EXIF orientation like every photo viewer
  const QImage image = reader.read();
  if (image.isNull()) {
    const QString reason = tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), reader.errorString());
    qCWarning(lcUi).noquote() << reason;
    statusBar()->showMessage(reason, 10000);
    if (error) *error = reason;
    return false;
  }
  m_currentPath = path;
  m_canvas->setImage(image);
  m_imageId = m_document->imageFor(path, image.width(), image.height());
  m_engine->setImage(image, path);
  m_liveMask = {};
  m_session->clear();
  refreshOverlay();
  const QString name = path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() + tr(" (sample)")
                                                        : QFileInfo(path).fileName();
  setWindowTitle(tr("%1 — SAM3 Annotate").arg(name));
  m_imageLabel->setText(tr("%1   %2 × %3").arg(name).arg(image.width()).arg(image.height()));
  if (!path.startsWith(QLatin1Char(':'))) {
    QSettings().setValue(QStringLiteral("lastFolder"), QFileInfo(path).absolutePath());
  }
  qCInfo(lcUi).noquote() << "opened" << path << image.width() << "x" << image.height();
  return true;
}

bool MainWindow::openSample(int index) {
  const QList<SampleImage> bundled = sampleImages();
  if (index < 0 || index >= bundled.size()) return false;
  return openImage(bundled[index].resourcePath);
}

void MainWindow::chooseImage() {
  const QString folder = QSettings().value(QStringLiteral("lastFolder")).toString();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), folder, imageFileFilter());
  if (path.isEmpty()) return;
  QString error;
  if (!openImage(path, &error)) QMessageBox::warning(this, tr("Cannot open image"), error);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile() && openImage(url.toLocalFile())) {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About SAM3 Annotate"),
                     tr("<h3>SAM3 Annotate %1</h3><p>Label images with points, boxes and brushes, "
                        "segmented by Segment Anything Model 3 or the built-in classic engine.</p>")
                         .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::updateZoomLabel(double scale) {
  m_zoomLabel->setText(tr("%1%").arg(qRound(scale * 100.0)));
}

void MainWindow::updateCursorLabel(const QPointF& imagePos, bool inside) {
  m_cursorLabel->setText(inside ? tr("x %1  y %2").arg(int(imagePos.x())).arg(int(imagePos.y()))
                                : QString());
}

}  // namespace sam3::ui
