#pragma once
// Classes: the list (digits 1-9 select the first nine), with add, rename, recolour and the
// class's phrase for a concept model (class names as prompts; shown after the name). The
// current class is what new objects get; with objects selected, choosing a class changes theirs.

#include <QDockWidget>

#include "engine/annotation/Project.h"

class QListWidget;

namespace sam3::ui {

class Document;
class LabelSession;

class ClassesDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit ClassesDock(QWidget* parent = nullptr);

  void refresh(const annotation::Project& project, int currentCategory);
  // Follows `session`'s current class and the document's classes, and answers add, rename
  // and recolour with their dialogs (undoable edits of `document`).
  void attach(Document* document, LabelSession* session);
  QListWidget* list() const { return m_list; }

 Q_SIGNALS:
  void categoryChosen(int id);
  void addRequested();
  void renameRequested(int id);
  void recolorRequested(int id);
  void phraseRequested(int id);

 private:
  int currentId() const;

  QListWidget* m_list;
  bool m_updating = false;
};

}  // namespace sam3::ui
