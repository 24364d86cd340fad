#include "ui/dialogs/ReviewGallery.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

namespace sam3::ui {

ReviewGallery::ReviewGallery(std::vector<BatchHit> hits, double checkThreshold, QWidget* parent)
    : QDialog(parent), m_hits(std::move(hits)), m_list(new QListWidget(this)) {
  setWindowTitle(tr("Review Found Objects"));
  // Grouped by class (class names as prompts), best first within a class.
  std::stable_sort(m_hits.begin(), m_hits.end(), [](const BatchHit& a, const BatchHit& b) {
    return a.label != b.label ? a.label < b.label : a.score > b.score;
  });
  m_list->setViewMode(QListView::IconMode);
  m_list->setIconSize(QSize(96, 96));
  m_list->setResizeMode(QListView::Adjust);
  m_list->setGridSize(QSize(130, 140));
  m_list->setAccessibleName(tr("Found objects, best first; uncheck the wrong ones"));
  for (const BatchHit& hit : m_hits) {
    const QString caption = tr("%1\nscore %2").arg(QFileInfo(hit.imagePath).fileName()).arg(hit.score, 0, 'f', 2);
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(hit.thumbnail)),
                                     hit.label.isEmpty() ? caption : hit.label + QStringLiteral(" · ") + caption, m_list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(hit.score >= checkThreshold ? Qt::Checked : Qt::Unchecked);
  }
  auto* all = new QPushButton(tr("Check All"), this);
  auto* none = new QPushButton(tr("Uncheck All"), this);
  m_accept = new QPushButton(tr("Add Checked Objects"), this);
  m_accept->setDefault(true);
  auto* cancel = new QPushButton(tr("Discard"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(all);
  buttons->addWidget(none);
  buttons->addStretch(1);
  buttons->addWidget(m_accept);
  buttons->addWidget(cancel);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("%n object(s) found. Uncheck the wrong ones (Space toggles), then add the rest.", nullptr,
                                  int(m_hits.size())), this));
  layout->addWidget(m_list, 1);
  layout->addLayout(buttons);
  resize(820, 600);
  auto setAll = [this](Qt::CheckState state) {
    for (int i = 0; i < m_list->count(); ++i) m_list->item(i)->setCheckState(state);
  };
  connect(all, &QPushButton::clicked, this, [setAll] { setAll(Qt::Checked); });
  connect(none, &QPushButton::clicked, this, [setAll] { setAll(Qt::Unchecked); });
  connect(m_accept, &QPushButton::clicked, this, &QDialog::accept);
  connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
}

std::vector<BatchHit> ReviewGallery::checkedHits() const {
  std::vector<BatchHit> out;
  for (int i = 0; i < m_list->count(); ++i)
    if (m_list->item(i)->checkState() == Qt::Checked) out.push_back(m_hits[size_t(i)]);
  return out;
}

}  // namespace sam3::ui
