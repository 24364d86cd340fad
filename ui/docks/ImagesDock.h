#pragma once
// The images of the open folder or project: thumbnails (loaded in the background) with a
// status badge each (new / encoded / in progress / done). Activating one opens it.

#include <QDockWidget>
#include <QHash>
#include <QStringList>

#include <atomic>
#include <memory>

class QListWidget;

namespace sam3::ui {

class ImagesDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit ImagesDock(QWidget* parent = nullptr);
  ~ImagesDock() override;

  void setImages(const QStringList& paths);
  void setStatus(const QString& path, const QString& status);
  QString status(const QString& path) const { return m_status.value(path); }
  void setCurrent(int index);
  QListWidget* list() const { return m_list; }

 Q_SIGNALS:
  void imageActivated(int index);

 private:
  void updateText(int row);
  void loadThumbnails(const QStringList& paths, quint64 generation);

  QListWidget* m_list;
  QStringList m_paths;
  QHash<QString, QString> m_status;
  // Which list the thumbnail loader is working for: shared with the pool thread, which reads
  // only this (never the dock, which the GUI thread may be destroying meanwhile).
  std::shared_ptr<std::atomic<quint64>> m_generation = std::make_shared<std::atomic<quint64>>(0);
  bool m_updating = false;
};

}  // namespace sam3::ui
