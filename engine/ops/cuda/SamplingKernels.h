#pragma once
// Launchers of the CUDA sampling kernels. Plain C++ with raw pointers, so that nvcc never sees
// LibTorch or Qt, and host code (the torch op, the standalone GPU check) needs no CUDA headers.
// Every launcher returns nullptr on success or CUDA's error string.

#include <cstdint>

namespace sam3::ops::cuda {

enum class ScalarKind { Float32, Float64, Float16, BFloat16 };

struct GridSampleArgs {
  const void* input;  // [N,C,H,W] contiguous
  const void* grid;   // [N,Ho,Wo,2] contiguous
  void* output;       // [N,C,Ho,Wo]
  int64_t batch, channels, height, width, outHeight, outWidth;
  int64_t mode, padding;
  bool alignCorners;
  ScalarKind dtype;
};

struct RoiAlignArgs {
  const void* input;  // [N,C,H,W] contiguous
  const void* rois;   // [K,5] contiguous
  void* output;       // [K,C,pooledH,pooledW]
  int64_t batch, channels, height, width, rois_count, pooledHeight, pooledWidth;
  double spatialScale;
  int64_t samplingRatio;
  bool aligned;
  ScalarKind dtype;
};

struct SamplePointsSeqArgs {
  const void* feats;   // [H*W,B,C] contiguous
  const void* points;  // [N,B,2] contiguous
  void* output;        // [N,B,C]
  int64_t numPoints, batch, channels, height, width;
  ScalarKind dtype;
};

// `stream` is a cudaStream_t (nullptr = legacy default stream).
const char* launchGridSample(const GridSampleArgs& args, void* stream);
const char* launchRoiAlign(const RoiAlignArgs& args, void* stream);
const char* launchSamplePointsSeq(const SamplePointsSeqArgs& args, void* stream);

// Number of usable CUDA devices; a missing driver or any runtime error counts as zero.
int deviceCount();
// The device's compute capability major version (8 = Ampere: bf16 tensor cores), -1 on error.
int computeCapabilityMajor(int device);

}  // namespace sam3::ops::cuda
