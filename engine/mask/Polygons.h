#pragma once
// Polygons <-> masks. Masks to polygons: outer boundaries and holes as separate rings (for
// display, editing and polygon export). Polygons to masks: the COCO rasterization rule
// (rleFrPoly), so polygon annotations decode exactly as pycocotools decodes them.

#include <string>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/mask/Rle.h"

namespace sam3::mask {

// A closed ring as COCO writes it: x0, y0, x1, y1, ... in pixel coordinates.
using Ring = std::vector<double>;

struct PolygonSet {
  std::vector<Ring> outer;  // one per connected part
  std::vector<Ring> holes;  // inner boundaries; COCO polygons cannot carry them
};

// Boundaries of the mask's parts and holes. `tolerance` > 0 simplifies rings (Douglas-Peucker,
// in pixels); 0 keeps every boundary vertex. Rings with fewer than 3 vertices are dropped.
PolygonSet maskToPolygons(const BinaryMask& mask, double tolerance = 0.0);

// COCO rasterization of one ring (at least 3 vertices, i.e. 6 numbers).
Rle polygonToRle(const Ring& ring, int height, int width);
// Union of the rings' rasterizations (how COCO decodes a multi-polygon segmentation).
// Throws RleError for a ring with an odd number of values or fewer than 3 vertices.
Rle polygonsToRle(const std::vector<Ring>& rings, int height, int width);

}  // namespace sam3::mask
