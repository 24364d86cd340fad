#pragma once
// Polygons <-> masks. Masks to polygons: outer boundaries and holes as separate rings along the
// pixels' edges (for polygon export: COCO's rasterization of them gives the mask back exactly).
// Polygons to masks: the COCO rasterization rule (rleFrPoly), so polygon annotations decode
// exactly as pycocotools decodes them.

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

// Boundaries of the mask's parts (4-connected) and holes, along pixel edges: vertices are pixel
// corners (pixel (x, y) spans x..x+1, y..y+1), outer rings run clockwise on screen, holes the
// other way. With `tolerance` 0 the union of the outer rings minus the holes rasterizes (COCO's
// rule) to the mask exactly; `tolerance` > 0 simplifies rings (Douglas-Peucker, in pixels).
// Rings with fewer than 3 vertices are dropped.
PolygonSet maskToPolygons(const BinaryMask& mask, double tolerance = 0.0);

// COCO rasterization of one ring (at least 3 vertices, i.e. 6 numbers).
Rle polygonToRle(const Ring& ring, int height, int width);
// Union of the rings' rasterizations (how COCO decodes a multi-polygon segmentation).
// Throws RleError for a ring with an odd number of values or fewer than 3 vertices.
Rle polygonsToRle(const std::vector<Ring>& rings, int height, int width);

}  // namespace sam3::mask
