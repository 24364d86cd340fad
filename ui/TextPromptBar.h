#pragma once
// Find by text: a phrase box (with the recent phrases) and a score threshold slider, for the
// toolbar. Enter sends the phrase, with any exemplar boxes drawn, to the engine as one concept
// prompt; the slider re-filters the candidates. Disabled, saying what to load, when the engine
// takes no phrases.

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace sam3::ui {

class EngineService;
class LabelSession;

class TextPromptBar : public QWidget {
  Q_OBJECT

 public:
  TextPromptBar(LabelSession* session, EngineService* engine, QWidget* parent = nullptr);

  QComboBox* phraseBox() const { return m_phrase; }
  QSlider* thresholdSlider() const { return m_threshold; }
  void focusPhrase();  // shortcut T

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void submit();
  void setAvailable(bool available);

  LabelSession* m_session;
  QComboBox* m_phrase;
  QSlider* m_threshold;
  QLabel* m_thresholdLabel;
};

}  // namespace sam3::ui
