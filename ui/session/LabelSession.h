#pragma once
// The labelling session: the interaction state of the image being labelled, without widgets:
// the prompt, the engine's live prediction and its candidates, find-similar exemplars and
// results, the selection and hidden objects, the current class, and the options that change
// what tools do. GUI tests drive it without a window; tools and docks act through it.

#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <set>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/segment/Segmenter.h"
#include "ui/engine/EngineTypes.h"

namespace sam3::ui {

class Document;
class EngineService;
class PromptSession;

class LabelSession : public QObject {
  Q_OBJECT

 public:
  struct Exemplar {
    QRectF box;
    bool positive = true;
  };

  LabelSession(Document* document, EngineService* engine, QObject* parent = nullptr);

  Document* document() const { return m_document; }
  EngineService* engine() const { return m_engine; }
  PromptSession* prompt() const { return m_prompt; }

  // A new image (id in the document, size in pixels): everything of the previous one is reset.
  void setImage(int imageId, const QSize& size);
  int imageId() const { return m_imageId; }
  QSize imageSize() const { return m_imageSize; }

  // The live prediction and SAM's candidate masks (Tab cycles them).
  const mask::BinaryMask& liveMask() const;
  int candidateCount() const { return int(m_prediction.candidates.size()); }
  int candidateIndex() const { return m_candidateIndex; }
  void cycleCandidate();
  // Removes `stroke` from the live mask (the eraser with nothing selected).
  void eraseFromLive(const mask::BinaryMask& stroke);
  // Accepts the live prediction as a new object (one undo step); false when there is none.
  bool acceptLiveMask();
  void clearPrompt();

  // Concept prompts: exemplar boxes and/or a phrase (SAM3 with a text encoder) ask the engine
  // for every matching object, which become candidates; a click rejects one; Enter accepts.
  const std::vector<Exemplar>& exemplars() const { return m_exemplars; }
  void addExemplar(const QRectF& box, bool positive);
  // The phrase and the exemplars drawn so far go to the engine as one concept prompt ("" clears
  // the phrase).
  void findByText(const QString& phrase);
  QString phrase() const { return m_phrase; }
  // Every class whose name is a usable phrase is asked for in turn (class names as prompts);
  // the candidates keep their class, and accepting gives each object its own (one undo step).
  // False when the engine takes no phrases or no class has a name.
  bool labelWithClassNames();
  // The class each candidate gets when accepted (0: the current class), parallel to
  // similarCandidates().
  const std::vector<int>& candidateClasses() const { return m_similarClasses; }
  // Segment everything (SAM3): a grid of clicks whose distinct masks become candidates, as for
  // a concept prompt. False (and a message) without an image or an engine that can. Clearing
  // the prompt (Esc) cancels it.
  bool segmentEverything();
  bool everythingRunning() const { return m_everythingRunning; }
  const segment::EverythingOptions& everythingOptions() const { return m_everythingOptions; }
  void setEverythingOptions(const segment::EverythingOptions& options);  // remembered in the settings
  // Candidates scoring below `threshold` are hidden. Raising it filters what the engine found
  // (no model run); lowering it below what was asked for asks the engine again.
  double candidateThreshold() const { return m_threshold; }
  void setCandidateThreshold(double threshold);
  const std::vector<segment::Instance>& similarCandidates() const { return m_similar; }
  bool rejectCandidateAt(const QPointF& imagePos);
  bool acceptSimilarCandidates();
  // The objects a folder batch found, after review: one undo step.
  void acceptBatchHits(const std::vector<BatchHit>& hits);

  // Selection, visibility and the current class.
  const std::set<int64_t>& selection() const { return m_selected; }
  void setSelection(const std::set<int64_t>& ids);
  const std::set<int64_t>& hidden() const { return m_hidden; }
  void setHidden(int64_t id, bool hidden);
  int currentCategory() const { return m_currentCategory; }
  // With `applyToSelection`, the selected objects get that class too (one undo step).
  void setCurrentCategory(int id, bool applyToSelection = true);
  void chooseCategoryRow(int row);  // digits 1-9
  void deleteSelection();
  bool mergeSelection();
  bool splitSelection();

  // Options of the tools (remembered in the settings).
  bool brushAsPrompt() const { return m_brushAsPrompt; }
  void setBrushAsPrompt(bool asPrompt);
  bool hoverPreview() const { return m_hoverPreview; }
  void setHoverPreview(bool on);
  // The Point tool's hover preview: the mask an include click at `imagePos` would give,
  // before the first click, when the cursor moved at least `minDistance` image pixels.
  void hoverAt(const QPointF& imagePos, double minDistance);

 Q_SIGNALS:
  void liveChanged();
  void candidatesChanged();
  void objectsViewChanged();  // selection or visibility: redraw the objects
  void categoryChanged(int id);
  void message(const QString& text, int milliseconds);
  void failed(const QString& text);

 private:
  void onPromptChanged();
  int categoryForNewObjects();
  void requestConcept();
  void clearConcept();  // exemplars, phrase, class names and the candidates
  void refilterCandidates();
  void onConceptFound(const segment::FindSimilarResult& result);
  void askNextClass();

  Document* m_document;
  EngineService* m_engine;
  PromptSession* m_prompt;
  int m_imageId = 0;
  QSize m_imageSize;
  segment::Prediction m_prediction;
  int m_candidateIndex = 0;
  std::vector<Exemplar> m_exemplars;
  std::vector<segment::Instance> m_found;    // what the engine answered
  std::vector<segment::Instance> m_similar;  // of those, the ones at or above m_threshold
  std::vector<int> m_foundClasses, m_similarClasses;  // parallel: the class to give (0: the current)
  std::vector<QString> m_foundPhrases, m_similarPhrases;  // parallel: the phrase asked ("" for exemplars alone)
  std::vector<std::pair<int, QString>> m_classQueue;  // class names still to ask for
  int m_askingClass = 0;                              // the class whose name was asked last (0: none)
  segment::EverythingOptions m_everythingOptions;
  bool m_everything = false;         // the candidates came from segment everything
  bool m_everythingRunning = false;
  QString m_phrase;
  double m_threshold = 0.5;
  double m_requestedThreshold = 0.5;
  std::set<int64_t> m_selected, m_hidden;
  int m_currentCategory = 0;
  bool m_brushAsPrompt = false;
  bool m_hoverPreview = false;
  QPointF m_lastHover{-1, -1};
};

}  // namespace sam3::ui
