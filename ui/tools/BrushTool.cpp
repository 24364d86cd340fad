#include "ui/tools/BrushTool.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

#include "engine/mask/MaskEditing.h"
#include "engine/mask/Rle.h"
#include "ui/document/Document.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"

namespace sam3::ui {

void BrushTool::setRadius(double radius) { m_radius = std::clamp(radius, kMinRadius, kMaxRadius); }

void BrushTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers) {
  if (button != Qt::LeftButton) return;
  m_points = {{imagePos.x(), imagePos.y()}};
}

void BrushTool::move(const QPointF& imagePos, Qt::MouseButtons buttons) {
  m_cursor = imagePos;
  if (!m_points.empty() && (buttons & Qt::LeftButton)) {
    const auto& last = m_points.back();
    const double dx = imagePos.x() - last.first, dy = imagePos.y() - last.second;
    if (dx * dx + dy * dy >= 0.25 * m_radius * m_radius / 16.0) m_points.emplace_back(imagePos.x(), imagePos.y());
  }
}

void BrushTool::release(const QPointF& imagePos, Qt::MouseButton button) {
  if (button != Qt::LeftButton || m_points.empty()) return;
  m_points.emplace_back(imagePos.x(), imagePos.y());
  const auto points = std::move(m_points);
  m_points.clear();
  apply(points);
}

void BrushTool::apply(const std::vector<std::pair<double, double>>& points) {
  LabelSession& session = *m_context.session;
  Document& document = *m_context.document;
  const QSize size = session.imageSize();
  if (session.imageId() == 0 || size.isEmpty()) return;
  const mask::BinaryMask stroke = mask::rasterizeStroke(points, m_radius, size.height(), size.width());
  if (stroke.area() == 0) return;
  if (session.brushAsPrompt()) {
    session.prompt()->paint(stroke, m_erase);  // the engine re-predicts from the painted prompt
    return;
  }
  const mask::Rle strokeRle = mask::encode(stroke);
  if (session.selection().size() == 1) {
    const annotation::AnnotationObject* target = document.project().object(*session.selection().begin());
    if (target && !Document::isLocked(*target)) {
      const mask::Rle edited = m_erase ? mask::subtract(target->mask, strokeRle) : mask::unite(target->mask, strokeRle);
      document.setMask(target->id, edited, m_erase ? QObject::tr("Erase stroke") : QObject::tr("Paint stroke"));
    } else if (target) {
      Q_EMIT session.message(QObject::tr("Object %1 is locked").arg(target->id), 3000);
    }
    return;
  }
  if (m_erase) {
    session.eraseFromLive(stroke);
    return;
  }
  // Painting with nothing selected makes a new object.
  const std::vector<int64_t> ids =
      document.addObjects({{session.imageId(), strokeRle, 0.0, "manual"}}, session.currentCategory());
  session.setSelection({ids.begin(), ids.end()});
}

bool BrushTool::wheel(int angleDelta, Qt::KeyboardModifiers modifiers) {
  if (!(modifiers & Qt::ControlModifier) || angleDelta == 0) return false;
  if (angleDelta > 0) grow(); else shrink();
  return true;
}

void BrushTool::paintOverlay(QPainter& painter, const CanvasMapping& mapping) const {
  const QColor color = m_erase ? QColor(255, 90, 90) : QColor(80, 200, 255);
  if (m_points.size() > 0) {
    QPainterPath path(mapping.toWidget(QPointF(m_points.front().first, m_points.front().second)));
    for (const auto& [x, y] : m_points) path.lineTo(mapping.toWidget(QPointF(x, y)));
    QColor stroke = color;
    stroke.setAlpha(110);
    painter.setPen(QPen(stroke, std::max(1.0, 2 * m_radius * mapping.scale), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(path);
  }
  if (m_cursor) {
    painter.setPen(QPen(color, 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(mapping.toWidget(*m_cursor), m_radius * mapping.scale, m_radius * mapping.scale);
  }
}

}  // namespace sam3::ui
