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

#include "engine/io/CocoExport.h"
#include "engine/workflow/ProjectExport.h"

namespace sam3::ui {
namespace {

// The format chosen in the list (the list is workflow::exportFormats(), in order).
const workflow::ExportFormatInfo& formatAt(int index) {
  const auto& formats = workflow::exportFormats();
  return formats[size_t(std::clamp(index, 0, int(formats.size()) - 1))];
}

}  // namespace

ExportDialog::ExportDialog(const annotation::Project& project, const QString& suggestedPath, QWidget* parent, const QString& projectFolder)
    : QDialog(parent), m_project(project), m_projectFolder(projectFolder) {
  setWindowTitle(tr("Export Annotations"));
  m_format = new QComboBox(this);
  for (const workflow::ExportFormatInfo& format : workflow::exportFormats()) m_format->addItem(QString::fromUtf8(format.title));
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
    const bool coco = formatAt(m_format->currentIndex()).usesImageRoot;
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
  const bool file = formatAt(m_format->currentIndex()).writesFile;
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
  workflow::ExportRequest request;
  request.format = formatAt(m_format->currentIndex()).format;
  request.target = target.toStdString();
  request.projectFolder = (m_projectFolder.isEmpty() ? QStringLiteral("/") : m_projectFolder).toStdString();
  request.imageRoot = m_absolute->isChecked() ? std::string() : m_imageRoot->text().trimmed().toStdString();
  m_done->store(0);
  m_total->store(1);
  m_export->setEnabled(false);
  m_cancel->setText(tr("Cancel"));
  m_status->setText(tr("Exporting…"));
  const annotation::Project project = m_project;
  const segment::CancelToken cancel = m_exporting.start();
  auto done = m_done, total = m_total;
  m_watcher.setFuture(QtConcurrent::run([project, request, cancel, done, total]() -> ExportOutcome {
    const workflow::ExportOutcome outcome = workflow::exportProject(
        project, request,
        [done, total](size_t finished, size_t all) {
          total->store(std::max(1, int(all)));
          done->store(int(finished));
        },
        cancel);
    if (outcome.status.ok()) done->store(total->load());  // the bar ends full: every part was written
    const bool ok = outcome.status.ok() || outcome.status.isCancelled();  // a cancel keeps what was written
    return {ok, QString::fromStdString(ok ? outcome.summary : outcome.status.message)};
  }));
}

}  // namespace sam3::ui
