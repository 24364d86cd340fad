#pragma once
// Draws masks into translucent ARGB overlays for the canvas. Large images get an overlay grid
// at a reduced resolution (at most kMaxOverlayPixels), filled straight from the RLE runs
// without decoding full-resolution masks, and every overlay covers only the region its masks
// touch (a click's mask on a 100-megapixel image costs a small raster, not a 64 MB one).
// Outlines come from an object-id map: a pixel whose neighbour belongs to another object (or
// none) is an edge.

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QSize>
#include <set>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/mask/BinaryMask.h"

namespace sam3::ui {

struct OverlayStyle {
  int fillAlpha = 115;     // 0..255
  bool outlineOnly = false;
};

// An overlay raster and the part of the image (image pixels) it covers; null when empty.
struct OverlayLayer {
  QImage image;
  QRectF region;
};

class OverlayRenderer {
 public:
  static constexpr qint64 kMaxOverlayPixels = 16'000'000;

  // The overlay grid for an image: the image size, or scaled down to kMaxOverlayPixels.
  static QSize overlaySize(const QSize& imageSize);

  // Objects of `imageId`, in their class colours; `selected` ones get a white outline, `hidden`
  // ones are skipped.
  static OverlayLayer renderObjects(const annotation::Project& project, int imageId, const QSize& imageSize,
                                    const std::set<int64_t>& selected, const std::set<int64_t>& hidden,
                                    const OverlayStyle& style);
  // Masks in one colour each (the live prediction, find-similar candidates).
  static OverlayLayer renderMasks(const std::vector<const mask::BinaryMask*>& masks, const std::vector<QColor>& colors,
                                  const QSize& imageSize, const OverlayStyle& style);
};

}  // namespace sam3::ui
