#pragma once
// Small inference building blocks shared by the native SAM3 modules (PyTorch semantics).
// Matrix products parallelize across LibTorch's intra-op threads themselves (row blocks, or
// attention heads) on top of a single-threaded BLAS, see useSingleThreadedBlas().

#include <ATen/ATen.h>

namespace sam3::model {

// x @ weight^T + bias over the last dimension (bias may be undefined).
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

at::Tensor layerNorm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps = 1e-5);

// Splits sequence-first [L,B,C] into heads: [B*heads, L, C/heads] (PyTorch MHA's layout).
at::Tensor splitHeads(const at::Tensor& x, int64_t heads);
// Inverse of splitHeads: [B*heads, L, d] -> [L, B, heads*d].
at::Tensor mergeHeads(const at::Tensor& x, int64_t batch);

// Scaled dot-product attention on split heads: softmax(q k^T / sqrt(d) [+ mask]) v, one task per
// head. `keysT` is [B*heads, d, Lk] (keys already transposed), `values` [B*heads, Lk, d],
// `keyPaddingMask` [B, Lk] (true = ignore) may be undefined.
at::Tensor attention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                     const at::Tensor& keyPaddingMask);

}  // namespace sam3::model
