#include "engine/sam3/NnOps.h"

#include <cmath>
#include <limits>

namespace sam3::model {

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return bias.defined() ? at::linear(x, weight, bias) : at::linear(x, weight);
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

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t batch,
                     const at::Tensor& keyPaddingMask) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = at::bmm(q * scale, k.transpose(1, 2));  // [B*h, Lq, Lk]
  if (keyPaddingMask.defined() && keyPaddingMask.numel() > 0) {
    const int64_t heads = q.size(0) / batch;
    scores = scores.view({batch, heads, q.size(1), k.size(1)})
                 .masked_fill(keyPaddingMask.view({batch, 1, 1, k.size(1)}),
                              -std::numeric_limits<float>::infinity())
                 .view({batch * heads, q.size(1), k.size(1)});
  }
  return at::bmm(at::softmax(scores, -1), v);
}

}  // namespace sam3::model
