#include "ui/widgets/TextPromptBar.h"

#include <QActionGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSlider>
#include <QToolButton>

#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {
constexpr int kRecentPhrases = 12;
}  // namespace

TextPromptBar::TextPromptBar(LabelSession* session, EngineService* engine, QWidget* parent)
    : QWidget(parent), m_session(session), m_phrase(new QComboBox(this)), m_threshold(new QSlider(Qt::Horizontal, this)),
      m_thresholdLabel(new QLabel(this)), m_everything(new QToolButton(this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 0, 4, 0);
  m_phrase->setObjectName(QStringLiteral("findTextField"));
  m_phrase->setEditable(true);
  m_phrase->setInsertPolicy(QComboBox::NoInsert);  // recent phrases are kept by submit()
  m_phrase->setMinimumWidth(180);
  m_phrase->lineEdit()->setPlaceholderText(tr("Find by text (T): a phrase, Enter"));
  m_phrase->lineEdit()->setClearButtonEnabled(true);
  m_phrase->addItems(settings::recentPhrases().get());
  m_phrase->setCurrentIndex(-1);
  m_threshold->setObjectName(QStringLiteral("thresholdSlider"));
  m_threshold->setRange(0, 100);
  m_threshold->setValue(qRound(session->candidateThreshold() * 100));
  m_threshold->setMaximumWidth(110);
  m_threshold->setToolTip(tr("Minimum score of found objects (raising it hides candidates without running the model again)"));
  m_thresholdLabel->setMinimumWidth(34);
  m_thresholdLabel->setText(QString::number(session->candidateThreshold(), 'f', 2));
  layout->addWidget(m_phrase, 1);
  layout->addWidget(m_threshold);
  layout->addWidget(m_thresholdLabel);
  m_everything->setObjectName(QStringLiteral("everythingButton"));
  m_everything->setText(tr("Everything"));
  m_everything->setPopupMode(QToolButton::MenuButtonPopup);
  connect(m_everything, &QToolButton::clicked, m_session, &LabelSession::segmentEverything);
  buildEverythingMenu();
  layout->addWidget(m_everything);
  connect(m_phrase->lineEdit(), &QLineEdit::returnPressed, this, &TextPromptBar::submit);
  // The combo box is the focus widget (its line edit's focus proxy): the window system sends it
  // the ShortcutOverride, so the filter sits on both.
  m_phrase->installEventFilter(this);
  m_phrase->lineEdit()->installEventFilter(this);
  connect(m_threshold, &QSlider::valueChanged, this, [this](int value) {
    m_thresholdLabel->setText(QString::number(value / 100.0, 'f', 2));
    m_session->setCandidateThreshold(value / 100.0);
  });
  connect(engine, &EngineService::engineChanged, this,
          [this](const EngineDescription& d) { setAvailable(d.capabilities.text, d.capabilities.everything); });
  setAvailable(engine->engine().capabilities.text, engine->engine().capabilities.everything);
}

void TextPromptBar::buildEverythingMenu() {
  auto* menu = new QMenu(m_everything);
  auto* grids = new QActionGroup(menu);
  for (int side : {16, 32, 64}) {
    QAction* a = grids->addAction(tr("Grid %1 × %1 (%2 clicks)").arg(side).arg(side * side));
    a->setCheckable(true);
    a->setChecked(m_session->everythingOptions().pointsPerSide == side);
    connect(a, &QAction::triggered, this, [this, side] {
      segment::EverythingOptions options = m_session->everythingOptions();
      options.pointsPerSide = side;
      m_session->setEverythingOptions(options);
    });
  }
  menu->addActions(grids->actions());
  menu->addSeparator();
  QAction* exclusive = menu->addAction(tr("Non-overlapping Masks"));
  exclusive->setCheckable(true);
  exclusive->setChecked(m_session->everythingOptions().exclusive);
  connect(exclusive, &QAction::toggled, this, [this](bool on) {
    segment::EverythingOptions options = m_session->everythingOptions();
    options.exclusive = on;
    m_session->setEverythingOptions(options);
  });
  m_everything->setMenu(menu);
}

bool TextPromptBar::eventFilter(QObject* watched, QEvent* event) {
  // Enter in the phrase box sends the phrase: it must not reach the window's Accept shortcut
  // (which accepted the live mask instead: "Added object 2", found driving a real X window).
  if ((watched == m_phrase || watched == m_phrase->lineEdit()) && event->type() == QEvent::ShortcutOverride) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Return || key == Qt::Key_Enter) {
      event->accept();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void TextPromptBar::focusPhrase() {
  if (!m_phrase->isEnabled()) return;
  m_phrase->setFocus(Qt::ShortcutFocusReason);
  m_phrase->lineEdit()->selectAll();
}

void TextPromptBar::submit() {
  const QString phrase = m_phrase->currentText().trimmed();
  m_session->findByText(phrase);
  if (phrase.isEmpty()) return;
  QStringList recent = settings::recentPhrases().get();
  recent.removeAll(phrase);
  recent.prepend(phrase);
  while (recent.size() > kRecentPhrases) recent.removeLast();
  settings::recentPhrases().set(recent);
  const QSignalBlocker block(m_phrase);
  m_phrase->clear();
  m_phrase->addItems(recent);
  m_phrase->setCurrentIndex(0);
}

void TextPromptBar::setAvailable(bool text, bool everything) {
  m_phrase->setEnabled(text);
  m_phrase->setToolTip(text ? tr("A phrase such as \"red car\"; with exemplar boxes drawn, both make one prompt")
                            : tr("Finding by text needs a SAM3 model bundle with a text encoder: Tools ▸ Models…"));
  m_everything->setEnabled(everything);
  m_everything->setToolTip(everything ? tr("Segment everything (Ctrl+Shift+A): a grid of clicks, every distinct object "
                                           "becomes a candidate; the arrow sets the grid")
                                      : tr("Segment everything needs a SAM3 model bundle: Tools ▸ Models…"));
}

}  // namespace sam3::ui
