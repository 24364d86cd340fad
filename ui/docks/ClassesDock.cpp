#include "ui/docks/ClassesDock.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

namespace sam3::ui {
namespace {
constexpr int kIdRole = Qt::UserRole + 1;
}

ClassesDock::ClassesDock(QWidget* parent) : QDockWidget(tr("Classes"), parent), m_list(new QListWidget) {
  setObjectName(QStringLiteral("classesDock"));
  auto* panel = new QWidget(this);
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_list);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add"), panel);
  auto* rename = new QPushButton(tr("Rename"), panel);
  auto* recolor = new QPushButton(tr("Colour"), panel);
  for (QPushButton* b : {add, rename, recolor}) buttons->addWidget(b);
  layout->addLayout(buttons);
  setWidget(panel);
  m_list->setAccessibleName(tr("Classes; keys 1 to 9 choose"));
  connect(add, &QPushButton::clicked, this, &ClassesDock::addRequested);
  connect(rename, &QPushButton::clicked, this, [this] { if (currentId()) Q_EMIT renameRequested(currentId()); });
  connect(recolor, &QPushButton::clicked, this, [this] { if (currentId()) Q_EMIT recolorRequested(currentId()); });
  connect(m_list, &QListWidget::itemDoubleClicked, this, [this] { if (currentId()) Q_EMIT renameRequested(currentId()); });
  connect(m_list, &QListWidget::currentRowChanged, this, [this] {
    if (!m_updating && currentId()) Q_EMIT categoryChosen(currentId());
  });
}

int ClassesDock::currentId() const {
  const QListWidgetItem* item = m_list->currentItem();
  return item ? item->data(kIdRole).toInt() : 0;
}

void ClassesDock::refresh(const annotation::Project& project, int currentCategory) {
  m_updating = true;
  m_list->clear();
  int row = 0;
  for (const auto& [id, category] : project.categories()) {
    QPixmap pixmap(14, 14);
    pixmap.fill(QColor(category.color[0], category.color[1], category.color[2]));
    const QString digit = row < 9 ? QString::number(row + 1) + QStringLiteral("  ") : QStringLiteral("    ");
    auto* item = new QListWidgetItem(QIcon(pixmap), digit + QString::fromStdString(category.name), m_list);
    item->setData(kIdRole, id);
    if (id == currentCategory) m_list->setCurrentItem(item);
    ++row;
  }
  m_updating = false;
}

}  // namespace sam3::ui
