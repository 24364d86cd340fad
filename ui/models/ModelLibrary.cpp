#include "ui/models/ModelLibrary.h"

#include <QDir>
#include <QFileInfo>
#include <cstdio>
#include <memory>

#include "engine/io/Sha256.h"
#include "engine/bundle/BundleManifest.h"
#include "ui/support/AppPaths.h"
#include "ui/support/Settings.h"

namespace sam3::ui {

QString ModelLibrary::modelsFolder() { return appDataDirectory() + QStringLiteral("/models"); }

ModelEntry ModelLibrary::describe(const QString& directory) {
  ModelEntry entry;
  entry.directory = QFileInfo(directory).absoluteFilePath();
  try {
    const bundle::BundleManifest m = bundle::BundleManifest::read(directory.toStdString());
    entry.name = QString::fromStdString(m.name);
    entry.targetLibtorch = QString::fromStdString(m.targetLibtorch.empty() ? "1.13" : m.targetLibtorch);
    entry.devicePortable = m.devicePortable;
    entry.text = m.textEncoder.has_value();
    for (const bundle::BundleFile& file : m.files()) entry.bytes += QFileInfo(QDir(directory).filePath(QString::fromStdString(file.path))).size();
  } catch (const std::exception& e) {
    entry.name = QFileInfo(directory).fileName();
    entry.error = QString::fromUtf8(e.what());
  }
  return entry;
}

std::vector<ModelEntry> ModelLibrary::scan() {
  QStringList directories;
  for (const QFileInfo& info : QDir(modelsFolder()).entryInfoList({QStringLiteral("*.sam3bundle")}, QDir::Dirs, QDir::Name)) {
    directories << info.absoluteFilePath();
  }
  for (const QString& recent : settings::recentBundles().get()) {
    const QString absolute = QFileInfo(recent).absoluteFilePath();
    if (QFileInfo(absolute).isDir() && !directories.contains(absolute)) directories << absolute;
  }
  std::vector<ModelEntry> entries;
  for (const QString& directory : directories) entries.push_back(describe(directory));
  return entries;
}

void ModelLibrary::rememberUsed(const QString& directory) {
  QStringList recent = settings::recentBundles().get();
  const QString absolute = QFileInfo(directory).absoluteFilePath();
  recent.removeAll(absolute);
  recent.prepend(absolute);
  while (recent.size() > 10) recent.removeLast();
  settings::recentBundles().set(recent);
}

QString ModelLibrary::verify(const QString& directory, const std::function<void(qint64, qint64)>& progress,
                             const segment::CancelToken& cancel) {
  bundle::BundleManifest manifest;
  try {
    manifest = bundle::BundleManifest::read(directory.toStdString());
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  qint64 total = 0, done = 0;
  for (const bundle::BundleFile& file : manifest.files()) total += QFileInfo(QDir(directory).filePath(QString::fromStdString(file.path))).size();
  for (const bundle::BundleFile& file : manifest.files()) {
    const QString path = QDir(directory).filePath(QString::fromStdString(file.path));
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(path.toLocal8Bit().constData(), "rb"), &std::fclose);
    if (!in) return QObject::tr("%1 is missing").arg(QString::fromStdString(file.path));
    io::Sha256 hash;
    std::vector<char> chunk(4 << 20);
    for (size_t got; (got = std::fread(chunk.data(), 1, chunk.size(), in.get())) > 0;) {
      if (cancel.isCancelled()) return QObject::tr("cancelled");
      hash.update(chunk.data(), got);
      done += qint64(got);
      if (progress) progress(done, total);
    }
    if (hash.hexDigest() != file.sha256) {
      return QObject::tr("%1 does not match its checksum in the manifest (damaged or changed)").arg(QString::fromStdString(file.path));
    }
  }
  return {};
}

}  // namespace sam3::ui
