#include "ui/canvas/OverlayRenderer.h"

#include <cmath>

namespace sam3::ui {
namespace {

// Paints `ids` (one int per overlay pixel, 0 = none) into ARGB: fill with the id's colour,
// outline where a 4-neighbour differs.
QImage colorize(const std::vector<int32_t>& ids, const QSize& size, const std::vector<QRgb>& fill,
                const std::vector<QRgb>& edge) {
  QImage out(size, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  const int w = size.width(), h = size.height();
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
  return out;
}

// Nearest sampling of a full-resolution RLE into the overlay grid, straight from the runs.
void stampRle(const mask::Rle& rle, int32_t id, std::vector<int32_t>& ids, const QSize& size) {
  if (rle.height <= 0 || rle.width <= 0) return;
  const double sx = double(size.width()) / rle.width, sy = double(size.height()) / rle.height;
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
        const int y1 = int(std::ceil((stop - column * h) * sy - 1e-9));
        for (int oy = y0; oy < y1 && oy < size.height(); ++oy) ids[size_t(oy) * size.width() + ox] = id;
      }
      start = stop;
    }
  }
}

void stampMask(const mask::BinaryMask& m, int32_t id, std::vector<int32_t>& ids, const QSize& size) {
  if (m.empty()) return;
  const int w = size.width(), h = size.height();
  for (int oy = 0; oy < h; ++oy) {
    const int y = int((oy + 0.5) * m.height() / h);
    const uint8_t* src = m.data() + size_t(y) * m.width();
    int32_t* dst = ids.data() + size_t(oy) * w;
    for (int ox = 0; ox < w; ++ox) {
      if (src[int((ox + 0.5) * m.width() / w)]) dst[ox] = id;
    }
  }
}

QRgb fillOf(const QColor& c, const OverlayStyle& style) {
  return qPremultiply(QColor(c.red(), c.green(), c.blue(), style.outlineOnly ? 0 : style.fillAlpha).rgba());
}

}  // namespace

QSize OverlayRenderer::overlaySize(const QSize& imageSize) {
  const qint64 pixels = qint64(imageSize.width()) * imageSize.height();
  if (pixels <= kMaxOverlayPixels) return imageSize;
  const double f = std::sqrt(double(kMaxOverlayPixels) / double(pixels));
  return QSize(std::max(1, int(imageSize.width() * f)), std::max(1, int(imageSize.height() * f)));
}

QImage OverlayRenderer::renderObjects(const annotation::Project& project, int imageId, const QSize& imageSize,
                                      const std::set<int64_t>& selected, const std::set<int64_t>& hidden,
                                      const OverlayStyle& style) {
  const auto objects = project.objectsOfImage(imageId);
  if (objects.empty()) return {};  // nothing to draw: no 16-megapixel pass
  const QSize size = overlaySize(imageSize);
  std::vector<int32_t> ids(size_t(size.width()) * size.height(), 0);
  std::vector<QRgb> fill{0}, edge{0};
  for (const annotation::AnnotationObject* object : objects) {
    if (hidden.count(object->id) || object->mask.height != imageSize.height() || object->mask.width != imageSize.width()) continue;
    const annotation::Category* category = project.category(object->categoryId);
    const auto c = category ? category->color : std::array<uint8_t, 3>{230, 25, 75};
    const QColor color(c[0], c[1], c[2]);
    const int32_t slot = int32_t(fill.size());
    fill.push_back(fillOf(color, style));
    edge.push_back(selected.count(object->id) ? qRgb(255, 255, 255) : color.rgba());
    stampRle(object->mask, slot, ids, size);
  }
  return colorize(ids, size, fill, edge);
}

QImage OverlayRenderer::renderMasks(const std::vector<const mask::BinaryMask*>& masks, const std::vector<QColor>& colors,
                                    const QSize& imageSize, const OverlayStyle& style) {
  const QSize size = overlaySize(imageSize);
  std::vector<int32_t> ids(size_t(size.width()) * size.height(), 0);
  std::vector<QRgb> fill{0}, edge{0};
  for (size_t i = 0; i < masks.size(); ++i) {
    const QColor color = colors[std::min(i, colors.size() - 1)];
    fill.push_back(fillOf(color, style));
    edge.push_back(QColor(color.red(), color.green(), color.blue()).rgba());
    stampMask(*masks[i], int32_t(i + 1), ids, size);
  }
  return colorize(ids, size, fill, edge);
}

}  // namespace sam3::ui
