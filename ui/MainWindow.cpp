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

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_canvas(new ImageCanvas(this)) {
  setWindowTitle(tr("SAM3 Annotate"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/sam3-annotate.svg")));
  setCentralWidget(m_canvas);
  setAcceptDrops(true);

  m_imageLabel = new QLabel(this);
  m_cursorLabel = new QLabel(this);
  m_zoomLabel = new QLabel(this);
  m_engineLabel = new QLabel(tr("No segmentation engine"), this);
  statusBar()->addWidget(m_imageLabel, 1);
  statusBar()->addPermanentWidget(m_cursorLabel);
  statusBar()->addPermanentWidget(m_zoomLabel);
  statusBar()->addPermanentWidget(m_engineLabel);

  connect(m_canvas, &ImageCanvas::zoomChanged, this, &MainWindow::updateZoomLabel);
  connect(m_canvas, &ImageCanvas::cursorMoved, this, &MainWindow::updateCursorLabel);

  createActions();
  resize(1280, 860);
  restoreSettings();
}

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
  QAction* quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
  quitAction->setShortcut(QKeySequence::Quit);

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

void MainWindow::closeEvent(QCloseEvent* event) {
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
