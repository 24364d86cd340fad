#include "ui/document/Document.h"

#include <QFileInfo>

#include "ui/document/ObjectCommands.h"
#include "ui/AppLogging.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"

namespace sam3::ui {

Document::Document(QObject* parent) : QObject(parent) {
  m_journalSync.setInterval(1000);
  connect(&m_journalSync, &QTimer::timeout, this, [this] {
    try {
      if (m_journal) m_journal->flushIfDue();
    } catch (const std::exception& e) {
      qCWarning(lcUi).noquote() << e.what();
    }
  });
}

Document::~Document() = default;

void Document::startJournal() {
  try {
    m_journal = std::make_unique<io::ProjectJournal>(io::ProjectJournal::pathFor(m_projectPath.toStdString()));
    m_journalSync.start();
  } catch (const std::exception& e) {
    m_journal.reset();
    qCWarning(lcUi).noquote() << "journal unavailable:" << e.what();
  }
}

bool Document::saveAs(const QString& path, QString* error) {
  if (path.isEmpty()) {
    if (error) *error = tr("No project file chosen");
    return false;
  }
  try {
    io::saveProject(m_project, path.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;  // still dirty, the journal keeps the edits
  }
  if (path != m_projectPath || !m_journal) {
    m_projectPath = path;
    startJournal();
  }
  if (m_journal) m_journal->clear();
  m_undo.setClean();
  m_recoveredUnsaved = false;
  return true;
}

bool Document::open(const QString& path, const std::function<bool()>& recover, QString* error) {
  bool hadJournal = false, recovered = false;
  try {
    annotation::Project loaded = io::loadProject(path.toStdString());
    const std::string journalPath = io::ProjectJournal::pathFor(path.toStdString());
    hadJournal = io::ProjectJournal::hasEntries(journalPath);
    if (hadJournal && recover && recover()) {
      recovered = true;
      const auto replay = io::ProjectJournal::replay(journalPath, loaded);
      qCInfo(lcUi).noquote() << "recovered" << replay.applied << "journaled edits from" << QString::fromStdString(journalPath);
      for (const std::string& problem : replay.problems) qCWarning(lcUi).noquote() << QString::fromStdString(problem);
    }
    m_project = std::move(loaded);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  m_undo.clear();
  m_projectPath = path;
  startJournal();
  // Recovered edits stay in the journal until the next save; declined ones are dropped so a
  // later crash cannot bring them back.
  if (hadJournal && !recovered && m_journal) m_journal->clear();
  m_recoveredUnsaved = recovered;
  for (const auto& entry : m_project.images()) Q_EMIT objectsChanged(entry.first);
  return true;
}

int Document::imageFor(const QString& path, int width, int height) {
  if (const annotation::ImageRecord* existing = m_project.imageByFileName(QFileInfo(path).fileName().toStdString())) {
    return existing->id;
  }
  annotation::ImageRecord record;
  record.path = path.toStdString();
  record.width = width;
  record.height = height;
  const int id = m_project.putImage(record);
  if (m_journal) m_journal->putImage(*m_project.image(id));
  return id;
}

int Document::defaultCategory() {
  if (!m_project.categories().empty()) return m_project.categories().begin()->first;
  const int id = m_project.putCategory({0, "object", {60, 220, 120}, ""});  // a green that few photos are made of
  if (m_journal) m_journal->putCategory(*m_project.category(id));
  return id;
}

int64_t Document::addObject(annotation::AnnotationObject object) {
  object.id = m_project.nextObjectId();  // fixed now, so redo re-creates the same id
  const int64_t id = object.id;
  m_undo.push(new AddObjectCommand(this, std::move(object)));
  return id;
}

void Document::removeObject(int64_t id) {
  if (const annotation::AnnotationObject* object = m_project.object(id)) {
    m_undo.push(new RemoveObjectCommand(this, *object));
  }
}

void Document::putObjectDirect(const annotation::AnnotationObject& object) {
  m_project.putObject(object);
  if (m_journal) m_journal->putObject(object);
  Q_EMIT objectsChanged(object.imageId);
}

void Document::removeObjectDirect(int64_t id) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object) return;
  const int imageId = object->imageId;
  m_project.removeObject(id);
  if (m_journal) m_journal->removeObject(id);
  Q_EMIT objectsChanged(imageId);
}

}  // namespace sam3::ui
