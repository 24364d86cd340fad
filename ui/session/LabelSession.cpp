#include "ui/session/LabelSession.h"

#include <QLineF>
#include <QUndoStack>
#include <algorithm>
#include <map>
#include <utility>

#include "engine/mask/MaskEditing.h"
#include "engine/mask/Rle.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/PromptSession.h"
#include "ui/support/Settings.h"

namespace sam3::ui {

LabelSession::LabelSession(Document* document, EngineService* engine, QObject* parent)
    : QObject(parent), m_document(document), m_engine(engine), m_prompt(new PromptSession(this)) {
  m_brushAsPrompt = settings::brushAsPrompt().get();
  m_hoverPreview = settings::pointHoverPreview().get();
  m_everythingOptions.pointsPerSide = settings::everythingPointsPerSide().get();
  m_everythingOptions.exclusive = settings::everythingExclusive().get();
  if (!m_everythingOptions.validate().empty()) m_everythingOptions = {};
  m_currentCategory = m_document->defaultCategory();  // digits and new objects need a class
  connect(m_document, &Document::categoriesChanged, this, [this] {  // another project opened, or the class undone
    if (!m_document->project().category(m_currentCategory)) m_currentCategory = m_document->defaultCategory();
  });
  connect(m_prompt, &PromptSession::changed, this, &LabelSession::onPromptChanged);
  connect(m_engine, &EngineService::predictionReady, this, [this](quint64, const segment::Prediction& prediction) {
    m_prediction = prediction;
    // Tab walks the candidates best first (SAM's outputs come in the decoder's order: a 0.31
    // was shown before a 0.36).
    std::stable_sort(m_prediction.candidates.begin(), m_prediction.candidates.end(),
                     [](const segment::Candidate& a, const segment::Candidate& b) { return a.score > b.score; });
    m_candidateIndex = 0;
    Q_EMIT liveChanged();
  });
  connect(m_engine, &EngineService::predictionFailed, this,
          [this](quint64, const segment::Status& status) { Q_EMIT failed(tr("Segmentation failed: %1").arg(QString::fromStdString(status.message))); });
  connect(m_engine, &EngineService::similarReady, this,
          [this](quint64, const segment::FindSimilarResult& result) { onConceptFound(result); });
  connect(m_engine, &EngineService::similarFailed, this, [this](quint64, const segment::Status& status) {
    const bool everything = std::exchange(m_everythingRunning, false);
    const QString error = QString::fromStdString(status.message);
    if (status.isCancelled()) {
      Q_EMIT message(everything ? tr("Segment everything cancelled") : tr("Search cancelled"), 3000);
    } else {
      Q_EMIT failed((everything ? tr("Segment everything failed: %1") : tr("Find similar failed: %1")).arg(error));
    }
    if (m_askingClass) askNextClass();  // the other class names' answers still come
  });
  connect(m_engine, &EngineService::engineChanged, this, [this] {
    if (!m_prompt->prompt().empty()) onPromptChanged();  // the new engine answers the same prompt
  });
  connect(m_document, &Document::categoriesChanged, this, [this] {
    if (!m_document->project().category(m_currentCategory)) {
      const auto& categories = m_document->project().categories();
      m_currentCategory = categories.empty() ? 0 : categories.begin()->first;
    }
    Q_EMIT categoryChanged(m_currentCategory);
  });
  connect(m_document, &Document::objectsChanged, this, [this](int imageId) {
    if (imageId != m_imageId) return;
    for (auto it = m_selected.begin(); it != m_selected.end();) {
      it = m_document->project().object(*it) ? std::next(it) : m_selected.erase(it);
    }
  });
}

void LabelSession::setImage(int imageId, const QSize& size) {
  m_imageId = imageId;
  m_imageSize = size;
  m_prediction = {};
  m_similar.clear();
  m_similarClasses.clear();
  m_similarPhrases.clear();
  m_found.clear();
  m_foundClasses.clear();
  m_foundPhrases.clear();
  m_classQueue.clear();
  m_askingClass = 0;
  m_exemplars.clear();
  m_phrase.clear();
  m_selected.clear();
  m_hidden.clear();
  m_prompt->clear();
  Q_EMIT liveChanged();
  Q_EMIT candidatesChanged();
  Q_EMIT objectsViewChanged();
}

void LabelSession::onPromptChanged() {
  if (m_prompt->prompt().empty() || m_imageId == 0) {
    m_prediction = {};
    Q_EMIT liveChanged();
    return;
  }
  m_engine->requestPrediction(m_prompt->prompt());
}

int LabelSession::categoryForNewObjects() {
  return m_currentCategory && m_document->project().category(m_currentCategory) ? m_currentCategory : m_document->defaultCategory();
}

// ---- the live prediction ------------------------------------------------------------------------

const mask::BinaryMask& LabelSession::liveMask() const {
  static const mask::BinaryMask none;
  if (m_prediction.candidates.empty()) return none;
  return m_prediction.candidates[size_t(m_candidateIndex) % m_prediction.candidates.size()].mask;
}

void LabelSession::cycleCandidate() {
  if (m_prediction.candidates.size() < 2) return;
  m_candidateIndex = (m_candidateIndex + 1) % int(m_prediction.candidates.size());
  Q_EMIT liveChanged();
  Q_EMIT message(tr("Candidate %1 of %2 (score %3)")
                     .arg(m_candidateIndex + 1)
                     .arg(m_prediction.candidates.size())
                     .arg(m_prediction.candidates[size_t(m_candidateIndex)].score, 0, 'f', 2),
                 3000);
}

void LabelSession::eraseFromLive(const mask::BinaryMask& stroke) {
  if (m_prediction.candidates.empty()) return;
  mask::BinaryMask& live = m_prediction.candidates[size_t(m_candidateIndex)].mask;
  if (live.pixelCount() != stroke.pixelCount()) return;
  for (int64_t i = 0, n = live.pixelCount(); i < n; ++i) {
    if (stroke.data()[i]) live.data()[i] = 0;
  }
  Q_EMIT liveChanged();
}

bool LabelSession::acceptLiveMask() {
  const mask::BinaryMask& live = liveMask();
  if (live.empty() || live.area() == 0 || m_imageId == 0) return false;
  Document::NewObject object;
  object.imageId = m_imageId;
  object.mask = mask::encode(live);
  object.score = m_prediction.candidates[size_t(m_candidateIndex)].score;
  object.source = m_engine->engine().name.toStdString();
  const prompt::InteractivePrompt& prompt = m_prompt->prompt();
  for (const prompt::Click& c : prompt.clicks) {
    object.promptHistory.push_back({{"type", "point"}, {"x", c.x}, {"y", c.y}, {"label", c.positive ? 1 : 0}});
  }
  if (prompt.box) object.promptHistory.push_back({{"type", "box"}, {"xyxy", *prompt.box}});
  if (!prompt.maskLogits.empty()) object.promptHistory.push_back({{"type", "painted-mask"}});
  const std::vector<int64_t> ids = m_document->addObjects({std::move(object)}, categoryForNewObjects());
  m_prediction = {};
  m_prompt->clear();
  setSelection({ids.front()});  // the next brush stroke or class key edits it, not a new object
  Q_EMIT message(tr("Added object %1").arg(ids.front()), 3000);
  return true;
}

void LabelSession::clearPrompt() {
  clearConcept();
  m_prompt->clear();
}

void LabelSession::clearConcept() {
  if (m_everythingRunning) m_engine->cancelConcept();
  m_everythingRunning = false;
  m_everything = false;
  m_exemplars.clear();
  m_phrase.clear();
  m_similar.clear();
  m_similarClasses.clear();
  m_similarPhrases.clear();
  m_found.clear();
  m_foundClasses.clear();
  m_foundPhrases.clear();
  m_classQueue.clear();
  m_askingClass = 0;
  Q_EMIT candidatesChanged();
}

// ---- find similar -------------------------------------------------------------------------------

void LabelSession::addExemplar(const QRectF& box, bool positive) {
  m_classQueue.clear();
  m_askingClass = 0;
  m_exemplars.push_back({box, positive});
  requestConcept();
}

void LabelSession::findByText(const QString& phrase) {
  m_classQueue.clear();
  m_askingClass = 0;
  m_phrase = phrase.trimmed();
  if (m_phrase.isEmpty() && m_exemplars.empty()) {
    clearConcept();
    return;
  }
  requestConcept();
}

void LabelSession::requestConcept() {
  if (m_imageId == 0) return;
  segment::FindSimilarRequest request;
  for (const Exemplar& e : m_exemplars) {
    request.exemplars.push_back({{e.box.left(), e.box.top(), e.box.right(), e.box.bottom()}, e.positive});
  }
  request.text = m_phrase.toStdString();
  request.threshold = m_requestedThreshold = m_threshold;
  m_engine->requestFindSimilar(request);
  Q_EMIT message(m_phrase.isEmpty() ? tr("Looking for similar objects…") : tr("Looking for \"%1\"…").arg(m_phrase), 0);
}

bool LabelSession::segmentEverything() {
  if (!m_engine->engine().capabilities.everything) {
    Q_EMIT message(tr("Segment everything needs a SAM3 model bundle: Tools ▸ Models…"), 5000);
    return false;
  }
  if (m_imageId == 0) return false;
  clearConcept();
  m_everything = m_everythingRunning = true;
  m_engine->requestEverything(m_everythingOptions);
  const int side = m_everythingOptions.pointsPerSide;
  Q_EMIT message(tr("Segmenting everything (%1 clicks)… Esc cancels").arg(side * side), 0);
  return true;
}

void LabelSession::setEverythingOptions(const segment::EverythingOptions& options) {
  if (!options.validate().empty()) return;
  m_everythingOptions = options;
  settings::everythingPointsPerSide().set(options.pointsPerSide);
  settings::everythingExclusive().set(options.exclusive);
}

void LabelSession::setCandidateThreshold(double threshold) {
  m_threshold = std::clamp(threshold, 0.0, 1.0);
  // Segment everything's scores already passed its own filter: the slider only filters them.
  const bool asked = !m_everything && (!m_phrase.isEmpty() || !m_exemplars.empty());
  if (asked && m_threshold < m_requestedThreshold) {
    requestConcept();  // the engine dropped what scored below the old threshold
  } else {
    refilterCandidates();
  }
}

void LabelSession::refilterCandidates() {
  m_similar.clear();
  m_similarClasses.clear();
  m_similarPhrases.clear();
  for (size_t i = 0; i < m_found.size(); ++i) {
    if (m_found[i].score < m_threshold) continue;
    m_similar.push_back(m_found[i]);
    m_similarClasses.push_back(m_foundClasses[i]);
    m_similarPhrases.push_back(m_foundPhrases[i]);
  }
  Q_EMIT candidatesChanged();
}

void LabelSession::onConceptFound(const segment::FindSimilarResult& result) {
  m_everythingRunning = false;
  if (!m_askingClass) {
    m_found = result.instances;
    m_foundClasses.assign(m_found.size(), 0);
    m_foundPhrases.assign(m_found.size(), m_phrase);
    refilterCandidates();
    if (m_similar.empty()) {  // stays until the next message: nothing on the canvas says it otherwise
      Q_EMIT message(tr("Found nothing in %1 ms (%2 below the score threshold): lower it, or try other words or exemplars")
                         .arg(qRound(result.milliseconds)).arg(m_found.size()),
                     0);
      return;
    }
    Q_EMIT message(tr("Found %n object(s) in %1 ms: Enter accepts, a click rejects one", nullptr, int(m_similar.size()))
                       .arg(qRound(result.milliseconds)),
                   8000);
    return;
  }
  // A class asked by several phrases ("car, van") may find an object twice: an instance
  // overlapping one its other phrases found by more than SAM's NMS IoU (0.7) is the same object.
  std::vector<segment::PackedMask> earlier;  // what the class's other phrases found, packed once
  for (size_t i = 0; i < m_found.size(); ++i) {
    if (m_foundClasses[i] == m_askingClass) earlier.emplace_back(m_found[i].mask);
  }
  for (const segment::Instance& instance : result.instances) {
    const segment::PackedMask packed(instance.mask);
    if (std::any_of(earlier.begin(), earlier.end(), [&packed](const segment::PackedMask& e) { return packed.iou(e) > 0.7; })) continue;
    m_found.push_back(instance);
    m_foundClasses.push_back(m_askingClass);
    m_foundPhrases.push_back(m_phrase);  // the phrase asked for (one of the class's)
  }
  refilterCandidates();
  askNextClass();
}

bool LabelSession::labelWithClassNames() {
  if (!m_engine->engine().capabilities.text) {
    Q_EMIT message(tr("Class names as prompts need a SAM3 model bundle with a text encoder"), 5000);
    return false;
  }
  clearConcept();
  for (const auto& [id, category] : m_document->project().categories()) {
    for (const std::string& phrase : annotation::conceptPhrases(category)) m_classQueue.emplace_back(id, QString::fromStdString(phrase));
  }
  if (m_classQueue.empty() || m_imageId == 0) return false;
  // Every phrase in one request: SAM3 runs them through the grounding head as a batch. The
  // answers come back in the queue's order.
  std::vector<segment::FindSimilarRequest> requests;
  for (const auto& entry : m_classQueue) {
    segment::FindSimilarRequest request;
    request.text = entry.second.toStdString();
    request.threshold = m_requestedThreshold = m_threshold;
    requests.push_back(std::move(request));
  }
  m_engine->requestFindSimilarBatch(requests);
  Q_EMIT message(tr("Looking for %n class name(s)…", nullptr, int(requests.size())), 0);
  askNextClass();
  return true;
}

void LabelSession::askNextClass() {
  if (m_classQueue.empty()) {
    m_askingClass = 0;
    m_phrase.clear();
    Q_EMIT message(tr("Found %n object(s) by class name: Enter accepts each with its class", nullptr, int(m_similar.size())), 8000);
    return;
  }
  // The next answer is this phrase's (they were all asked at once).
  m_askingClass = m_classQueue.front().first;
  m_phrase = m_classQueue.front().second;
  m_classQueue.erase(m_classQueue.begin());
}

bool LabelSession::rejectCandidateAt(const QPointF& p) {
  const int x = int(p.x()), y = int(p.y());
  for (auto it = m_similar.begin(); it != m_similar.end(); ++it) {
    if (x >= 0 && y >= 0 && x < it->mask.width() && y < it->mask.height() && it->mask.at(y, x)) {
      // Rejected for good: also from what a lower threshold would show again.
      const std::array<double, 4> box = it->box;
      for (size_t i = m_found.size(); i-- > 0;) {
        if (m_found[i].box != box) continue;
        m_found.erase(m_found.begin() + long(i));
        m_foundClasses.erase(m_foundClasses.begin() + long(i));
        m_foundPhrases.erase(m_foundPhrases.begin() + long(i));
      }
      m_similarClasses.erase(m_similarClasses.begin() + (it - m_similar.begin()));
      m_similarPhrases.erase(m_similarPhrases.begin() + (it - m_similar.begin()));
      m_similar.erase(it);
      Q_EMIT candidatesChanged();
      return true;
    }
  }
  return false;
}

bool LabelSession::acceptSimilarCandidates() {
  if (m_similar.empty() || m_imageId == 0) return false;
  std::map<int, std::vector<Document::NewObject>> byClass;  // 0: the current class
  for (size_t i = 0; i < m_similar.size(); ++i) {
    const int cls = m_similarClasses[i];
    const annotation::Category* category = cls ? m_document->project().category(cls) : nullptr;
    const std::string phrase = m_similarPhrases[i].toStdString();  // the phrase this one answered
    const char* how = m_everything ? " everything" : phrase.empty() ? " find-similar" : " text";
    Document::NewObject object{m_imageId, mask::encode(m_similar[i].mask), m_similar[i].score,
                               m_engine->engine().name.toStdString() + how};
    if (!phrase.empty()) object.promptHistory.push_back({{"type", "text"}, {"text", phrase}});
    if (m_everything) object.promptHistory.push_back({{"type", "everything"}, {"grid", m_everythingOptions.pointsPerSide}});
    for (const Exemplar& e : m_exemplars) {
      object.promptHistory.push_back({{"type", "exemplar"}, {"xyxy", {e.box.left(), e.box.top(), e.box.right(), e.box.bottom()}},
                                      {"label", e.positive ? 1 : 0}});
    }
    byClass[category ? cls : 0].push_back(std::move(object));
  }
  const int count = int(m_similar.size());
  QUndoStack* undo = m_document->undoStack();
  if (byClass.size() > 1) undo->beginMacro(tr("Accept %n object(s)", nullptr, count));  // one step for all classes
  for (auto& [cls, objects] : byClass) {
    const int n = int(objects.size());
    m_document->addObjects(std::move(objects), cls ? cls : categoryForNewObjects(), tr("Accept %n similar object(s)", nullptr, n));
  }
  if (byClass.size() > 1) undo->endMacro();
  clearConcept();
  Q_EMIT message(tr("Added %n object(s)", nullptr, count), 3000);
  return true;
}

void LabelSession::acceptBatchHits(const std::vector<BatchHit>& hits) {
  std::map<int, std::vector<Document::NewObject>> byClass;  // the hit's class, 0: the current one
  for (const BatchHit& hit : hits) {
    const int imageId = m_document->imageFor(hit.imagePath, hit.mask.width, hit.mask.height);
    Document::NewObject object{imageId, hit.mask, hit.score, m_engine->engine().name.toStdString() + " batch"};
    if (!hit.label.isEmpty()) object.promptHistory.push_back({{"type", "text"}, {"text", hit.label.toStdString()}});
    byClass[hit.tag && m_document->project().category(hit.tag) ? hit.tag : 0].push_back(std::move(object));
  }
  QUndoStack* undo = m_document->undoStack();
  const QString text = tr("Add %n object(s) from the batch", nullptr, int(hits.size()));
  if (byClass.size() > 1) undo->beginMacro(text);  // one step for every class
  for (auto& [cls, objects] : byClass) m_document->addObjects(std::move(objects), cls ? cls : categoryForNewObjects(), text);
  if (byClass.size() > 1) undo->endMacro();
}

// ---- selection and classes ----------------------------------------------------------------------

void LabelSession::setSelection(const std::set<int64_t>& ids) {
  m_selected = ids;
  Q_EMIT objectsViewChanged();
}

void LabelSession::setHidden(int64_t id, bool hidden) {
  if (hidden) {
    m_hidden.insert(id);
  } else {
    m_hidden.erase(id);
  }
  Q_EMIT objectsViewChanged();
}

void LabelSession::setCurrentCategory(int id, bool applyToSelection) {
  if (!m_document->project().category(id)) return;
  m_currentCategory = id;
  if (applyToSelection && !m_selected.empty()) m_document->changeCategory({m_selected.begin(), m_selected.end()}, id);
  Q_EMIT categoryChanged(id);
}

void LabelSession::chooseCategoryRow(int row) {
  const auto& categories = m_document->project().categories();
  if (row < 0 || row >= int(categories.size())) return;
  const int id = std::next(categories.begin(), row)->first;
  setCurrentCategory(id);
  Q_EMIT message(tr("Class: %1").arg(QString::fromStdString(categories.at(id).name)), 2000);
}

void LabelSession::deleteSelection() { m_document->removeObjects({m_selected.begin(), m_selected.end()}); }

bool LabelSession::mergeSelection() {
  const int64_t merged = m_document->mergeObjects({m_selected.begin(), m_selected.end()});
  if (merged) setSelection({merged});
  return merged != 0;
}

bool LabelSession::splitSelection() {
  if (m_selected.size() != 1) return false;
  const auto parts = m_document->splitObject(*m_selected.begin());
  if (!parts.empty()) setSelection({parts.begin(), parts.end()});
  return !parts.empty();
}

// ---- options ------------------------------------------------------------------------------------

void LabelSession::setBrushAsPrompt(bool asPrompt) {
  m_brushAsPrompt = asPrompt;
  settings::brushAsPrompt().set(asPrompt);
}

void LabelSession::setHoverPreview(bool on) {
  m_hoverPreview = on;
  settings::pointHoverPreview().set(on);
}

void LabelSession::hoverAt(const QPointF& p, double minDistance) {
  if (!m_hoverPreview || m_imageId == 0 || !QRectF(QPointF(0, 0), QSizeF(m_imageSize)).contains(p)) return;
  if (!m_prompt->prompt().empty() || QLineF(p, m_lastHover).length() < minDistance) return;
  m_lastHover = p;
  prompt::InteractivePrompt preview;
  preview.clicks = {{p.x(), p.y(), true}};
  m_engine->requestPrediction(preview);
}

}  // namespace sam3::ui
