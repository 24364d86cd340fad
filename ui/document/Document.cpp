#include "ui/document/Document.h"

#include <QFileInfo>
#include <ctime>
#include <set>

#include "engine/mask/MaskEditing.h"
#include "ui/document/CategoryCommand.h"
#include "ui/document/ObjectCommands.h"
#include "ui/support/AppLogging.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"
#include "ui/support/Settings.h"

namespace sam3::ui {

namespace {

size_t undoBudgetFromSettings() {
  return size_t(settings::undoBudgetMegabytes().get()) << 20;
}

}  // namespace

Document::Document(QObject* parent) : QObject(parent), m_undoBudget(&m_undo, undoBudgetFromSettings()) {
  m_journalSync.setInterval(1000);
  connect(&m_journalSync, &QTimer::timeout, this, &Document::syncJournal);
}

Document::~Document() = default;

void Document::keepLockOf(const QString& projectPath) {
  // A failed open or save-as took the other file's lock: the project still open takes it back.
  if (projectPath.isEmpty()) {
    m_lock.release();
  } else if (const QString lost = m_lock.acquire(projectPath); !lost.isEmpty()) {
    qCWarning(lcUi).noquote() << lost;
  }
}

void Document::startJournal() {
  m_journalBroken = false;
  try {
    m_journal = std::make_unique<io::ProjectJournal>(io::ProjectJournal::pathFor(m_projectPath.toStdString()));
    m_journalSync.start();
  } catch (const std::exception& e) {
    m_journal.reset();
    setStorageProblem(tr("Edits cannot be journaled: %1").arg(QString::fromUtf8(e.what())));
  }
}

template <class Write>
void Document::journal(Write&& write, bool isEdit) {
  if (!m_journal || m_journalBroken) return;
  try {
    write(*m_journal);
    if (isEdit) m_journaledSinceSave = true;
  } catch (const std::exception& e) {
    m_journalBroken = true;
    m_ticksSinceRetry = 0;
    setStorageProblem(QString::fromUtf8(e.what()));
  }
}

void Document::syncJournal() {
  journal([](io::ProjectJournal& j) { j.flushIfDue(); }, false);
  // Retrying every five seconds: a save that works (space freed, folder back) writes every edit
  // and restarts the journal.
  if (m_journalBroken && !m_projectPath.isEmpty() && ++m_ticksSinceRetry >= 5) {
    m_ticksSinceRetry = 0;
    QString error;
    if (save(&error)) qCInfo(lcUi).noquote() << "saved" << m_projectPath << "after a storage problem";
  }
}

void Document::setStorageProblem(const QString& problem) {
  if (problem == m_storageProblem) return;
  m_storageProblem = problem;
  if (!problem.isEmpty()) qCWarning(lcUi).noquote() << "storage:" << problem;
  Q_EMIT storageProblemChanged(problem);
}

bool Document::writeLocked(const QString& path, const annotation::Project& project, QString* error) {
  if (const QString busy = m_lock.acquire(path); !busy.isEmpty()) {
    if (error) *error = busy;
    return false;
  }
  try {
    io::saveProject(project, path.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    keepLockOf(m_projectPath);
    return false;
  }
  return true;
}

bool Document::saveAs(const QString& path, QString* error) {
  if (path.isEmpty()) {
    if (error) *error = tr("No project file chosen");
    return false;
  }
  if (!writeLocked(path, m_project, error)) return false;  // still dirty, the journal keeps the edits
  if (path != m_projectPath || !m_journal || m_journalBroken) {
    m_projectPath = path;
    startJournal();
  }
  if (m_journal) {
    try {
      m_journal->clear();
    } catch (const std::exception& e) {
      qCWarning(lcUi).noquote() << e.what();  // harmless: its entries are all in the saved file
    }
  }
  m_undo.setClean();
  m_recoveredUnsaved = false;
  m_journaledSinceSave = false;
  if (!m_journalBroken && m_journal) setStorageProblem({});
  return true;
}

bool Document::startNew(const QString& path, QString* error) {
  if (!writeLocked(path, annotation::Project{}, error)) return false;
  m_projectPath = path;
  startJournal();
  journal([](io::ProjectJournal& j) { j.clear(); }, false);
  resetContents({});
  return true;
}

void Document::closeProject() {
  m_journalSync.stop();
  m_journal.reset();
  m_lock.release();
  m_projectPath.clear();
  m_journalBroken = false;
  setStorageProblem({});
  resetContents({});
}

void Document::resetContents(annotation::Project project) {
  std::set<int> shown;  // the images of both projects redraw
  for (const auto& entry : m_project.images()) shown.insert(entry.first);
  m_undo.clear();  // before the swap: its commands refer to the old project's ids
  m_undoBudget.reset();
  m_project = std::move(project);
  m_recoveredUnsaved = false;
  if (m_project.categories().empty()) defaultCategory();  // digits and new objects need a class
  m_journaledSinceSave = false;
  for (const auto& entry : m_project.images()) shown.insert(entry.first);
  for (int id : shown) Q_EMIT objectsChanged(id);
  Q_EMIT categoriesChanged();
}

bool Document::open(const QString& path, const RecoveryQuestion& recover, QString* error) {
  bool recovered = false;
  std::string setAside;
  annotation::Project project;
  // Before the journal is read: another instance may be writing it.
  if (const QString busy = m_lock.acquire(path); !busy.isEmpty()) {
    if (error) *error = busy;
    return false;
  }
  const std::string journalPath = io::ProjectJournal::pathFor(path.toStdString());
  try {
    annotation::Project loaded = io::loadProject(path.toStdString());
    if (io::ProjectJournal::hasEntries(journalPath)) {
      const io::ProjectJournal::Summary summary = io::ProjectJournal::summarize(journalPath);
      recovered = recover && recover({int(summary.entries), QDateTime::fromSecsSinceEpoch(qint64(summary.lastWritten))});
      if (recovered) {
        const auto replay = io::ProjectJournal::replay(journalPath, loaded);
        qCInfo(lcUi).noquote() << "recovered" << replay.applied << "journaled edits from" << QString::fromStdString(journalPath);
        for (const std::string& problem : replay.problems) qCWarning(lcUi).noquote() << QString::fromStdString(problem);
      } else {
        setAside = io::ProjectJournal::setAside(journalPath, std::time(nullptr));  // a later crash cannot bring them back
      }
    }
    project = std::move(loaded);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    keepLockOf(m_projectPath);
    return false;
  }
  if (!setAside.empty()) qCInfo(lcUi).noquote() << "declined edits kept in" << QString::fromStdString(setAside);
  m_projectPath = path;
  resetContents(std::move(project));
  if (recovered) keepRecovered();
  startJournal();
  return true;
}

void Document::keepRecovered() {
  // Into the project file before the journal restarts: the recovered edits are then as safe as
  // saved ones. When that write fails they stay in the journal (and the document dirty).
  try {
    io::saveProject(m_project, m_projectPath.toStdString());
    io::ProjectJournal(io::ProjectJournal::pathFor(m_projectPath.toStdString())).clear();
  } catch (const std::exception& e) {
    qCWarning(lcUi).noquote() << "recovered edits not saved yet:" << e.what();
    m_recoveredUnsaved = true;
  }
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
  journal([&](io::ProjectJournal& j) { j.putImage(*m_project.image(id)); });
  return id;
}

int Document::defaultCategory() {
  if (!m_project.categories().empty()) return m_project.categories().begin()->first;
  const int id = m_project.putCategory({0, "object", {60, 220, 120}, ""});  // a green that few photos are made of
  journal([&](io::ProjectJournal& j) { j.putCategory(*m_project.category(id)); });
  Q_EMIT categoriesChanged();
  return id;
}

std::vector<int64_t> Document::addImported(std::vector<annotation::AnnotationObject> objects, const QString& text) {
  std::vector<int64_t> ids;
  int64_t next = m_project.nextObjectId();  // fixed now, so redo re-creates the same ids
  for (annotation::AnnotationObject& object : objects) {
    object.id = next++;
    ids.push_back(object.id);
  }
  if (!objects.empty()) m_undo.push(new ReplaceObjectsCommand(this, text, {}, std::move(objects)));
  return ids;
}

std::vector<int64_t> Document::addObjects(std::vector<NewObject> made, int categoryId, const QString& text) {
  if (made.empty()) return {};
  const int category = categoryId && m_project.category(categoryId) ? categoryId : defaultCategory();
  std::vector<annotation::AnnotationObject> objects;
  std::vector<int64_t> ids;
  std::set<int> images;
  int64_t next = m_project.nextObjectId();  // fixed now, so redo re-creates the same ids
  for (NewObject& n : made) {
    annotation::AnnotationObject object;
    object.id = next++;
    object.imageId = n.imageId;
    object.categoryId = category;
    object.mask = std::move(n.mask);
    object.score = n.score;
    object.source = std::move(n.source);
    object.promptHistory = std::move(n.promptHistory);
    ids.push_back(object.id);
    images.insert(object.imageId);
    objects.push_back(std::move(object));
  }
  const QString label = !text.isEmpty() ? text : ids.size() == 1 ? tr("Add object %1").arg(ids.front())
                                                                 : tr("Add %n objects", nullptr, int(ids.size()));
  m_undo.push(new ReplaceObjectsCommand(this, label, {}, std::move(objects)));
  for (int image : images) setImageStatus(image, annotation::ImageStatus::InProgress);
  return ids;
}

void Document::removeObject(int64_t id) { removeObjects({id}); }

void Document::removeObjects(const std::vector<int64_t>& ids, bool includeLocked) {
  std::vector<annotation::AnnotationObject> before;
  for (int64_t id : ids) {
    const annotation::AnnotationObject* object = m_project.object(id);
    if (object && (includeLocked || !isLocked(*object))) before.push_back(*object);
  }
  if (before.empty()) return;
  const QString text = before.size() == 1 ? tr("Delete object %1").arg(before.front().id)
                                          : tr("Delete %n objects", nullptr, int(before.size()));
  m_undo.push(new ReplaceObjectsCommand(this, text, std::move(before), {}));
}

bool Document::isLocked(const annotation::AnnotationObject& object) {
  return object.attributes.is_object() && object.attributes.value("locked", false);
}

bool Document::changeCategory(const std::vector<int64_t>& ids, int categoryId) {
  if (!m_project.category(categoryId)) return false;
  std::vector<annotation::AnnotationObject> before, after;
  for (int64_t id : ids) {
    const annotation::AnnotationObject* object = m_project.object(id);
    if (!object || object->categoryId == categoryId || isLocked(*object)) continue;
    before.push_back(*object);
    after.push_back(*object);
    after.back().categoryId = categoryId;
  }
  if (before.empty()) return false;
  const QString name = QString::fromStdString(m_project.category(categoryId)->name);
  m_undo.push(new ReplaceObjectsCommand(this, tr("Change class to %1").arg(name), std::move(before), std::move(after)));
  return true;
}

bool Document::setMask(int64_t id, const mask::Rle& newMask, const QString& text) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object || isLocked(*object) || object->mask == newMask) return false;
  annotation::AnnotationObject after = *object;
  after.mask = newMask;
  after.box.reset();
  after.source = object->source == "manual" ? object->source : object->source + "+edited";
  m_undo.push(new ReplaceObjectsCommand(this, text, {*object}, {std::move(after)}));
  return true;
}

int64_t Document::mergeObjects(const std::vector<int64_t>& ids) {
  std::vector<annotation::AnnotationObject> before;
  for (int64_t id : ids) {
    const annotation::AnnotationObject* object = m_project.object(id);
    if (!object || isLocked(*object)) continue;
    if (!before.empty() && (object->imageId != before.front().imageId || object->mask.height != before.front().mask.height ||
                            object->mask.width != before.front().mask.width)) {
      continue;  // only objects of the same image merge
    }
    before.push_back(*object);
  }
  if (before.size() < 2) return 0;
  annotation::AnnotationObject merged = before.front();
  for (size_t i = 1; i < before.size(); ++i) merged.mask = mask::unite(merged.mask, before[i].mask);
  merged.box.reset();
  m_undo.push(new ReplaceObjectsCommand(this, tr("Merge %n objects", nullptr, int(before.size())), before, {merged}));
  return merged.id;
}

std::vector<int64_t> Document::splitObject(int64_t id) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object || isLocked(*object) || object->mask.counts.empty()) return {};
  const std::vector<mask::BinaryMask> parts = mask::connectedParts(mask::decode(object->mask));
  if (parts.size() < 2) return {};
  std::vector<annotation::AnnotationObject> after;
  std::vector<int64_t> ids;
  int64_t next = m_project.nextObjectId();
  for (size_t i = 0; i < parts.size(); ++i) {
    annotation::AnnotationObject part = *object;
    part.id = i == 0 ? object->id : next++;
    part.mask = mask::encode(parts[i]);
    part.box.reset();
    ids.push_back(part.id);
    after.push_back(std::move(part));
  }
  m_undo.push(new ReplaceObjectsCommand(this, tr("Split object %1 into %2").arg(id).arg(parts.size()), {*object}, std::move(after)));
  return ids;
}

bool Document::setLocked(int64_t id, bool locked) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object || isLocked(*object) == locked) return false;
  annotation::AnnotationObject after = *object;
  if (!after.attributes.is_object()) after.attributes = nlohmann::json::object();
  after.attributes["locked"] = locked;
  m_undo.push(new ReplaceObjectsCommand(this, locked ? tr("Lock object %1").arg(id) : tr("Unlock object %1").arg(id), {*object},
                                        {std::move(after)}));
  return true;
}

int Document::addCategory(const QString& name, const std::array<uint8_t, 3>& color) {
  int id = 1;
  for (const auto& entry : m_project.categories()) id = std::max(id, entry.first + 1);
  annotation::Category category{id, name.toStdString(), color, ""};
  m_undo.push(new CategoryCommand(this, tr("Add class %1").arg(name), std::nullopt, category));
  return id;
}

bool Document::renameCategory(int id, const QString& name) {
  const annotation::Category* category = m_project.category(id);
  if (!category || name.trimmed().isEmpty() || category->name == name.toStdString()) return false;
  annotation::Category after = *category;
  after.name = name.trimmed().toStdString();
  m_undo.push(new CategoryCommand(this, tr("Rename class to %1").arg(name), *category, after));
  return true;
}

bool Document::setCategoryPhrase(int id, const QString& phrase) {
  const annotation::Category* category = m_project.category(id);
  const std::string value = phrase.trimmed().toStdString();
  if (!category || category->phrase == value) return false;
  annotation::Category after = *category;
  after.phrase = value;
  m_undo.push(new CategoryCommand(this, tr("Set the phrase of class %1").arg(QString::fromStdString(category->name)), *category, after));
  return true;
}

bool Document::recolorCategory(int id, const std::array<uint8_t, 3>& color) {
  const annotation::Category* category = m_project.category(id);
  if (!category || category->color == color) return false;
  annotation::Category after = *category;
  after.color = color;
  m_undo.push(new CategoryCommand(this, tr("Recolour class %1").arg(QString::fromStdString(category->name)), *category, after));
  return true;
}

void Document::setImageStatus(int imageId, annotation::ImageStatus status) {
  annotation::ImageRecord* record = m_project.mutableImage(imageId);
  if (!record || record->status == status) return;
  record->status = status;
  journal([&](io::ProjectJournal& j) { j.putImage(*record); });
  Q_EMIT imageStatusChanged(imageId);
}

void Document::putObjectDirect(const annotation::AnnotationObject& object) {
  m_project.putObject(object);
  journal([&](io::ProjectJournal& j) { j.putObject(object); });
  Q_EMIT objectsChanged(object.imageId);
}

void Document::putCategoryDirect(const annotation::Category& category) {
  m_project.putCategory(category);
  journal([&](io::ProjectJournal& j) { j.putCategory(category); });
  Q_EMIT categoriesChanged();
  for (const auto& entry : m_project.images()) Q_EMIT objectsChanged(entry.first);  // colours may have changed
}

void Document::removeCategoryDirect(int id) {
  if (!m_project.removeCategory(id)) return;
  journal([&](io::ProjectJournal& j) { j.removeCategory(id); });
  Q_EMIT categoriesChanged();
}

void Document::removeObjectDirect(int64_t id) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object) return;
  const int imageId = object->imageId;
  m_project.removeObject(id);
  journal([&](io::ProjectJournal& j) { j.removeObject(id); });
  Q_EMIT objectsChanged(imageId);
}

}  // namespace sam3::ui
