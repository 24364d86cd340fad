#include "ui/demo/DemoPanel.h"

#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/support/SampleImages.h"

namespace sam3::ui {
namespace {

QPushButton* bigButton(const QString& text, const QString& name, QWidget* parent) {
  auto* button = new QPushButton(text, parent);
  button->setObjectName(name);
  QFont font = button->font();
  font.setPointSizeF(font.pointSizeF() * 1.6);
  font.setBold(true);
  button->setFont(font);
  button->setMinimumHeight(56);
  button->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Fixed);  // never narrower than its words
  button->setFocusPolicy(Qt::NoFocus);  // keys stay with the picture (Enter keeps the object)
  return button;
}

}  // namespace

DemoPanel::DemoPanel(QWidget* parent) : QWidget(parent), m_hint(new QLabel(this)), m_latency(new QLabel(this)), m_gallery(new QListWidget(this)) {
  setObjectName(QStringLiteral("demoPanel"));
  m_hint->setObjectName(QStringLiteral("demoHint"));
  m_latency->setObjectName(QStringLiteral("demoLatency"));
  m_gallery->setObjectName(QStringLiteral("demoGallery"));
  QFont hintFont = m_hint->font();
  hintFont.setPointSizeF(hintFont.pointSizeF() * 2.2);
  hintFont.setBold(true);
  m_hint->setFont(hintFont);
  QFont latencyFont = m_latency->font();
  latencyFont.setPointSizeF(latencyFont.pointSizeF() * 1.8);
  m_latency->setFont(latencyFont);
  m_latency->setToolTip(tr("How long the model took for the last answer"));
  m_gallery->setViewMode(QListView::IconMode);
  m_gallery->setFlow(QListView::LeftToRight);
  m_gallery->setWrapping(false);
  m_gallery->setIconSize(QSize(96, 64));
  m_gallery->setSpacing(4);
  m_gallery->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  m_gallery->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_gallery->setFocusPolicy(Qt::NoFocus);
  for (const SampleImage& sample : sampleImages()) {
    QImageReader reader(sample.resourcePath);
    reader.setScaledSize(QSize(96, 64));
    m_gallery->addItem(new QListWidgetItem(QIcon(QPixmap::fromImage(reader.read())), QString()));
    m_gallery->item(m_gallery->count() - 1)->setToolTip(sample.title);
  }
  m_gallery->setFixedHeight(64 + 2 * 4 + 2 * m_gallery->frameWidth() + 18);  // one row of thumbnails (and room for a scroll bar)
  m_gallery->setMinimumWidth(qMin(m_gallery->count(), 4) * (96 + 12));
  connect(m_gallery, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { Q_EMIT sampleChosen(m_gallery->row(item)); });

  // Two rows, so that a narrow screen still shows every word: what to do (and how fast the
  // model answered) above, the pictures and the buttons below.
  auto* top = new QHBoxLayout;
  top->addWidget(m_hint, 1);
  top->addWidget(m_latency);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(m_gallery, 1);
  QPushButton* keep = bigButton(tr("✓ Keep"), QStringLiteral("demoKeep"), this);
  QPushButton* undo = bigButton(tr("↶ Undo"), QStringLiteral("demoUndo"), this);
  QPushButton* reset = bigButton(tr("⟲ Start Over"), QStringLiteral("demoReset"), this);
  QPushButton* next = bigButton(tr("Next Picture ▶"), QStringLiteral("demoNext"), this);
  QPushButton* leave = bigButton(tr("Leave (Esc)"), QStringLiteral("demoLeave"), this);
  for (QPushButton* b : {keep, undo, reset, next, leave}) bottom->addWidget(b);
  auto* rows = new QVBoxLayout(this);
  rows->addLayout(top);
  rows->addLayout(bottom);
  connect(keep, &QPushButton::clicked, this, &DemoPanel::keepClicked);
  connect(undo, &QPushButton::clicked, this, &DemoPanel::undoClicked);
  connect(reset, &QPushButton::clicked, this, &DemoPanel::resetClicked);
  connect(next, &QPushButton::clicked, this, &DemoPanel::nextClicked);
  connect(leave, &QPushButton::clicked, this, &DemoPanel::leaveClicked);
}

void DemoPanel::setHint(const QString& text) { m_hint->setText(text); }
QString DemoPanel::hint() const { return m_hint->text(); }
void DemoPanel::setLatency(const QString& text) { m_latency->setText(text); }

void DemoPanel::setCurrentSample(int index) {
  if (index >= 0 && index < m_gallery->count()) m_gallery->setCurrentRow(index);
}

}  // namespace sam3::ui
