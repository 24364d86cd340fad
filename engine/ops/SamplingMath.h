#pragma once
// Pure coordinate and weight math for grid_sample and roi_align, shared by the CPU kernels, the
// CUDA kernels and the tests. No LibTorch, no allocation: scalars in, scalars out.
//
// Semantics follow ATen's GridSampler (unnormalize, clip, reflect, nearbyint rounding) and
// torchvision's roi_align (sample validity, border clamping). Non-finite coordinates never reach
// an integer cast: they are mapped to an index far outside any map, so they contribute zero.

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SAM3_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define SAM3_HOST_DEVICE inline
#endif

namespace sam3::ops {

#if !defined(__CUDACC__)
// Host code gets the float overloads from std; CUDA provides its own for both sides.
using std::ceil;
using std::fabs;
using std::floor;
using std::fmod;
using std::nearbyint;
#endif

enum class Interpolation : int64_t { Bilinear = 0, Nearest = 1 };
enum class Padding : int64_t { Zeros = 0, Border = 1, Reflection = 2 };

// Any coordinate outside this range is out of every map we can allocate; NaN fails both tests.
constexpr double kMaxSafeCoord = 1.0e9;
constexpr int64_t kOutsideIndex = -100;

template <typename T>
SAM3_HOST_DEVICE T unnormalize(T coord, int64_t size, bool alignCorners) {
  if (alignCorners) {
    return ((coord + T(1)) / T(2)) * T(size - 1);  // -1 -> centre of pixel 0, +1 -> centre of last
  }
  return ((coord + T(1)) * T(size) - T(1)) / T(2);  // -1 -> left edge of pixel 0
}

template <typename T>
SAM3_HOST_DEVICE T clipCoordinate(T coord, int64_t size) {
  // Written as comparisons so that NaN stays NaN (and is rejected later) instead of becoming 0.
  const T high = T(size - 1);
  if (coord < T(0)) return T(0);
  if (coord > high) return high;
  return coord;
}

// Reflects `coord` into [twiceLow/2, twiceHigh/2]; the bounds are doubled so they stay integers.
template <typename T>
SAM3_HOST_DEVICE T reflectCoordinate(T coord, int64_t twiceLow, int64_t twiceHigh) {
  if (twiceLow == twiceHigh) return T(0);
  const T low = T(twiceLow) / T(2);
  const T span = T(twiceHigh - twiceLow) / T(2);
  coord = fabs(coord - low);
  const T extra = fmod(coord, span);
  const T flips = floor(coord / span);
  const bool even = fmod(flips, T(2)) == T(0);
  return even ? extra + low : span - extra + low;
}

template <typename T>
SAM3_HOST_DEVICE T applyPadding(T coord, int64_t size, Padding padding, bool alignCorners) {
  if (padding == Padding::Border) {
    return clipCoordinate(coord, size);
  }
  if (padding == Padding::Reflection) {
    coord = alignCorners ? reflectCoordinate(coord, 0, 2 * (size - 1))
                         : reflectCoordinate(coord, -1, 2 * size - 1);
    return clipCoordinate(coord, size);
  }
  return coord;
}

// Normalized grid coordinate -> source pixel coordinate, padding applied.
template <typename T>
SAM3_HOST_DEVICE T sourceCoordinate(T coord, int64_t size, Padding padding, bool alignCorners) {
  return applyPadding(unnormalize(coord, size, alignCorners), size, padding, alignCorners);
}

template <typename T>
SAM3_HOST_DEVICE bool isSafeCoord(T coord) {
  return coord > T(-kMaxSafeCoord) && coord < T(kMaxSafeCoord);
}

SAM3_HOST_DEVICE bool inBounds(int64_t index, int64_t size) { return index >= 0 && index < size; }

template <typename T>
SAM3_HOST_DEVICE int64_t floorIndex(T coord) {
  return isSafeCoord(coord) ? static_cast<int64_t>(floor(coord)) : kOutsideIndex;
}

// Nearest neighbour uses nearbyint: round half to even, as ATen does.
template <typename T>
SAM3_HOST_DEVICE int64_t nearestIndex(T coord) {
  return isSafeCoord(coord) ? static_cast<int64_t>(nearbyint(coord)) : kOutsideIndex;
}

// The four bilinear taps of one sample point. Weights of taps outside the map are zeroed, so a
// caller may sum all four without further checks (indices of such taps are clamped to 0).
template <typename T>
struct BilinearTaps {
  int64_t offset[4];  // y * width + x for nw, ne, sw, se
  T weight[4];
};

template <typename T>
SAM3_HOST_DEVICE BilinearTaps<T> bilinearTaps(T x, T y, int64_t height, int64_t width) {
  BilinearTaps<T> taps;
  const int64_t x0 = floorIndex(x);
  const int64_t y0 = floorIndex(y);
  const int64_t x1 = x0 + 1;
  const int64_t y1 = y0 + 1;
  // Same product order as ATen so that float32 results agree to the last bit where possible.
  const T fx1 = T(x1) - x, fx0 = x - T(x0);
  const T fy1 = T(y1) - y, fy0 = y - T(y0);
  const int64_t xs[4] = {x0, x1, x0, x1};
  const int64_t ys[4] = {y0, y0, y1, y1};
  const T ws[4] = {fx1 * fy1, fx0 * fy1, fx1 * fy0, fx0 * fy0};
  for (int k = 0; k < 4; ++k) {
    const bool valid = inBounds(xs[k], width) && inBounds(ys[k], height);
    taps.offset[k] = valid ? ys[k] * width + xs[k] : 0;
    taps.weight[k] = valid ? ws[k] : T(0);
  }
  return taps;
}

// One output point of grid_sample over every channel, shared by the CPU and CUDA kernels: the
// bilinear taps (or the nearest pixel) of source position (x, y) applied to each channel plane
// of `in` (`plane` = height * width elements apart). `load(pointer)` reads an element in the
// accumulation type A; `store(channel, value)` writes the result.
template <Interpolation kMode, typename A, typename T, typename Load, typename Store>
SAM3_HOST_DEVICE void samplePointAllChannels(const T* in, int64_t plane, int64_t channels, A x, A y, int64_t height,
                                             int64_t width, Load load, Store store) {
  if constexpr (kMode == Interpolation::Bilinear) {
    const BilinearTaps<A> t = bilinearTaps(x, y, height, width);
    for (int64_t c = 0; c < channels; ++c) {
      const T* p = in + c * plane;
      store(c, t.weight[0] * load(p + t.offset[0]) + t.weight[1] * load(p + t.offset[1]) + t.weight[2] * load(p + t.offset[2]) +
                   t.weight[3] * load(p + t.offset[3]));
    }
  } else {
    const int64_t ix = nearestIndex(x);
    const int64_t iy = nearestIndex(y);
    const bool valid = inBounds(ix, width) && inBounds(iy, height);
    const int64_t offset = valid ? iy * width + ix : 0;
    for (int64_t c = 0; c < channels; ++c) store(c, valid ? load(in + c * plane + offset) : A(0));
  }
}

// ---- roi_align (torchvision semantics) -------------------------------------------------------

// One axis of a roi_align sample: torchvision's validity test, clamp to 0, border collapse.
// The 2-D bilinear weight of a sample is the product of its x and y axis weights, which lets
// the CPU kernel work separably.
template <typename T>
struct AxisTaps {
  int64_t low;
  int64_t high;
  T lowWeight;   // 0 for an invalid sample
  T highWeight;  // 0 for an invalid sample
};

template <typename T>
SAM3_HOST_DEVICE AxisTaps<T> roiAxisTaps(T coord, int64_t size) {
  AxisTaps<T> taps{0, 0, T(0), T(0)};
  // A sample beyond one pixel outside the map contributes nothing (but still counts).
  if (!(coord >= T(-1)) || !(coord <= T(size)) || size <= 0) return taps;
  if (coord <= T(0)) coord = T(0);
  int64_t low = static_cast<int64_t>(coord);
  int64_t high;
  if (low >= size - 1) {
    high = low = size - 1;
    coord = T(low);
  } else {
    high = low + 1;
  }
  const T frac = coord - T(low);
  taps.low = low;
  taps.high = high;
  taps.lowWeight = T(1) - frac;
  taps.highWeight = frac;
  return taps;
}

// Geometry of one roi in feature-map coordinates, as torchvision computes it.
template <typename T>
struct RoiGeometry {
  T startX, startY;
  T binWidth, binHeight;
  int64_t gridW, gridH;  // samples per bin along each axis (may be <= 0: no samples)
  T count;               // divisor: max(gridW * gridH, 1)
  bool finite;           // false when any coordinate is NaN/inf: the roi pools to zero
};

template <typename T>
SAM3_HOST_DEVICE RoiGeometry<T> roiGeometry(const T* roi, T spatialScale, int64_t pooledH,
                                             int64_t pooledW, int64_t samplingRatio,
                                             bool aligned) {
  RoiGeometry<T> g;
  const T offset = aligned ? T(0.5) : T(0);
  g.startX = roi[1] * spatialScale - offset;
  g.startY = roi[2] * spatialScale - offset;
  const T endX = roi[3] * spatialScale - offset;
  const T endY = roi[4] * spatialScale - offset;
  T roiW = endX - g.startX;
  T roiH = endY - g.startY;
  if (!aligned) {  // legacy behaviour: force malformed rois to be 1x1
    roiW = roiW > T(1) ? roiW : T(1);
    roiH = roiH > T(1) ? roiH : T(1);
  }
  g.binWidth = roiW / T(pooledW);
  g.binHeight = roiH / T(pooledH);
  g.finite = isSafeCoord(g.startX) && isSafeCoord(g.startY) && isSafeCoord(roiW) &&
             isSafeCoord(roiH);
  if (!g.finite) {
    g.gridW = g.gridH = 0;
    g.count = T(1);
    return g;
  }
  g.gridH = samplingRatio > 0 ? samplingRatio : static_cast<int64_t>(ceil(roiH / T(pooledH)));
  g.gridW = samplingRatio > 0 ? samplingRatio : static_cast<int64_t>(ceil(roiW / T(pooledW)));
  const int64_t n = g.gridH * g.gridW;
  g.count = T(n > 1 ? n : 1);
  return g;
}

// Coordinate of sample `i` (of `grid`) inside bin `bin` along one axis.
template <typename T>
SAM3_HOST_DEVICE T roiSampleCoord(T start, T binSize, int64_t bin, int64_t i, int64_t grid) {
  return start + T(bin) * binSize + static_cast<T>(T(i) + T(0.5)) * binSize / T(grid);
}

}  // namespace sam3::ops
