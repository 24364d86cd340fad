#pragma once
// The demo's own strip across the top of the window: one large instruction line that follows
// what the visitor does, the last answer's latency in large type, big Keep / Undo / Reset /
// Next picture / Leave buttons (a touch screen has no Enter key) and a small gallery of the
// sample pictures.

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace sam3::ui {

class DemoPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DemoPanel(QWidget* parent = nullptr);

  void setHint(const QString& text);
  QString hint() const;
  void setLatency(const QString& text);
  void setCurrentSample(int index);

 Q_SIGNALS:
  void keepClicked();
  void undoClicked();
  void resetClicked();
  void nextClicked();
  void leaveClicked();
  void sampleChosen(int index);

 private:
  QLabel* m_hint;
  QLabel* m_latency;
  QListWidget* m_gallery;
};

}  // namespace sam3::ui
