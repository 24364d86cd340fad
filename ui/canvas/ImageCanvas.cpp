#include "ui/canvas/ImageCanvas.h"

#include "ui/canvas/CanvasTool.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::ui {
namespace {
constexpr double kZoomStep = 1.25;
const QColor kBackdrop(38, 40, 46);
}  // namespace

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(200, 150);
  setAccessibleName(tr("Image canvas"));
}

// Halvings by area averaging (on premultiplied pixels for overlays, which averages correctly).
std::vector<QImage> ImageCanvas::buildPyramid(const QImage& image) {
  std::vector<QImage> levels{image};
  while (std::max(levels.back().width(), levels.back().height()) > 1024) {
    const QImage& prev = levels.back();
    const cv::Mat src(prev.height(), prev.width(), CV_8UC4, const_cast<uchar*>(prev.constBits()), size_t(prev.bytesPerLine()));
    QImage half(std::max(1, prev.width() / 2), std::max(1, prev.height() / 2), prev.format());
    cv::Mat dst(half.height(), half.width(), CV_8UC4, half.bits(), size_t(half.bytesPerLine()));
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_AREA);
    levels.push_back(std::move(half));
  }
  return levels;
}

QImage ImageCanvas::toDisplayFormat(const QImage& image) {
  // RGB32 / ARGB32_Premultiplied are QPainter's fast paths.
  return image.hasAlphaChannel() ? image.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                                 : image.convertToFormat(QImage::Format_RGB32);
}

void ImageCanvas::setImage(const QImage& image) {
  const QImage display = toDisplayFormat(image);
  setImage(display, buildPyramid(display));  // memory: +1/3 of the image
}

void ImageCanvas::setImage(const QImage& image, std::vector<QImage> pyramid) {
  m_image = pyramid.empty() ? toDisplayFormat(image) : pyramid.front();
  m_levels = pyramid.empty() ? buildPyramid(m_image) : std::move(pyramid);
  for (auto& layer : m_layers) layer = LayerRaster();
  fitToWindow();
}

void ImageCanvas::setLayer(Layer layer, const QImage& overlay, const QRectF& region) {
  LayerRaster& raster = m_layers[size_t(layer)];
  raster.region = region.isEmpty() ? QRectF(m_image.rect()) : region;
  raster.levels = overlay.isNull() ? std::vector<QImage>{QImage()}
                                   : buildPyramid(overlay.convertToFormat(QImage::Format_ARGB32_Premultiplied));
  update();
}

const QImage& ImageCanvas::levelFor(const std::vector<QImage>& pyramid, double scale, double base) {
  // `base` pixels of level 0 per image pixel, then halving per level.
  size_t l = 0;
  while (l + 1 < pyramid.size() && scale / (base / double(1 << (l + 1))) <= 1.0) ++l;
  return pyramid[l];
}

void ImageCanvas::setPromptMarkers(const prompt::InteractivePrompt& prompt, const std::optional<QRectF>& preview) {
  m_markers = prompt;
  m_previewBox = preview;
  update();
}

void ImageCanvas::paintMarkers(QPainter& painter) const {
  painter.setRenderHint(QPainter::Antialiasing, true);
  auto drawBox = [&](const QRectF& box, Qt::PenStyle style) {
    painter.setPen(QPen(QColor(255, 215, 0), 2, style));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(mapFromImage(box.topLeft()), mapFromImage(box.bottomRight())));
  };
  if (m_markers.box) {
    const auto& b = *m_markers.box;
    drawBox(QRectF(QPointF(b[0], b[1]), QPointF(b[2], b[3])), Qt::SolidLine);
  }
  if (m_previewBox) drawBox(*m_previewBox, Qt::DashLine);
  for (const prompt::Click& c : m_markers.clicks) {
    const QPointF at = mapFromImage(QPointF(c.x, c.y));
    painter.setPen(QPen(Qt::white, 2));
    painter.setBrush(c.positive ? QColor(46, 204, 113) : QColor(231, 76, 60));
    painter.drawEllipse(at, 6, 6);
  }
}

QPointF ImageCanvas::mapToImage(const QPointF& widgetPos) const {
  return (widgetPos - m_origin) / m_scale;
}

QPointF ImageCanvas::mapFromImage(const QPointF& imagePos) const {
  return imagePos * m_scale + m_origin;
}

void ImageCanvas::fitToWindow() {
  m_fitMode = true;
  if (m_image.isNull() || width() <= 0 || height() <= 0) {
    update();
    return;
  }
  const double sx = double(width()) / m_image.width();
  const double sy = double(height()) / m_image.height();
  m_scale = std::clamp(std::min(sx, sy), kMinZoom, kMaxZoom);
  m_origin = QPointF((width() - m_image.width() * m_scale) / 2.0,
                     (height() - m_image.height() * m_scale) / 2.0);
  update();
  Q_EMIT zoomChanged(m_scale);
}

void ImageCanvas::zoomToActualSize() {
  setZoom(1.0, QPointF(width() / 2.0, height() / 2.0));
}

void ImageCanvas::zoomIn() { setZoom(m_scale * kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }

void ImageCanvas::zoomOut() { setZoom(m_scale / kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }

void ImageCanvas::setZoom(double scale, const QPointF& widgetAnchor) {
  scale = std::clamp(scale, kMinZoom, kMaxZoom);
  const QPointF anchorInImage = mapToImage(widgetAnchor);
  m_scale = scale;
  m_origin = widgetAnchor - anchorInImage * m_scale;
  m_fitMode = false;
  update();
  Q_EMIT zoomChanged(m_scale);
}

void ImageCanvas::panBy(const QPointF& delta) {
  m_origin += delta;
  m_fitMode = false;
  update();
}

void ImageCanvas::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(event->rect(), kBackdrop);
  if (m_image.isNull()) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect(), Qt::AlignCenter, tr("Open an image or a folder to start (Ctrl+O)"));
    return;
  }
  // Scale only the part of the image that is visible in the exposed rectangle.
  const QRectF exposedInImage =
      QRectF(mapToImage(event->rect().topLeft()), mapToImage(event->rect().bottomRight() + QPoint(1, 1)));
  const QRectF source = exposedInImage.intersected(QRectF(m_image.rect()));
  if (source.isEmpty()) return;
  const QRect sourcePixels = source.toAlignedRect().intersected(m_image.rect());
  const QRectF target(mapFromImage(sourcePixels.topLeft()), QSizeF(sourcePixels.size()) * m_scale);
  painter.setRenderHint(QPainter::SmoothPixmapTransform, m_scale < 2.0);
  // The same image region in another raster (a pyramid level, an overlay) of that raster's size.
  auto regionIn = [&](const QImage& raster) {
    const double kx = double(raster.width()) / m_image.width(), ky = double(raster.height()) / m_image.height();
    return QRectF(sourcePixels.x() * kx, sourcePixels.y() * ky, sourcePixels.width() * kx, sourcePixels.height() * ky);
  };
  const QImage& pixels = levelFor(m_levels, m_scale, 1.0);
  painter.drawImage(target, pixels, regionIn(pixels));
  for (const LayerRaster& layer : m_layers) {
    if (layer.levels.front().isNull()) continue;
    // Only the part of the layer's region that is on screen, in the layer's own pixels.
    const QRectF visible = layer.region.intersected(QRectF(sourcePixels));
    if (visible.isEmpty()) continue;
    const QImage& overlay = levelFor(layer.levels, m_scale, layer.levels.front().width() / layer.region.width());
    const double kx = overlay.width() / layer.region.width(), ky = overlay.height() / layer.region.height();
    const QRectF from((visible.x() - layer.region.x()) * kx, (visible.y() - layer.region.y()) * ky, visible.width() * kx,
                      visible.height() * ky);
    painter.drawImage(QRectF(mapFromImage(visible.topLeft()), visible.size() * m_scale), overlay, from);
  }
  paintMarkers(painter);
  if (m_tool) m_tool->paintOverlay(painter, {[this](const QPointF& p) { return mapFromImage(p); }, m_scale});
}

void ImageCanvas::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (m_fitMode) fitToWindow();
}

void ImageCanvas::wheelEvent(QWheelEvent* event) {
  const QPoint delta = event->angleDelta();
  if (m_tool && m_tool->wheel(delta.y(), event->modifiers())) {
    update();
    event->accept();
    return;
  }
  if (event->modifiers() & Qt::ShiftModifier) {
    panBy(QPointF(delta.y() / 2.0, 0));  // horizontal scroll
  } else if (delta.y() != 0) {
    setZoom(m_scale * std::pow(kZoomStep, delta.y() / 120.0), event->position());
  }
  event->accept();
}

void ImageCanvas::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
    m_panning = true;
    m_lastPanPos = event->position();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  if (m_tool && hasImage()) {
    m_tool->press(mapToImage(event->position()), event->button(), event->modifiers());
    event->accept();
    return;
  }
  QWidget::mousePressEvent(event);
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (m_panning) {
    panBy(event->position() - m_lastPanPos);
    m_lastPanPos = event->position();
  }
  if (hasImage()) {
    const QPointF p = mapToImage(event->position());
    Q_EMIT cursorMoved(p, QRectF(m_image.rect()).contains(p));
    if (m_tool && !m_panning) {
      m_tool->move(p, event->buttons());
      if (m_tool->tracksHover()) update();
    }
  }
  QWidget::mouseMoveEvent(event);
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* event) {
  if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
    m_panning = false;
    setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::ArrowCursor);
    event->accept();
    return;
  }
  if (m_tool && hasImage()) {
    m_tool->release(mapToImage(event->position()), event->button());
    event->accept();
    return;
  }
  QWidget::mouseReleaseEvent(event);
}

void ImageCanvas::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    m_spaceHeld = true;
    setCursor(Qt::OpenHandCursor);
    return;
  }
  QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    m_spaceHeld = false;
    if (!m_panning) setCursor(Qt::ArrowCursor);
    return;
  }
  QWidget::keyReleaseEvent(event);
}

void ImageCanvas::setTool(CanvasTool* tool) {
  if (tool == m_tool) return;
  if (m_tool) m_tool->deactivate();
  m_tool = tool;
  if (m_tool) {
    m_tool->activate();
    setCursor(m_tool->cursor());
  }
  update();
}

}  // namespace sam3::ui
