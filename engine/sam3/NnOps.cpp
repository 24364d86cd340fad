#include "engine/sam3/NnOps.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <limits>

namespace sam3::model {
namespace {
// Below this many multiply-adds a product runs as one BLAS call on the calling thread.
constexpr int64_t kParallelMacs = 1 << 22;
}  // namespace

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t in = x.size(-1), out = weight.size(0);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  const int64_t threads = at::get_num_threads();
  if (rows * in * out < kParallelMacs || threads == 1 || at::in_parallel_region()) {
    return bias.defined() ? at::linear(x, weight, bias) : at::linear(x, weight);
  }
  std::vector<int64_t> outSizes = x.sizes().vec();
  outSizes.back() = out;
  const at::Tensor x2d = x.reshape({rows, in});
  const bool inference = c10::InferenceMode::is_enabled();  // thread-local: carry it to workers
  if (rows >= 4 * threads) {  // many rows: each thread takes a block of rows
    at::Tensor result = at::empty({rows, out}, x.options());
    const at::Tensor weightT = weight.t();
    at::parallel_for(0, rows, (rows + threads - 1) / threads, [&](int64_t begin, int64_t end) {
      const c10::InferenceMode guard(inference);
      at::Tensor target = result.slice(0, begin, end);
      if (bias.defined()) {
        at::addmm_out(target, bias, x2d.slice(0, begin, end), weightT);
      } else {
        at::mm_out(target, x2d.slice(0, begin, end), weightT);
      }
    });
    return result.view(outSizes);
  }
  // Few rows, large weight (e.g. the 7x7 box convolution): each thread takes output features.
  std::vector<at::Tensor> parts(threads);
  const int64_t chunk = (out + threads - 1) / threads;
  at::parallel_for(0, threads, 1, [&](int64_t begin, int64_t end) {
    const c10::InferenceMode guard(inference);
    for (int64_t t = begin; t < end; ++t) {
      const int64_t o0 = std::min(out, t * chunk), o1 = std::min(out, o0 + chunk);
      parts[t] = bias.defined() ? at::linear(x2d, weight.slice(0, o0, o1), bias.slice(0, o0, o1))
                                : at::linear(x2d, weight.slice(0, o0, o1));
    }
  });
  return at::cat(parts, 1).view(outSizes);
}

at::Tensor layerNorm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

at::Tensor splitHeads(const at::Tensor& x, int64_t heads) {
  const int64_t length = x.size(0), batch = x.size(1), channels = x.size(2);
  return x.contiguous().view({length, batch * heads, channels / heads}).transpose(0, 1);
}

at::Tensor mergeHeads(const at::Tensor& x, int64_t batch) {
  const int64_t length = x.size(1);
  return x.transpose(0, 1).contiguous().view({length, batch, -1});
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                     const at::Tensor& keyPaddingMask) {
  const int64_t groups = q.size(0), queries = q.size(1), keys = keysT.size(2);
  const int64_t heads = groups / batch;
  const at::Tensor scaled = (q * (1.0 / std::sqrt(static_cast<double>(q.size(-1))))).contiguous();
  const at::Tensor kT = keysT.contiguous();
  const at::Tensor v = values.contiguous();
  const bool masked = keyPaddingMask.defined() && keyPaddingMask.numel() > 0;
  at::Tensor out = at::empty({groups, queries, v.size(2)}, q.options());
  const bool inference = c10::InferenceMode::is_enabled();  // thread-local: carry it to workers
  at::parallel_for(0, groups, 1, [&](int64_t begin, int64_t end) {
    const c10::InferenceMode guard(inference);
    for (int64_t g = begin; g < end; ++g) {
      at::Tensor scores = at::mm(scaled[g], kT[g]);  // [Lq, Lk]
      if (masked) {
        scores.masked_fill_(keyPaddingMask[g / heads].view({1, keys}), -std::numeric_limits<float>::infinity());
      }
      at::Tensor target = out[g];
      at::mm_out(target, at::softmax(scores, -1), v[g]);
    }
  });
  return out;
}

}  // namespace sam3::model
