#include "ui/docks/ClassesDock.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <iterator>

#include "ui/document/Document.h"
#include "ui/session/LabelSession.h"

namespace sam3::ui {
namespace {
constexpr int kIdRole = Qt::UserRole + 1;

// Distinct class colours for new classes (Kelly's palette, readable on photos).
const std::array<uint8_t, 3> kClassColors[] = {{60, 220, 120}, {255, 179, 0}, {128, 62, 117}, {255, 104, 0},
                                               {166, 189, 215}, {193, 0, 32}, {206, 162, 98}, {0, 125, 52},
                                               {246, 118, 142}, {0, 83, 138}, {255, 122, 92}, {83, 55, 122}};
}  // namespace

ClassesDock::ClassesDock(QWidget* parent) : QDockWidget(tr("Classes"), parent), m_list(new QListWidget) {
  setObjectName(QStringLiteral("classesDock"));
  auto* panel = new QWidget(this);
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_list);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add"), panel);
  auto* rename = new QPushButton(tr("Rename"), panel);
  auto* recolor = new QPushButton(tr("Colour"), panel);
  auto* phrase = new QPushButton(tr("Phrase"), panel);
  phrase->setObjectName(QStringLiteral("classPhraseButton"));
  phrase->setToolTip(tr("What SAM3 is asked for this class when labelling with the class names "
                        "(e.g. \"car, van\"; empty: the class name)"));
  for (QPushButton* b : {add, rename, recolor, phrase}) buttons->addWidget(b);
  layout->addLayout(buttons);
  setWidget(panel);
  m_list->setAccessibleName(tr("Classes; keys 1 to 9 choose"));
  connect(add, &QPushButton::clicked, this, &ClassesDock::addRequested);
  connect(rename, &QPushButton::clicked, this, [this] { if (currentId()) Q_EMIT renameRequested(currentId()); });
  connect(recolor, &QPushButton::clicked, this, [this] { if (currentId()) Q_EMIT recolorRequested(currentId()); });
  connect(phrase, &QPushButton::clicked, this, [this] { if (currentId()) Q_EMIT phraseRequested(currentId()); });
  connect(m_list, &QListWidget::itemDoubleClicked, this, [this] { if (currentId()) Q_EMIT renameRequested(currentId()); });
  connect(m_list, &QListWidget::currentRowChanged, this, [this] {
    if (!m_updating && currentId()) Q_EMIT categoryChosen(currentId());
  });
}

int ClassesDock::currentId() const {
  const QListWidgetItem* item = m_list->currentItem();
  return item ? item->data(kIdRole).toInt() : 0;
}

void ClassesDock::refresh(const annotation::Project& project, int currentCategory) {
  m_updating = true;
  m_list->clear();
  int row = 0;
  for (const auto& [id, category] : project.categories()) {
    QPixmap pixmap(14, 14);
    pixmap.fill(QColor(category.color[0], category.color[1], category.color[2]));
    const QString digit = row < 9 ? QString::number(row + 1) + QStringLiteral("  ") : QStringLiteral("    ");
    QString text = digit + QString::fromStdString(category.name);
    if (!category.phrase.empty()) text += QStringLiteral("  “%1”").arg(QString::fromStdString(category.phrase));
    auto* item = new QListWidgetItem(QIcon(pixmap), text, m_list);
    item->setData(kIdRole, id);
    if (id == currentCategory) m_list->setCurrentItem(item);
    ++row;
  }
  m_updating = false;
}

void ClassesDock::attach(Document* document, LabelSession* session) {
  auto update = [this, document, session] { refresh(document->project(), session->currentCategory()); };
  connect(session, &LabelSession::categoryChanged, this, update);
  connect(document, &Document::categoriesChanged, this, update);
  connect(this, &ClassesDock::categoryChosen, session, [session](int id) { session->setCurrentCategory(id); });
  connect(this, &ClassesDock::addRequested, this, [this, document, session] {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New Class"), tr("Name:"), QLineEdit::Normal, QString(), &ok).trimmed();
    if (!ok || name.isEmpty()) return;
    const size_t n = document->project().categories().size();
    session->setCurrentCategory(document->addCategory(name, kClassColors[n % std::size(kClassColors)]), /*applyToSelection=*/false);
  });
  connect(this, &ClassesDock::renameRequested, this, [this, document](int id) {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Class"), tr("Name:"), QLineEdit::Normal,
                                               QString::fromStdString(document->project().category(id)->name), &ok);
    if (ok) document->renameCategory(id, name);
  });
  connect(this, &ClassesDock::phraseRequested, this, [this, document](int id) {
    const annotation::Category* category = document->project().category(id);
    bool ok = false;
    const QString phrase = QInputDialog::getText(
        this, tr("Class Phrase"),
        tr("What to ask SAM3 for the class \"%1\" when labelling with the class names.\n"
           "Separate alternatives with commas (each is asked on its own); leave empty to use the name.")
            .arg(QString::fromStdString(category->name)),
        QLineEdit::Normal, QString::fromStdString(category->phrase), &ok);
    if (ok) document->setCategoryPhrase(id, phrase);
  });
  connect(this, &ClassesDock::recolorRequested, this, [this, document](int id) {
    const auto c = document->project().category(id)->color;
    const QColor color = QColorDialog::getColor(QColor(c[0], c[1], c[2]), this, tr("Class Colour"));
    if (color.isValid()) document->recolorCategory(id, {uint8_t(color.red()), uint8_t(color.green()), uint8_t(color.blue())});
  });
  update();
}

}  // namespace sam3::ui
