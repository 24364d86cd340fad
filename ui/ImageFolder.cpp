#include "ui/ImageFolder.h"

#include <QCollator>
#include <QDir>
#include <QImageReader>
#include <algorithm>

namespace sam3::ui {

QStringList ImageFolder::listImages(const QString& directory) {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats()) patterns << QStringLiteral("*.") + QString::fromLatin1(format);
  QDir dir(directory);
  QStringList names = dir.entryList(patterns, QDir::Files | QDir::Readable, QDir::NoSort);
  QCollator collator;
  collator.setNumericMode(true);
  collator.setCaseSensitivity(Qt::CaseInsensitive);
  std::sort(names.begin(), names.end(), [&](const QString& a, const QString& b) { return collator.compare(a, b) < 0; });
  QStringList paths;
  for (const QString& name : names) paths << dir.absoluteFilePath(name);
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
