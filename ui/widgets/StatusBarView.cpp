#include "ui/widgets/StatusBarView.h"

#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>

#include "ui/support/AppLogging.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/engine/EngineService.h"

namespace sam3::ui {

StatusBarView::StatusBarView(QStatusBar* bar, EngineService* engine, ImageCanvas* canvas)
    : QObject(bar),
      m_bar(bar),
      m_engine(engine),
      m_imageLabel(new QLabel(bar)),
      m_hintLabel(new QLabel(bar)),
      m_cursorLabel(new QLabel(bar)),
      m_zoomLabel(new QLabel(bar)),
      m_engineLabel(new QLabel(engineText(engine->engine()), bar)),
      m_latencyLabel(new QLabel(bar)),
      m_storageLabel(new QLabel(bar)),
      m_busyBar(new QProgressBar(bar)) {
  m_latencyLabel->setObjectName(QStringLiteral("latencyLabel"));
  m_busyBar->setObjectName(QStringLiteral("busyBar"));
  m_storageLabel->setObjectName(QStringLiteral("storageProblem"));
  m_storageLabel->setStyleSheet(QStringLiteral("QLabel { color: white; background: #b3261e; padding: 1px 6px; font-weight: bold; }"));
  m_storageLabel->hide();
  m_busyBar->setRange(0, 0);
  m_busyBar->setMaximumWidth(120);
  m_busyBar->setTextVisible(false);
  m_busyBar->hide();
  m_hintLabel->setObjectName(QStringLiteral("hintLabel"));
  m_engineLabel->setObjectName(QStringLiteral("engineLabel"));
  bar->addWidget(m_imageLabel);
  bar->addWidget(m_hintLabel, 1);
  for (QWidget* w : {static_cast<QWidget*>(m_storageLabel), static_cast<QWidget*>(m_busyBar), static_cast<QWidget*>(m_latencyLabel), static_cast<QWidget*>(m_cursorLabel),
                     static_cast<QWidget*>(m_zoomLabel), static_cast<QWidget*>(m_engineLabel)}) {
    bar->addPermanentWidget(w);
  }
  m_busyTimer.setInterval(100);
  connect(&m_busyTimer, &QTimer::timeout, this, &StatusBarView::updateEncodingProgress);
  connect(canvas, &ImageCanvas::zoomChanged, this, [this](double scale) { m_zoomLabel->setText(tr("%1%").arg(qRound(scale * 100.0))); });
  connect(canvas, &ImageCanvas::cursorMoved, this, [this](const QPointF& p, bool inside) {
    m_cursorLabel->setText(inside ? tr("x %1  y %2").arg(int(p.x())).arg(int(p.y())) : QString());
  });
  connect(engine, &EngineService::predictionReady, this, [this](quint64, const segment::Prediction& prediction) {
    const size_t n = prediction.candidates.size();
    m_latencyLabel->setText(tr("%1 ms%2").arg(qRound(prediction.milliseconds)).arg(n > 1 ? tr(" · Tab: %1 candidates").arg(n) : QString()));
  });
  connect(engine, &EngineService::imageEncodingStarted, this, [this] { m_busyTimer.start(); });
  connect(engine, &EngineService::imageReady, this, [this](const QString&, const QString& error, double ms) {
    setBusy(false);
    m_engineLabel->setText(engineText(m_engine->engine()));
    if (!error.isEmpty()) return;
    m_latencyLabel->setText(tr("image ready in %1 ms").arg(qRound(ms)));
    qCInfo(lcUi).noquote() << "image ready in" << qRound(ms) << "ms:" << m_engine->engine().status;
  });
  connect(engine, &EngineService::engineChanged, this, [this](const EngineDescription& description) {
    setBusy(false);  // the re-encoding of the current image gets its own bar if it is slow
    m_engineLabel->setText(engineText(description));
    showMessage(tr("Engine: %1").arg(engineText(description)), 5000);
  });
  connect(engine, &EngineService::engineLoadFailed, this, [this] { setBusy(false); });
  connect(engine, &EngineService::progress, this, [this](const QString& stage, double) { showMessage(stage, 2000); });
}

void StatusBarView::showImage(const QString& path, const QSize& size) {
  const QString name = path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() + tr(" (sample)") : QFileInfo(path).fileName();
  m_imageLabel->setText(tr("%1   %2 × %3").arg(name).arg(size.width()).arg(size.height()));
}

void StatusBarView::setBusy(bool busy) {
  if (!busy) m_busyTimer.stop();
  m_busyBar->setRange(0, 0);
  m_busyBar->setVisible(busy);
}

void StatusBarView::showMessage(const QString& text, int milliseconds) { m_bar->showMessage(text, milliseconds); }

void StatusBarView::setHint(const QString& hint) { m_hintLabel->setText(hint); }

QString StatusBarView::engineText(const EngineDescription& engine) {
  // Only a model gives several candidates per click: anything else is the classic engine.
  if (engine.capabilities.multimask) return engine.status;
  return tr("Classic engine — no SAM3 model; Tools ▸ Models");
}

void StatusBarView::setStorageProblem(const QString& problem) {
  m_storageLabel->setText(tr("Edits are not being saved"));
  m_storageLabel->setToolTip(tr("%1\n\nYour edits are kept in memory. Free some space, restore the folder, or use "
                                "File ▸ Save As to keep them elsewhere; saving is retried every few seconds.")
                                 .arg(problem));
  m_storageLabel->setVisible(!problem.isEmpty());
  if (!problem.isEmpty()) showMessage(problem, 15000);
}

void StatusBarView::updateEncodingProgress() {
  // Only steps that take a while get the bar (no flicker for the classic engine).
  if (!m_engine->encodingImage() || m_engine->encodingElapsedMs() < 300) return;
  m_busyBar->show();
  const qint64 elapsed = m_engine->encodingElapsedMs(), expected = m_engine->expectedEncodingMs();
  if (expected > 0) {  // a filling bar, never past 99 %
    m_busyBar->setRange(0, 100);
    m_busyBar->setValue(int(std::min<qint64>(99, 100 * elapsed / expected)));
    m_latencyLabel->setText(tr("encoding image… %1 s of about %2 s").arg(elapsed / 1000.0, 0, 'f', 1).arg(expected / 1000.0, 0, 'f', 0));
  } else {
    m_busyBar->setRange(0, 0);
    m_latencyLabel->setText(tr("encoding image… %1 s").arg(elapsed / 1000.0, 0, 'f', 1));
  }
}

}  // namespace sam3::ui
