#include "ui/models/ModelManagerDialog.h"
#include "ui/support/Settings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace sam3::ui {
namespace {

enum Column { Name, Size, Libtorch, Runs, Status, Folder, ColumnCount };

QString firstRunText() {
  return QObject::tr(
             "<h3>No SAM3 model installed yet</h3>"
             "<p>SAM3's weights are gated, so the app cannot download them. To add the model:</p>"
             "<ol>"
             "<li>Accept the licence at <a href='https://huggingface.co/facebook/sam3'>huggingface.co/facebook/sam3</a> and "
             "download <tt>sam3.pt</tt> (3.4 GB).</li>"
             "<li>Export it once into a bundle (a few minutes; from the source folder):<br>"
             "<tt>VENV=$(tools/setup_reference.sh)<br>$VENV/bin/python tools/export_sam3_bundle.py --checkpoint sam3.pt "
             "--out %1/sam3.sam3bundle</tt></li>"
             "<li>Come back here: it is listed; choose it and press <b>Use</b>.</li>"
             "</ol>"
             "<p>What a bundle contains and why: <tt>engine/bundle/BUNDLE.md</tt> in the source folder (the README walks "
             "through the export). Meanwhile the <b>classic engine</b> works: clicks, boxes, brushes and find similar.</p>")
      .arg(QDir::toNativeSeparators(ModelLibrary::modelsFolder()));
}

}  // namespace

ModelManagerDialog::ModelManagerDialog(QWidget* parent)
    : QDialog(parent),
      m_table(new QTableWidget(0, ColumnCount, this)),
      m_firstRun(new QLabel(firstRunText(), this)),
      m_device(new QComboBox(this)),
      m_progress(new QProgressBar(this)),
      m_verify(new QPushButton(tr("&Verify"), this)),
      m_use(new QPushButton(tr("&Use"), this)) {
  setObjectName(QStringLiteral("modelManager"));
  setWindowTitle(tr("Models"));
  resize(820, 420);
  m_table->setObjectName(QStringLiteral("modelTable"));
  m_table->setHorizontalHeaderLabels({tr("Name"), tr("Size"), tr("LibTorch"), tr("Runs on"), tr("Checked"), tr("Folder")});
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->setColumnWidth(Status, 230);  // "✗ weights.safetensors does not match…" (the whole reason is the tooltip)
  m_table->verticalHeader()->hide();
  m_firstRun->setObjectName(QStringLiteral("firstRunHelp"));
  m_firstRun->setWordWrap(true);
  m_firstRun->setOpenExternalLinks(true);
  m_firstRun->setTextInteractionFlags(Qt::TextBrowserInteraction);
  m_device->setObjectName(QStringLiteral("modelDevice"));
  m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
  m_device->setCurrentText(settings::engineDevice().get());
  m_progress->setObjectName(QStringLiteral("verifyProgress"));
  m_progress->hide();
  auto* classic = new QPushButton(tr("Use &Classic Engine"), this);
  auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(new QLabel(tr("Device:"), this));
  buttons->addWidget(m_device);
  buttons->addWidget(m_verify);
  buttons->addWidget(m_use);
  buttons->addWidget(classic);
  buttons->addStretch(1);
  buttons->addWidget(close);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_firstRun);
  layout->addWidget(m_table, 1);
  layout->addWidget(m_progress);
  layout->addLayout(buttons);
  connect(m_table, &QTableWidget::itemSelectionChanged, this, &ModelManagerDialog::updateButtons);
  connect(m_verify, &QPushButton::clicked, this, &ModelManagerDialog::verifySelected);
  connect(m_use, &QPushButton::clicked, this, [this] {
    const int row = m_table->currentRow();
    if (row < 0 || row >= int(m_entries.size())) return;
    settings::engineDevice().set(m_device->currentText());
    Q_EMIT useBundle(m_entries[size_t(row)].directory, m_device->currentText());
  });
  connect(classic, &QPushButton::clicked, this, &ModelManagerDialog::useClassic);
  connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
    m_progress->hide();
    const int row = m_watcher.property("row").toInt();
    const QString problem = m_watcher.result();
    if (row < int(m_entries.size())) {
      setStatus(row, problem.isEmpty() ? tr("✓ every file matches") : tr("✗ %1").arg(problem), problem);
      Q_EMIT verified(m_entries[size_t(row)].directory, problem);
    }
    updateButtons();
  });
  refresh();
}

ModelManagerDialog::~ModelManagerDialog() {
  m_verification.cancel();
  m_watcher.waitForFinished();
}

void ModelManagerDialog::refresh() {
  m_entries = ModelLibrary::scan();
  m_table->setRowCount(int(m_entries.size()));
  for (size_t i = 0; i < m_entries.size(); ++i) {
    const ModelEntry& e = m_entries[i];
    const QStringList cells = {e.name, e.error.isEmpty() ? QLocale().formattedDataSize(e.bytes) : QString(),
                               e.error.isEmpty() ? e.targetLibtorch : QString(),
                               e.error.isEmpty() ? (e.devicePortable ? tr("CPU or GPU") : tr("CPU")) + (e.text ? tr(", text") : QString()) : QString(),
                               e.error.isEmpty() ? tr("not yet") : tr("✗ unreadable"), QDir::toNativeSeparators(e.directory)};
    for (int c = 0; c < ColumnCount; ++c) m_table->setItem(int(i), c, new QTableWidgetItem(cells[c]));
    if (!e.error.isEmpty()) m_table->item(int(i), Status)->setToolTip(e.error);
  }
  m_firstRun->setVisible(m_entries.empty());
  if (!m_entries.empty()) m_table->selectRow(0);
  updateButtons();
}

void ModelManagerDialog::setStatus(int row, const QString& text, const QString& tooltip) {
  m_table->item(row, Status)->setText(text);
  m_table->item(row, Status)->setToolTip(tooltip);
}

void ModelManagerDialog::updateButtons() {
  const int row = m_table->currentRow();
  const bool usable = row >= 0 && row < int(m_entries.size()) && m_entries[size_t(row)].error.isEmpty();
  m_verify->setEnabled(usable && !m_watcher.isRunning());
  m_use->setEnabled(usable && !m_watcher.isRunning());
}

void ModelManagerDialog::verifySelected() {
  const int row = m_table->currentRow();
  if (row < 0 || row >= int(m_entries.size()) || m_watcher.isRunning()) return;
  const QString directory = m_entries[size_t(row)].directory;
  m_progress->setRange(0, 1000);
  m_progress->setValue(0);
  m_progress->show();
  setStatus(row, tr("checking…"));
  m_watcher.setProperty("row", row);
  QPointer<QProgressBar> bar = m_progress;
  const segment::CancelToken cancel = m_verification.start();
  m_watcher.setFuture(QtConcurrent::run([directory, bar, cancel] {
    return ModelLibrary::verify(
        directory,
        [bar](qint64 done, qint64 total) {
          const int permille = total > 0 ? int(done * 1000 / total) : 1000;
          QMetaObject::invokeMethod(bar, [bar, permille] { if (bar) bar->setValue(permille); }, Qt::QueuedConnection);
        },
        cancel);
  }));
  updateButtons();
}

}  // namespace sam3::ui
