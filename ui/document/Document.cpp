#include "ui/document/Document.h"

#include <QFileInfo>

#include "ui/document/ObjectCommands.h"

namespace sam3::ui {

Document::Document(QObject* parent) : QObject(parent) {}

int Document::imageFor(const QString& path, int width, int height) {
  if (const annotation::ImageRecord* existing = m_project.imageByFileName(QFileInfo(path).fileName().toStdString())) {
    return existing->id;
  }
  annotation::ImageRecord record;
  record.path = path.toStdString();
  record.width = width;
  record.height = height;
  return m_project.putImage(record);
}

int Document::defaultCategory() {
  if (!m_project.categories().empty()) return m_project.categories().begin()->first;
  return m_project.putCategory({0, "object", {60, 220, 120}, ""});  // a green that few photos are made of
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
  Q_EMIT objectsChanged(object.imageId);
}

void Document::removeObjectDirect(int64_t id) {
  const annotation::AnnotationObject* object = m_project.object(id);
  if (!object) return;
  const int imageId = object->imageId;
  m_project.removeObject(id);
  Q_EMIT objectsChanged(imageId);
}

}  // namespace sam3::ui
