#include "ui/dialogs/ExportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "engine/io/AtomicFile.h"
#include "engine/io/CocoExport.h"
#include "engine/io/Labelme.h"
#include "engine/io/MaskExport.h"
#include "engine/io/PascalVoc.h"

namespace sam3::ui {
namespace {

enum Format { CocoRle, CocoPolygons, YoloSeg, ObjectPngs, InstancePngs, CocoResults, Labelme, Voc };

bool isFile(int format) { return format == CocoRle || format == CocoPolygons || format == CocoResults; }

// The project restricted to one image (its objects and every class), for per-image exports.
annotation::Project onlyImage(const annotation::Project& all, int imageId) {
  annotation::Project one;
  for (const auto& entry : all.categories()) one.putCategory(entry.second);
  one.putImage(*all.image(imageId));
  for (const annotation::AnnotationObject* object : all.objectsOfImage(imageId)) one.putObject(*object);
  return one;
}

}  // namespace

ExportDialog::ExportDialog(const annotation::Project& project, const QString& suggestedPath, QWidget* parent, const QString& projectFolder)
    : QDialog(parent), m_project(project), m_projectFolder(projectFolder) {
  setWindowTitle(tr("Export Annotations"));
  m_format = new QComboBox(this);
  m_format->addItems({tr("COCO JSON, RLE masks (lossless)"), tr("COCO JSON, polygons"), tr("YOLO segmentation (folder)"),
                      tr("PNG mask per object (folder)"), tr("Instance PNG per image (folder)"),
                      tr("COCO results: detections with scores, for COCOeval"), tr("labelme / X-AnyLabeling JSON (folder)"),
                      tr("Pascal VOC segmentation PNGs (folder)")});
  m_path = new QLineEdit(suggestedPath, this);
  const std::string root = io::imageRootOf(m_project, m_projectFolder.toStdString());
  m_imageRoot = new QLineEdit(QString::fromStdString(root), this);
  m_imageRoot->setObjectName(QStringLiteral("imageRoot"));
  m_imageRoot->setToolTip(tr("COCO file_name values are relative to this folder: give it to your loader as the image "
                             "root (detectron2's image_root)"));
  m_absolute = new QCheckBox(tr("Absolute file names"), this);
  m_absolute->setObjectName(QStringLiteral("absolutePaths"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  m_progress = new QProgressBar(this);
  m_progress->setValue(0);
  m_status = new QLabel(tr("%n image(s), %1 object(s)", nullptr, int(m_project.images().size())).arg(m_project.objects().size()), this);
  m_export = new QPushButton(tr("Export"), this);
  m_export->setDefault(true);
  m_cancel = new QPushButton(tr("Close"), this);

  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(m_path, 1);
  pathRow->addWidget(browse);
  auto* form = new QFormLayout;
  form->addRow(tr("Format:"), m_format);
  form->addRow(tr("Destination:"), pathRow);
  form->addRow(tr("Image root:"), m_imageRoot);
  form->addRow(QString(), m_absolute);
  auto cocoOptions = [this] {
    const int f = m_format->currentIndex();
    const bool coco = f == CocoRle || f == CocoPolygons;
    m_imageRoot->setEnabled(coco && !m_absolute->isChecked());
    m_absolute->setEnabled(coco);
  };
  connect(m_format, &QComboBox::currentIndexChanged, this, cocoOptions);
  connect(m_absolute, &QCheckBox::toggled, this, cocoOptions);
  cocoOptions();
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(m_export);
  buttons->addWidget(m_cancel);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_progress);
  layout->addWidget(m_status);
  layout->addLayout(buttons);

  connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
  connect(m_export, &QPushButton::clicked, this, &ExportDialog::start);
  connect(m_cancel, &QPushButton::clicked, this, [this] {
    if (running()) {
      m_exporting.cancel();
      m_status->setText(tr("Cancelling after the current image…"));
    } else {
      reject();
    }
  });
  auto* poll = new QTimer(this);
  poll->setInterval(50);
  auto showProgress = [this] {
    m_progress->setRange(0, std::max(1, m_total->load()));
    m_progress->setValue(std::min(m_done->load(), m_progress->maximum()));
  };
  connect(poll, &QTimer::timeout, this, [this, showProgress] { if (running()) showProgress(); });
  poll->start();
  connect(&m_watcher, &QFutureWatcher<ExportOutcome>::finished, this, [this, showProgress] {
    const ExportOutcome outcome = m_watcher.result();
    m_result = outcome.text;
    showProgress();
    m_status->setText(m_result);
    m_export->setEnabled(true);
    m_cancel->setText(tr("Close"));
    Q_EMIT finished(outcome.ok, m_result);
  });
}

ExportDialog::~ExportDialog() {
  m_exporting.cancel();
  m_watcher.waitForFinished();  // the job holds no pointer to us, but finish before the widgets go
}

void ExportDialog::browse() {
  const bool file = isFile(m_format->currentIndex());
  const QString path = file ? QFileDialog::getSaveFileName(this, tr("Export to"), m_path->text(), tr("COCO JSON (*.json)"))
                            : QFileDialog::getExistingDirectory(this, tr("Export to folder"), m_path->text());
  if (!path.isEmpty()) m_path->setText(path);
}

void ExportDialog::start() {
  const QString target = m_path->text().trimmed();
  if (target.isEmpty()) {
    m_status->setText(tr("Choose a destination first."));
    return;
  }
  const int format = m_format->currentIndex();
  m_done->store(0);
  m_export->setEnabled(false);
  m_cancel->setText(tr("Cancel"));
  m_status->setText(tr("Exporting…"));
  const annotation::Project project = m_project;
  const std::string projectFolder = (m_projectFolder.isEmpty() ? QStringLiteral("/") : m_projectFolder).toStdString();
  const segment::CancelToken cancel = m_exporting.start();
  auto done = m_done, total = m_total;
  const bool coco = format == CocoRle || format == CocoPolygons;
  total->store(std::max(1, int(coco ? project.objects().size() : project.images().size())));
  io::CocoExportOptions options;
  if (format == CocoPolygons) options.segmentation = io::CocoExportOptions::Segmentation::Polygons;
  options.projectFolder = m_projectFolder.toStdString();
  options.imageRoot = m_absolute->isChecked() ? std::string() : m_imageRoot->text().trimmed().toStdString();
  m_watcher.setFuture(QtConcurrent::run([project, projectFolder, target, format, options, cancel, done, total]() -> ExportOutcome {
    auto wrote = [&](const QString& text) {
      if (!cancel.isCancelled()) done->store(total->load());  // the bar ends full: every part was written
      return ExportOutcome{true, text};
    };
    try {
      if (format == CocoResults) {
        const nlohmann::json results = io::exportCocoResults(project);
        io::writeFileAtomically(target.toStdString(), results.dump() + "\n");
        return wrote(QObject::tr("Wrote %1 detections to %2").arg(results.size()).arg(target));
      }
      if (format == Labelme || format == Voc) {  // whole-project formats (one class list, one image list)
        QDir().mkpath(target);
        const size_t files = format == Labelme ? io::exportLabelme(project, target.toStdString(), projectFolder).filesWritten
                                               : io::exportPascalVoc(project, target.toStdString()).filesWritten;
        return wrote(QObject::tr("Wrote %1 files to %2").arg(files).arg(target));
      }
      if (format == CocoRle || format == CocoPolygons) {
        const io::CocoExportResult result = io::exportCoco(project, options, [&](size_t finished, size_t) {
          done->store(int(finished));
          return !cancel.isCancelled();
        });
        io::writeFileAtomically(target.toStdString(), result.coco.dump() + "\n");
        const QString summary = QObject::tr("Wrote %1 annotations of %2 images to %3")
                                    .arg(result.coco["annotations"].size()).arg(result.coco["images"].size()).arg(target);
        return wrote(cancel.isCancelled() ? QObject::tr("Cancelled; kept the part exported so far. ") + summary : summary);
      }
      QDir().mkpath(target);
      size_t files = 0;
      for (const auto& entry : project.images()) {
        if (cancel.isCancelled()) return {true, QObject::tr("Cancelled after %1 files in %2; they are kept").arg(files).arg(target)};
        const annotation::Project one = onlyImage(project, entry.first);
        io::MaskExportReport report;
        if (format == YoloSeg) report = io::exportYoloSegmentation(one, target.toStdString());
        if (format == ObjectPngs) report = io::exportObjectPngs(one, target.toStdString());
        if (format == InstancePngs) report = io::exportInstancePngs(one, target.toStdString());
        files += report.filesWritten;
        done->fetch_add(1);
      }
      return wrote(QObject::tr("Wrote %1 files to %2").arg(files).arg(target));
    } catch (const std::exception& e) {
      return {false, QObject::tr("Export failed: %1").arg(QString::fromUtf8(e.what()))};
    }
  }));
}

}  // namespace sam3::ui
