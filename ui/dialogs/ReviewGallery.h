#pragma once
// Review of a batch's results: every found object as a thumbnail with its image and score,
// best first, checked when its score reaches the threshold. Accept adds the checked ones (one
// undo step); the rest are dropped.

#include <QDialog>
#include <vector>

#include "ui/engine/EngineTypes.h"

class QListWidget;
class QPushButton;

namespace sam3::ui {

class ReviewGallery : public QDialog {
  Q_OBJECT

 public:
  ReviewGallery(std::vector<BatchHit> hits, double checkThreshold, QWidget* parent = nullptr);

  QListWidget* list() const { return m_list; }
  QPushButton* acceptButton() const { return m_accept; }
  std::vector<BatchHit> checkedHits() const;

 private:
  std::vector<BatchHit> m_hits;  // sorted by score, best first
  QListWidget* m_list;
  QPushButton* m_accept;
};

}  // namespace sam3::ui
