#pragma once
// Objects of the current image: class colour swatch, id and class, score, visibility
// (checkbox, view-only) and lock (stored in the object). Selection is shared with the canvas.

#include <QDockWidget>
#include <set>
#include <vector>

#include "engine/annotation/Project.h"

class QTreeWidget;
class QTreeWidgetItem;

namespace sam3::ui {

class ObjectsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit ObjectsDock(QWidget* parent = nullptr);

  void refresh(const annotation::Project& project, int imageId, const std::set<int64_t>& selected,
               const std::set<int64_t>& hidden);
  QTreeWidget* tree() const { return m_tree; }

 Q_SIGNALS:
  void selectionEdited(const std::vector<int64_t>& ids);
  void visibilityEdited(int64_t id, bool visible);
  void lockEdited(int64_t id, bool locked);

 private:
  QTreeWidget* m_tree;
  bool m_updating = false;
};

}  // namespace sam3::ui
