// CUDA kernels of the sampling ops. Torch-free: raw pointers, sizes and the shared math of
// SamplingMath.h; half and bfloat16 load and store through float accumulation.

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "engine/ops/ModeDispatch.h"
#include "engine/ops/SamplingMath.h"
#include "engine/ops/cuda/SamplingKernels.h"

namespace sam3::ops::cuda {
namespace {

constexpr int kThreads = 256;

// Accumulation type: float for the 16-bit types and float32, double for float64.
template <typename T> struct Acc { using type = float; };
template <> struct Acc<double> { using type = double; };

template <typename T> __device__ __forceinline__ typename Acc<T>::type load(const T* p) {
  return static_cast<typename Acc<T>::type>(*p);
}
template <typename T, typename A> __device__ __forceinline__ void store(T* p, A v) {
  *p = static_cast<T>(v);
}

int64_t blocksFor(int64_t work) { return (work + kThreads - 1) / kThreads; }

template <typename T, Interpolation kMode, Padding kPadding, bool kAlign>
__global__ void gridSampleKernel(const T* input, const T* grid, T* output, GridSampleArgs a) {
  using A = typename Acc<T>::type;
  const int64_t points = a.outHeight * a.outWidth;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= a.batch * points) return;
  const int64_t n = i / points;
  const int64_t p = i % points;
  const int64_t plane = a.height * a.width;
  const A x = sourceCoordinate(load(grid + 2 * i), a.width, kPadding, kAlign);
  const A y = sourceCoordinate(load(grid + 2 * i + 1), a.height, kPadding, kAlign);
  const T* in = input + n * a.channels * plane;
  T* out = output + n * a.channels * points + p;
  samplePointAllChannels<kMode>(
      in, plane, a.channels, x, y, a.height, a.width, [](const T* v) { return load(v); },
      [out, points](int64_t c, A value) { store(out + c * points, value); });
}

// One thread per output element, torchvision's sampling loop with the shared axis rules.
template <typename T>
__global__ void roiAlignKernel(const T* input, const T* rois, T* output, RoiAlignArgs a) {
  using A = typename Acc<T>::type;
  const int64_t total = a.rois_count * a.channels * a.pooledHeight * a.pooledWidth;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= total) return;
  const int64_t pw = i % a.pooledWidth;
  const int64_t ph = (i / a.pooledWidth) % a.pooledHeight;
  const int64_t c = (i / (a.pooledWidth * a.pooledHeight)) % a.channels;
  const int64_t k = i / (a.pooledWidth * a.pooledHeight * a.channels);
  A roi[5];
  for (int j = 0; j < 5; ++j) roi[j] = load(rois + 5 * k + j);
  const RoiGeometry<A> g = roiGeometry(roi, static_cast<A>(static_cast<T>(a.spatialScale)),
                                       a.pooledHeight, a.pooledWidth, a.samplingRatio, a.aligned);
  const bool batchValid = roi[0] >= A(0) && roi[0] < A(a.batch);
  A sum = A(0);
  if (batchValid) {
    const T* data = input + (static_cast<int64_t>(roi[0]) * a.channels + c) * a.height * a.width;
    for (int64_t iy = 0; iy < g.gridH; ++iy) {
      const AxisTaps<A> ty = roiAxisTaps(roiSampleCoord(g.startY, g.binHeight, ph, iy, g.gridH),
                                         a.height);
      for (int64_t ix = 0; ix < g.gridW; ++ix) {
        const AxisTaps<A> tx = roiAxisTaps(
            roiSampleCoord(g.startX, g.binWidth, pw, ix, g.gridW), a.width);
        sum += ty.lowWeight * (tx.lowWeight * load(data + ty.low * a.width + tx.low) +
                               tx.highWeight * load(data + ty.low * a.width + tx.high)) +
               ty.highWeight * (tx.lowWeight * load(data + ty.high * a.width + tx.low) +
                                tx.highWeight * load(data + ty.high * a.width + tx.high));
      }
    }
  }
  store(output + i, sum / g.count);
}

// One thread per (point, batch item, channel): neighbouring threads read neighbouring channels.
template <typename T>
__global__ void samplePointsSeqKernel(const T* feats, const T* points, T* output,
                                      SamplePointsSeqArgs a) {
  using A = typename Acc<T>::type;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= a.numPoints * a.batch * a.channels) return;
  const int64_t c = i % a.channels;
  const int64_t nb = i / a.channels;
  const int64_t b = nb % a.batch;
  const A x = unnormalize(load(points + 2 * nb) * A(2) - A(1), a.width, false);
  const A y = unnormalize(load(points + 2 * nb + 1) * A(2) - A(1), a.height, false);
  const BilinearTaps<A> t = bilinearTaps(x, y, a.height, a.width);
  const int64_t stride = a.batch * a.channels;
  const T* base = feats + b * a.channels + c;
  store(output + i, t.weight[0] * load(base + t.offset[0] * stride) +
                        t.weight[1] * load(base + t.offset[1] * stride) +
                        t.weight[2] * load(base + t.offset[2] * stride) +
                        t.weight[3] * load(base + t.offset[3] * stride));
}

template <typename F>
const char* withScalar(ScalarKind kind, F&& f) {
  switch (kind) {
    case ScalarKind::Float32: f(float{}); break;
    case ScalarKind::Float64: f(double{}); break;
    case ScalarKind::Float16: f(__half{}); break;
    case ScalarKind::BFloat16: f(__nv_bfloat16{}); break;
  }
  const cudaError_t error = cudaGetLastError();
  return error == cudaSuccess ? nullptr : cudaGetErrorString(error);
}

}  // namespace

const char* launchGridSample(const GridSampleArgs& a, void* stream) {
  const int64_t work = a.batch * a.outHeight * a.outWidth;
  if (work == 0 || a.channels == 0) return nullptr;
  return withScalar(a.dtype, [&](auto zero) {
    using T = decltype(zero);
    dispatchSamplingModes(static_cast<Interpolation>(a.mode), static_cast<Padding>(a.padding),
                          a.alignCorners, [&](auto m, auto p, auto al) {
                            gridSampleKernel<T, decltype(m)::value, decltype(p)::value,
                                             decltype(al)::value>
                                <<<blocksFor(work), kThreads, 0, (cudaStream_t)stream>>>(
                                    static_cast<const T*>(a.input), static_cast<const T*>(a.grid),
                                    static_cast<T*>(a.output), a);
                          });
  });
}

const char* launchRoiAlign(const RoiAlignArgs& a, void* stream) {
  const int64_t work = a.rois_count * a.channels * a.pooledHeight * a.pooledWidth;
  if (work == 0) return nullptr;
  return withScalar(a.dtype, [&](auto zero) {
    using T = decltype(zero);
    roiAlignKernel<T><<<blocksFor(work), kThreads, 0, (cudaStream_t)stream>>>(
        static_cast<const T*>(a.input), static_cast<const T*>(a.rois), static_cast<T*>(a.output),
        a);
  });
}

const char* launchSamplePointsSeq(const SamplePointsSeqArgs& a, void* stream) {
  const int64_t work = a.numPoints * a.batch * a.channels;
  if (work == 0) return nullptr;
  return withScalar(a.dtype, [&](auto zero) {
    using T = decltype(zero);
    samplePointsSeqKernel<T><<<blocksFor(work), kThreads, 0, (cudaStream_t)stream>>>(
        static_cast<const T*>(a.feats), static_cast<const T*>(a.points),
        static_cast<T*>(a.output), a);
  });
}

int deviceCount() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return count;
}

int computeCapabilityMajor(int device) {
  int major = -1;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess) {
    cudaGetLastError();
    return -1;
  }
  return major;
}

}  // namespace sam3::ops::cuda
