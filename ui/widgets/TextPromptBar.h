#pragma once
// Concept labelling on the toolbar: a phrase box (with the recent phrases), a score threshold
// slider and the Everything button (its menu: grid size, overlaps). Enter sends the phrase,
// with any exemplar boxes drawn, to the engine as one concept prompt; the slider re-filters
// the candidates. Each part is disabled, saying what to load, when the engine cannot do it.

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace sam3::ui {

class EngineService;
class LabelSession;

class TextPromptBar : public QWidget {
  Q_OBJECT

 public:
  TextPromptBar(LabelSession* session, EngineService* engine, QWidget* parent = nullptr);

  QComboBox* phraseBox() const { return m_phrase; }
  QSlider* thresholdSlider() const { return m_threshold; }
  QToolButton* everythingButton() const { return m_everything; }
  void focusPhrase();  // shortcut T

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void submit();
  void setAvailable(bool text, bool everything);
  void buildEverythingMenu();

  LabelSession* m_session;
  QComboBox* m_phrase;
  QSlider* m_threshold;
  QLabel* m_thresholdLabel;
  QToolButton* m_everything;
};

}  // namespace sam3::ui
