#pragma once
// The images the user works through: a folder's image files in natural order (img2 before
// img10), the current position, next / previous and "next unfinished".

#include <QStringList>
#include <functional>

namespace sam3::ui {

class ImageFolder {
 public:
  // The image files of `directory` (io::listImageFiles: not recursive, natural order). Empty when
  // there are none.
  static QStringList listImages(const QString& directory);

  void setImages(QStringList paths, int current = 0);
  const QStringList& images() const { return m_paths; }
  int current() const { return m_current; }
  QString currentPath() const { return m_current >= 0 && m_current < m_paths.size() ? m_paths[m_current] : QString(); }
  bool isEmpty() const { return m_paths.isEmpty(); }
  int indexOf(const QString& path) const { return m_paths.indexOf(path); }

  // Each returns the new index, or -1 when there is none (the position is then unchanged).
  int next();
  int previous();
  int nextWhere(const std::function<bool(const QString&)>& unfinished);
  void setCurrent(int index);
  // The paths after the current one (wrapping), at most `count`, for background pre-encoding.
  QStringList upcoming(int count) const;

 private:
  QStringList m_paths;
  int m_current = -1;
};

}  // namespace sam3::ui
