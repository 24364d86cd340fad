#pragma once
// The central view: shows one image with zoom (wheel, keys, fit, 1:1) and pan (middle button or
// space + drag). Level-of-detail rendering: the image is kept as a pyramid of halvings and each
// paint scales only the visible part of the coarsest level that still has enough pixels, so a
// 100-megapixel image pans as smoothly as a small one. Overlays are drawn as layers.

#include <QImage>
#include <QPointF>
#include <QWidget>
#include <array>
#include <optional>
#include <vector>

#include "engine/prompt/InteractivePrompt.h"

namespace sam3::ui {

class CanvasTool;

class ImageCanvas : public QWidget {
  Q_OBJECT

 public:
  explicit ImageCanvas(QWidget* parent = nullptr);

  enum class Layer { Objects, Live, Candidates, Count };

  void setImage(const QImage& image);
  // Same, with the pyramid already built (e.g. on a worker thread along with the decoding).
  void setImage(const QImage& image, std::vector<QImage> pyramid);
  // [image, half, quarter, ...] down to a long side of at most 1024; any thread.
  static std::vector<QImage> buildPyramid(const QImage& image);
  // The format the canvas draws fastest (RGB32, or premultiplied ARGB with alpha).
  static QImage toDisplayFormat(const QImage& image);
  const QImage& image() const { return m_image; }
  int pyramidLevels() const { return int(m_levels.size()); }
  bool hasImage() const { return !m_image.isNull(); }

  double zoom() const { return m_scale; }
  // Widget <-> image pixel coordinates (image pixel (0,0) spans [0,1)x[0,1)).
  QPointF mapToImage(const QPointF& widgetPos) const;
  QPointF mapFromImage(const QPointF& imagePos) const;

  // The tool that receives left/right mouse events (not owned; nullptr = none).
  // Deactivates the current tool, activates `tool` and shows its cursor.
  void setTool(CanvasTool* tool);
  // ARGB overlay drawn over `region` of the image (image pixels; empty = the whole image), at
  // any resolution: it is stretched to the region.
  void setLayer(Layer layer, const QImage& overlay, const QRectF& region = {});
  const QImage& layer(Layer layer) const { return m_layers[size_t(layer)].levels.front(); }
  // Prompt markers: include/exclude clicks, the box, and the box being dragged.
  void setPromptMarkers(const prompt::InteractivePrompt& prompt, const std::optional<QRectF>& preview);

  static constexpr double kMinZoom = 0.01;
  static constexpr double kMaxZoom = 64.0;

 public Q_SLOTS:
  void fitToWindow();
  void zoomToActualSize();
  void zoomIn();
  void zoomOut();
  // Zooms to `scale`, keeping the image point under `widgetAnchor` fixed.
  void setZoom(double scale, const QPointF& widgetAnchor);
  void panBy(const QPointF& delta);

 Q_SIGNALS:
  void zoomChanged(double scale);
  void cursorMoved(const QPointF& imagePos, bool insideImage);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;

 private:
  void paintMarkers(QPainter& painter) const;
  // The coarsest level of `pyramid` that still has at least one pixel per screen pixel;
  // `pixelsPerImagePixel` is level 0's resolution relative to the image.
  static const QImage& levelFor(const std::vector<QImage>& pyramid, double scale, double pixelsPerImagePixel);

  struct LayerRaster {
    std::vector<QImage> levels{QImage()};  // a pyramid
    QRectF region;                         // image pixels covered
  };

  QImage m_image;
  std::vector<QImage> m_levels;  // [0] = m_image, then halvings
  std::array<LayerRaster, size_t(Layer::Count)> m_layers;
  CanvasTool* m_tool = nullptr;
  prompt::InteractivePrompt m_markers;
  std::optional<QRectF> m_previewBox;
  double m_scale = 1.0;
  QPointF m_origin;          // widget position of the image's top-left corner
  bool m_fitMode = true;     // refit on resize until the user zooms
  bool m_spaceHeld = false;
  bool m_panning = false;
  QPointF m_lastPanPos;
};

}  // namespace sam3::ui
