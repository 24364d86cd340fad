#include "ui/support/ImageFolder.h"

#include <algorithm>

#include "engine/io/ImageFiles.h"

namespace sam3::ui {

QStringList ImageFolder::listImages(const QString& directory) {
  // The engine's list: what the batch, the pre-encoder and the CLI can read, in the same order.
  QStringList paths;
  for (const std::string& path : io::listImageFiles(directory.toStdString())) paths << QString::fromStdString(path);
  return paths;
}

void ImageFolder::setImages(QStringList paths, int current) {
  m_paths = std::move(paths);
  m_current = m_paths.isEmpty() ? -1 : std::clamp(current, 0, int(m_paths.size()) - 1);
}

int ImageFolder::next() {
  if (m_current + 1 >= m_paths.size()) return -1;
  return ++m_current;
}

int ImageFolder::previous() {
  if (m_current <= 0) return -1;
  return --m_current;
}

int ImageFolder::nextWhere(const std::function<bool(const QString&)>& unfinished) {
  for (int step = 1; step <= m_paths.size(); ++step) {
    const int index = (m_current + step) % int(m_paths.size());
    if (unfinished(m_paths[index])) return m_current = index;
  }
  return -1;
}

void ImageFolder::setCurrent(int index) {
  if (index >= 0 && index < m_paths.size()) m_current = index;
}

QStringList ImageFolder::upcoming(int count) const {
  QStringList out;
  for (int step = 1; step < m_paths.size() && out.size() < count; ++step) out << m_paths[(m_current + step) % int(m_paths.size())];
  return out;
}

}  // namespace sam3::ui
