#include "ui/docks/ObjectsDock.h"

#include <QHeaderView>
#include <QPainter>
#include <QTreeWidget>

#include "ui/document/Document.h"

namespace sam3::ui {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QIcon swatch(const std::array<uint8_t, 3>& c) {
  QPixmap pixmap(14, 14);
  pixmap.fill(QColor(c[0], c[1], c[2]));
  QPainter painter(&pixmap);
  painter.setPen(QColor(0, 0, 0, 120));
  painter.drawRect(0, 0, 13, 13);
  return QIcon(pixmap);
}

}  // namespace

ObjectsDock::ObjectsDock(QWidget* parent) : QDockWidget(tr("Objects"), parent), m_tree(new QTreeWidget(this)) {
  setObjectName(QStringLiteral("objectsDock"));
  m_tree->setColumnCount(3);
  m_tree->setHeaderLabels({tr("Object"), tr("Score"), tr("Locked")});
  m_tree->setRootIsDecorated(false);
  m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_tree->setAccessibleName(tr("Objects of this image"));
  setWidget(m_tree);
  connect(m_tree, &QTreeWidget::itemSelectionChanged, this, [this] {
    if (m_updating) return;
    std::vector<int64_t> ids;
    for (QTreeWidgetItem* item : m_tree->selectedItems()) ids.push_back(item->data(0, kIdRole).toLongLong());
    Q_EMIT selectionEdited(ids);
  });
  connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int column) {
    if (m_updating) return;
    const int64_t id = item->data(0, kIdRole).toLongLong();
    if (column == 0) Q_EMIT visibilityEdited(id, item->checkState(0) == Qt::Checked);
    if (column == 2) Q_EMIT lockEdited(id, item->checkState(2) == Qt::Checked);
  });
}

void ObjectsDock::refresh(const annotation::Project& project, int imageId, const std::set<int64_t>& selected,
                          const std::set<int64_t>& hidden) {
  m_updating = true;
  m_tree->clear();
  for (const annotation::AnnotationObject* object : project.objectsOfImage(imageId)) {
    const annotation::Category* category = project.category(object->categoryId);
    auto* item = new QTreeWidgetItem(m_tree);
    item->setData(0, kIdRole, qlonglong(object->id));
    item->setText(0, tr("#%1 %2").arg(object->id).arg(category ? QString::fromStdString(category->name) : tr("(no class)")));
    item->setIcon(0, swatch(category ? category->color : std::array<uint8_t, 3>{230, 25, 75}));
    item->setCheckState(0, hidden.count(object->id) ? Qt::Unchecked : Qt::Checked);
    item->setText(1, QString::number(object->score, 'f', 2));
    item->setCheckState(2, Document::isLocked(*object) ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(0, tr("source: %1").arg(QString::fromStdString(object->source)));
    item->setSelected(selected.count(object->id) > 0);
  }
  m_updating = false;
}

}  // namespace sam3::ui
