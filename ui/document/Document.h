#pragma once
// The annotation document of the GUI: the engine's Project plus its undo stack. Every user
// change goes through an undo command (holding ids and values, never pointers).

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUndoStack>
#include <functional>
#include <memory>
#include <vector>

#include "engine/annotation/Project.h"
#include "ui/document/ProjectLock.h"
#include "ui/document/RecoveryQuestion.h"
#include "ui/document/UndoBudget.h"

namespace sam3::io {
class ProjectJournal;
}

namespace sam3::ui {

class Document : public QObject {
  Q_OBJECT

 public:
  explicit Document(QObject* parent = nullptr);
  ~Document() override;

  const annotation::Project& project() const { return m_project; }
  QUndoStack* undoStack() { return &m_undo; }
  // The memory bound of the undo history (setting undo/budgetMB, default 256).
  UndoBudget* undoBudget() { return &m_undoBudget; }

  // Ensures an image record exists for `path` (matched by file name) and returns its id.
  int imageFor(const QString& path, int width, int height);
  // The category new objects get (created on first use).
  int defaultCategory();

  // A new object as the tools and the engine make it: which image, the mask, and where it came
  // from. Its id and class are given by addObjects().
  struct NewObject {
    int imageId = 0;
    mask::Rle mask;
    double score = 0;
    std::string source;  // "manual", the engine's name, "... find-similar", "... batch"
    nlohmann::json promptHistory = nlohmann::json::array();
  };
  // The one way objects are made: class `categoryId` (0 or unknown: the default class), all in
  // one undo step (`text`, or "Add object N"), their images marked in progress. Returns the ids.
  std::vector<int64_t> addObjects(std::vector<NewObject> objects, int categoryId, const QString& text = {});
  // Objects read from a file (every field kept: attributes, box, crowd), on images and classes
  // that exist, as one undo step; their ids are given here. Returns the ids.
  std::vector<int64_t> addImported(std::vector<annotation::AnnotationObject> objects, const QString& text);
  void removeObject(int64_t id);
  // Locked objects are kept unless `includeLocked` (a full reset).
  void removeObjects(const std::vector<int64_t>& ids, bool includeLocked = false);
  // One undo step each; ids that do not exist (or are locked, for edits) are ignored.
  bool changeCategory(const std::vector<int64_t>& ids, int categoryId);
  bool setMask(int64_t id, const mask::Rle& mask, const QString& text);  // a brush or eraser stroke
  int64_t mergeObjects(const std::vector<int64_t>& ids);  // into the first; returns it, or 0
  std::vector<int64_t> splitObject(int64_t id);           // disconnected parts; the largest keeps the id
  bool setLocked(int64_t id, bool locked);
  static bool isLocked(const annotation::AnnotationObject& object);

  // Classes (undoable).
  int addCategory(const QString& name, const std::array<uint8_t, 3>& color);
  bool renameCategory(int id, const QString& name);
  bool recolorCategory(int id, const std::array<uint8_t, 3>& color);
  bool setCategoryPhrase(int id, const QString& phrase);  // "" = ask by the class name

  // Work status of an image (journaled, not an undo step: it is workflow state).
  void setImageStatus(int imageId, annotation::ImageStatus status);

  // Project file. saveAs() writes atomically and starts journaling every edit to
  // `<path>.journal`; on failure the document stays dirty and `error` says why. A project is
  // locked while open (ProjectLock): opening or saving onto one another instance holds fails.
  QString projectPath() const { return m_projectPath; }
  bool isDirty() const { return !m_undo.isClean() || m_recoveredUnsaved; }
  // Also true when only workflow state (an image seen, a done mark) was journaled since the save.
  bool hasUnsavedWork() const { return isDirty() || m_journaledSinceSave; }
  bool saveAs(const QString& path, QString* error);
  bool save(QString* error) { return saveAs(m_projectPath, error); }
  // Loads a project. When a journal of unsaved edits exists, `recover` is asked whether to
  // replay it. Recovered edits are saved into the project file at once (a later crash and "No"
  // can then only discard what came after); declined ones are set aside as a dated backup of
  // the journal (io::ProjectJournal::setAside). Returns false with `error` on failure.
  bool open(const QString& path, const RecoveryQuestion& recover, QString* error);
  // Replaces the document with an empty project written at `path` (journaled from the first
  // edit). On failure nothing changes.
  bool startNew(const QString& path, QString* error);
  // Leaves the project (lock and journal let go; unsaved edits stay in the journal) and starts
  // an empty document without a file.
  void closeProject();

  // Why edits are not reaching the disk (a full disk, a removed folder), or "" when they are.
  // While there is a problem the journal is not written (it would miss an edit); the document
  // tries to save the whole project every few seconds and says when that worked.
  QString storageProblem() const { return m_storageProblem; }
  // Used by the undo commands only.
  void putObjectDirect(const annotation::AnnotationObject& object);
  void removeObjectDirect(int64_t id);
  void putCategoryDirect(const annotation::Category& category);
  void removeCategoryDirect(int id);

 Q_SIGNALS:
  void objectsChanged(int imageId);
  void categoriesChanged();
  void imageStatusChanged(int imageId);
  void storageProblemChanged(const QString& problem);

 private:
  void startJournal();
  void keepRecovered();
  void keepLockOf(const QString& projectPath);
  // Takes `path`'s lock and writes `project` there atomically; on failure the lock of the
  // project still open is kept and `error` says why.
  bool writeLocked(const QString& path, const annotation::Project& project, QString* error);
  void syncJournal();
  void setStorageProblem(const QString& problem);
  void resetContents(annotation::Project project);
  // Every journal write goes through here: a failure becomes a storage problem, never an
  // exception through Qt's event loop.
  template <class Write>
  void journal(Write&& write, bool isEdit = true);

  annotation::Project m_project;
  QUndoStack m_undo;
  UndoBudget m_undoBudget;
  QString m_projectPath;
  std::unique_ptr<io::ProjectJournal> m_journal;
  ProjectLock m_lock;
  QTimer m_journalSync;  // bounds what a power cut can lose to ~2 s
  bool m_recoveredUnsaved = false;
  bool m_journaledSinceSave = false;
  bool m_journalBroken = false;  // a write failed: entries after it would replay without it
  int m_ticksSinceRetry = 0;
  QString m_storageProblem;
};

}  // namespace sam3::ui
