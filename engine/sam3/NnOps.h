#pragma once
// Small inference building blocks shared by the native SAM3 modules (PyTorch semantics).
// Products go through matrixProduct (oneDNN or ATen's BLAS); attention runs one task per head.

#include <ATen/ATen.h>

#include <map>
#include <string>

namespace sam3::model {

// x @ right + base over the last dimension, right [in, out] in either memory order (a
// transposed view of a [out, in] weight works); base [..., out] (e.g. residual + bias, or a
// cached constant) receives the product in its storage (copied first only when it is not
// contiguous float).
at::Tensor productOnto(const at::Tensor& x, const at::Tensor& right, at::Tensor base);
// x @ weight^T + bias (bias may be undefined), weight [out, in].
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// A linear layer kept in the products' fast layout, the weight transposed to [in, out]: oneDNN's
// sgemm runs 2-5x faster on a row-major right factor at the few-row shapes of prompt tokens
// (33 x 256 x 2048: 0.16 vs 0.79 ms) and a little faster at 5184 rows.
struct Linear {
  at::Tensor weightT;  // [in, out], contiguous
  at::Tensor bias;     // [out] or undefined
  at::Tensor weight;   // [out, in] as loaded: faster for one or two rows (a matrix-vector product)
};
Linear transposedLinear(const at::Tensor& weight, const at::Tensor& bias);
at::Tensor linear(const at::Tensor& x, const Linear& layer);
// Every linear layer of a state dict (a 2-D `<name>.weight` with a `<name>.bias`), by <name>.
using LinearLayers = std::map<std::string, Linear>;
LinearLayers transposedLinears(const std::map<std::string, at::Tensor>& weights);

at::Tensor layerNorm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps = 1e-5);
// SAM's LayerNorm2d: over the channels of [B, C, H, W], in the original's arithmetic.
at::Tensor layerNorm2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps);
// max(x, 0), as clamp_min: relu has no meta kernel, and the meta device is how the tests check
// a module's device placement.
at::Tensor relu(const at::Tensor& x);
// table[indices] (nn.Embedding) for a small table, as a one-hot product (index_select has no
// meta kernel either).
at::Tensor embeddingRows(const at::Tensor& table, const at::Tensor& indices);

// Splits sequence-first [L,B,C] into heads: [B*heads, L, C/heads] (PyTorch MHA's layout).
at::Tensor splitHeads(const at::Tensor& x, int64_t heads);
// Inverse of splitHeads: [B*heads, L, d] -> [L, B, heads*d].
at::Tensor mergeHeads(const at::Tensor& x, int64_t batch);

// Scaled dot-product attention on split heads: softmax(q k^T / sqrt(d) [+ mask]) v, one task per
// head on the CPU (batched ATen products elsewhere). `keysT` is [B*heads, d, Lk] (keys already
// transposed), `values` [B*heads, Lk, d], `keyPaddingMask` [B, Lk] (true = ignore) may be undefined.
at::Tensor attention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                     const at::Tensor& keyPaddingMask);
// The same with ATen's batched products, on any device (what attention() runs off the CPU).
at::Tensor batchedAttention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                            const at::Tensor& keyPaddingMask);

// A row-major float matrix whose heads are column blocks (e.g. a slice of one fused projection):
// head h of row r starts at data + r * stride + h * depth.
struct HeadMatrix {
  float* data;
  int64_t rows;
  int64_t stride;
};
HeadMatrix headMatrix(const at::Tensor& matrix2d, int64_t columnOffset = 0);

// Multi-head softmax(q k^T / sqrt(depth)) v straight on such matrices, no head split copies;
// writes every head of `out` (q.rows rows). k and v have the same number of rows.
void attentionHeads(const HeadMatrix& q, const HeadMatrix& k, const HeadMatrix& v, int64_t heads, int64_t depth,
                    const HeadMatrix& out);

}  // namespace sam3::model
