#include "ui/canvas/OverlayRenderer.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>

namespace sam3::ui {
namespace {

// The overlay-grid pixels the masks touch (inclusive bounds).
struct Touched {
  int x0 = INT_MAX, y0 = INT_MAX, x1 = -1, y1 = -1;
  void add(int x, int ya, int yb) {
    x0 = std::min(x0, x); x1 = std::max(x1, x);
    y0 = std::min(y0, ya); y1 = std::max(y1, yb);
  }
  bool empty() const { return x1 < 0; }
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

// A vertical run of overlay pixels [y0, y1] in overlay column x.
using RunSink = std::function<void(int x, int y0, int y1)>;

// Nearest sampling of a full-resolution RLE into the overlay grid, straight from the runs.
void runsOfRle(const mask::Rle& rle, const QSize& grid, const RunSink& sink) {
  if (rle.height <= 0 || rle.width <= 0) return;
  const double sx = double(grid.width()) / rle.width, sy = double(grid.height()) / rle.height;
  const uint64_t h = uint64_t(rle.height);
  uint64_t position = 0;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    const uint64_t begin = position, end = position + rle.counts[i];
    position = end;
    if (i % 2 == 0 || begin == end) continue;
    // A foreground run may span columns: handle it column by column.
    for (uint64_t start = begin; start < end;) {
      const uint64_t column = start / h;
      const uint64_t stop = std::min(end, (column + 1) * h);
      const int ox = int(column * sx);
      // Only the source column that maps first onto this overlay column contributes.
      if (sx >= 1.0 || uint64_t(std::ceil(ox / sx - 1e-9)) == column) {
        const int y0 = int(std::ceil((start - column * h) * sy - 1e-9));
        const int y1 = std::min(int(std::ceil((stop - column * h) * sy - 1e-9)), grid.height()) - 1;
        if (y0 <= y1) sink(ox, y0, y1);
      }
      start = stop;
    }
  }
}

// Nearest sampling of a full-resolution binary mask into the overlay grid, row by row (the
// mask's memory order), one-pixel runs.
void runsOfMask(const mask::BinaryMask& m, const QSize& grid, const RunSink& sink) {
  if (m.empty()) return;
  const int w = grid.width(), h = grid.height();
  std::vector<int> sourceColumn(static_cast<size_t>(w));  // nearest source column of each overlay column
  for (int ox = 0; ox < w; ++ox) sourceColumn[size_t(ox)] = int((ox + 0.5) * m.width() / w);
  for (int oy = 0; oy < h; ++oy) {
    const uint8_t* src = m.data() + size_t(int((oy + 0.5) * m.height() / h)) * m.width();
    for (int ox = 0; ox < w; ++ox)
      if (src[sourceColumn[size_t(ox)]]) sink(ox, oy, oy);
  }
}

QRgb fillOf(const QColor& c, const OverlayStyle& style) {
  return qPremultiply(QColor(c.red(), c.green(), c.blue(), style.outlineOnly ? 0 : style.fillAlpha).rgba());
}

// Two passes over each mask's runs: the first finds the touched region, the second fills an
// id map of just that region, which is then coloured (fill, outline where a 4-neighbour differs).
OverlayLayer render(const std::vector<std::function<void(const RunSink&)>>& masks, const std::vector<QRgb>& fill,
                    const std::vector<QRgb>& edge, const QSize& imageSize) {
  const QSize grid = OverlayRenderer::overlaySize(imageSize);
  Touched t;
  for (const auto& runs : masks) runs([&t](int x, int y0, int y1) { t.add(x, y0, y1); });
  if (t.empty()) return {};
  const int w = t.width(), h = t.height();
  std::vector<int32_t> ids(size_t(w) * h, 0);
  for (size_t i = 0; i < masks.size(); ++i) {
    const int32_t id = int32_t(i + 1);
    masks[i]([&](int x, int y0, int y1) {
      for (int y = y0; y <= y1; ++y) ids[size_t(y - t.y0) * w + (x - t.x0)] = id;
    });
  }
  QImage out(w, h, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  for (int y = 0; y < h; ++y) {
    const int32_t* row = ids.data() + size_t(y) * w;
    QRgb* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
    for (int x = 0; x < w; ++x) {
      const int32_t id = row[x];
      if (!id) continue;
      const bool boundary = x == 0 || y == 0 || x == w - 1 || y == h - 1 || row[x - 1] != id || row[x + 1] != id ||
                            row[x - w] != id || row[x + w] != id;
      dst[x] = boundary ? edge[size_t(id)] : fill[size_t(id)];
    }
  }
  const double kx = double(imageSize.width()) / grid.width(), ky = double(imageSize.height()) / grid.height();
  return {out, QRectF(t.x0 * kx, t.y0 * ky, w * kx, h * ky)};
}

}  // namespace

QSize OverlayRenderer::overlaySize(const QSize& imageSize) {
  const qint64 pixels = qint64(imageSize.width()) * imageSize.height();
  if (pixels <= kMaxOverlayPixels) return imageSize;
  const double f = std::sqrt(double(kMaxOverlayPixels) / double(pixels));
  return QSize(std::max(1, int(imageSize.width() * f)), std::max(1, int(imageSize.height() * f)));
}

OverlayLayer OverlayRenderer::renderObjects(const annotation::Project& project, int imageId, const QSize& imageSize,
                                            const std::set<int64_t>& selected, const std::set<int64_t>& hidden,
                                            const OverlayStyle& style) {
  const QSize grid = overlaySize(imageSize);
  std::vector<std::function<void(const RunSink&)>> masks;
  std::vector<QRgb> fill{0}, edge{0};
  for (const annotation::AnnotationObject* object : project.objectsOfImage(imageId)) {
    if (hidden.count(object->id) || object->mask.height != imageSize.height() || object->mask.width != imageSize.width()) continue;
    const annotation::Category* category = project.category(object->categoryId);
    const auto c = category ? category->color : std::array<uint8_t, 3>{230, 25, 75};
    const QColor color(c[0], c[1], c[2]);
    fill.push_back(fillOf(color, style));
    edge.push_back(selected.count(object->id) ? qRgb(255, 255, 255) : color.rgba());
    masks.push_back([object, grid](const RunSink& sink) { runsOfRle(object->mask, grid, sink); });
  }
  return render(masks, fill, edge, imageSize);
}

OverlayLayer OverlayRenderer::renderMasks(const std::vector<const mask::BinaryMask*>& list, const std::vector<QColor>& colors,
                                          const QSize& imageSize, const OverlayStyle& style) {
  const QSize grid = overlaySize(imageSize);
  std::vector<std::function<void(const RunSink&)>> masks;
  std::vector<QRgb> fill{0}, edge{0};
  for (size_t i = 0; i < list.size(); ++i) {
    const QColor color = colors[std::min(i, colors.size() - 1)];
    fill.push_back(fillOf(color, style));
    edge.push_back(QColor(color.red(), color.green(), color.blue()).rgba());
    const mask::BinaryMask* m = list[i];
    masks.push_back([m, grid](const RunSink& sink) { runsOfMask(*m, grid, sink); });
  }
  return render(masks, fill, edge, imageSize);
}

}  // namespace sam3::ui
