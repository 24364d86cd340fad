#include "engine/sam3/NnOps.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/sam3/MatrixProduct.h"

namespace sam3::model {

namespace {

// A fresh [rows, out] buffer holding the bias (or zeros) that a product may accumulate into.
at::Tensor seededWithBias(const at::Tensor& x, int64_t out, const at::Tensor& bias) {
  const int64_t in = x.size(-1);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  // A clone: expand().contiguous() of a single row would alias the bias itself.
  return bias.defined() ? bias.to(at::kFloat).expand({rows, out}).clone(at::MemoryFormat::Contiguous)
                        : at::zeros({rows, out}, x.options().dtype(at::kFloat));
}

}  // namespace

at::Tensor productOnto(const at::Tensor& x, const at::Tensor& right, at::Tensor base) {
  const int64_t in = x.size(-1), out = right.size(1);
  TORCH_CHECK(right.dim() == 2 && right.size(0) == in, "productOnto: the right factor must be [", in, ", out], got ", right.sizes());
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  std::vector<int64_t> outSizes = x.sizes().vec();
  outSizes.back() = out;
  if (!x.is_cpu()) {  // the raw-pointer products are CPU-only; other devices take ATen's path
    return at::addmm(base.reshape({rows, out}), x.reshape({rows, in}), right).view(outSizes);
  }
  at::Tensor result = base.to(at::kFloat).reshape({rows, out}).contiguous();
  if (rows == 0 || in == 0) return result.view(outSizes);
  const at::Tensor x2d = x.to(at::kFloat).reshape({rows, in}).contiguous();
  // Row-major [in, out] as it is; a transposed [out, in] weight through the product's transpose.
  const bool transposed = right.stride(0) == 1 && right.stride(1) >= std::max<int64_t>(in, 1);
  const at::Tensor r = right.to(at::kFloat);
  const at::Tensor factor = transposed || (r.stride(1) == 1 && r.stride(0) >= out) ? r : r.contiguous();
  matrixProduct(rows, out, in, 1.0f, x2d.data_ptr<float>(), in, factor.data_ptr<float>(), transposed ? factor.stride(1) : factor.stride(0),
                transposed, 1.0f, result.data_ptr<float>(), out);
  return result.view(outSizes);
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return productOnto(x, weight.t(), seededWithBias(x, weight.size(0), bias));
}

Linear transposedLinear(const at::Tensor& weight, const at::Tensor& bias) {
  const at::Tensor w = weight.to(at::kFloat).contiguous();
  return {w.t().contiguous(), bias.defined() ? bias.to(at::kFloat).contiguous() : bias, w};
}

LinearLayers transposedLinears(const std::map<std::string, at::Tensor>& weights) {
  static const std::string kWeight = ".weight";
  LinearLayers layers;
  for (const auto& [key, weight] : weights) {
    if (weight.dim() != 2 || key.size() <= kWeight.size() || key.compare(key.size() - kWeight.size(), kWeight.size(), kWeight) != 0) {
      continue;
    }
    const std::string name = key.substr(0, key.size() - kWeight.size());
    const auto bias = weights.find(name + ".bias");
    if (bias != weights.end()) layers[name] = transposedLinear(weight, bias->second);
  }
  return layers;
}

at::Tensor linear(const at::Tensor& x, const Linear& layer) {
  const int64_t in = x.size(-1), rows = in == 0 ? 0 : x.numel() / in;
  return productOnto(x, rows <= 2 ? layer.weight.t() : layer.weightT, seededWithBias(x, layer.weightT.size(1), layer.bias));
}

at::Tensor layerNorm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  if (x.is_meta()) {  // LibTorch 1.13's fused layer_norm has no meta kernel in C++: spelled out
    const at::Tensor mean = x.mean(-1, true), var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / at::sqrt(var + eps) * weight + bias;
  }
  return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

at::Tensor layerNorm2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  const at::Tensor mean = x.mean(1, true);
  const at::Tensor var = (x - mean).pow(2).mean(1, true);
  const at::Tensor normed = (x - mean) / at::sqrt(var + eps);
  return weight.view({1, -1, 1, 1}) * normed + bias.view({1, -1, 1, 1});
}

at::Tensor relu(const at::Tensor& x) { return at::clamp_min(x, 0.0); }

at::Tensor embeddingRows(const at::Tensor& table, const at::Tensor& indices) {
  // One-hot rows times the table: exact (1 * w + 0 * w' == w) and on every backend.
  const at::Tensor oneHot = (indices.unsqueeze(-1) == at::arange(table.size(0), indices.options().dtype(at::kLong))).to(table.scalar_type());
  return at::matmul(oneHot, table);
}

at::Tensor splitHeads(const at::Tensor& x, int64_t heads) {
  const int64_t length = x.size(0), batch = x.size(1), channels = x.size(2);
  return x.contiguous().view({length, batch * heads, channels / heads}).transpose(0, 1);
}

at::Tensor mergeHeads(const at::Tensor& x, int64_t batch) {
  const int64_t length = x.size(1);
  return x.transpose(0, 1).contiguous().view({length, batch, -1});
}

at::Tensor batchedAttention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                            const at::Tensor& keyPaddingMask) {
  const int64_t groups = q.size(0), queries = q.size(1), keys = keysT.size(2);
  at::Tensor scores = at::bmm(q.to(at::kFloat) * (1.0 / std::sqrt(static_cast<double>(q.size(-1)))), keysT.to(at::kFloat));
  if (keyPaddingMask.defined() && keyPaddingMask.numel() > 0) {
    scores = scores.view({batch, groups / batch, queries, keys})
                 .masked_fill(keyPaddingMask.view({batch, 1, 1, keys}), -std::numeric_limits<float>::infinity())
                 .view({groups, queries, keys});
  }
  return at::bmm(at::softmax(scores, -1), values.to(at::kFloat));
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& keysT, const at::Tensor& values, int64_t batch,
                     const at::Tensor& keyPaddingMask) {
  const int64_t groups = q.size(0), queries = q.size(1), keys = keysT.size(2);
  const int64_t heads = groups / batch;
  const bool masked = keyPaddingMask.defined() && keyPaddingMask.numel() > 0;
  if (!q.is_cpu()) return batchedAttention(q, keysT, values, batch, keyPaddingMask);
  const at::Tensor scaled = (q.to(at::kFloat) * (1.0 / std::sqrt(static_cast<double>(q.size(-1))))).contiguous();
  const at::Tensor kT = keysT.to(at::kFloat).contiguous();
  const at::Tensor v = values.to(at::kFloat).contiguous();
  const int64_t depth = scaled.size(2), valueDepth = v.size(2);
  at::Tensor out = at::empty({groups, queries, valueDepth}, q.options().dtype(at::kFloat));
  const bool inference = c10::InferenceMode::is_enabled();  // thread-local: carry it to workers
  at::parallel_for(0, groups, 1, [&](int64_t begin, int64_t end) {
    const c10::InferenceMode guard(inference);
    at::Tensor scores = at::empty({queries, keys}, at::kFloat), weights = at::empty_like(scores);
    for (int64_t g = begin; g < end; ++g) {
      matrixProduct(queries, keys, depth, 1.0f, scaled.data_ptr<float>() + g * queries * depth, depth,
                    kT.data_ptr<float>() + g * depth * keys, keys, false, 0.0f, scores.data_ptr<float>(), keys);
      if (masked) {
        scores.masked_fill_(keyPaddingMask[g / heads].view({1, keys}), -std::numeric_limits<float>::infinity());
      }
      at::_softmax_out(weights, scores, 1, false);
      matrixProduct(queries, valueDepth, keys, 1.0f, weights.data_ptr<float>(), keys, v.data_ptr<float>() + g * keys * valueDepth,
                    valueDepth, false, 0.0f, out.data_ptr<float>() + g * queries * valueDepth, valueDepth);
    }
  });
  return out;
}

void attentionHeads(const HeadMatrix& q, const HeadMatrix& k, const HeadMatrix& v, int64_t heads, int64_t depth,
                    const HeadMatrix& out) {
  const float scale = float(1.0 / std::sqrt(double(depth)));
  const bool inference = c10::InferenceMode::is_enabled();
  // Many queries over a few keys (image tokens attending to prompt tokens): scores are kept
  // keys-major so the softmax runs down columns, which ATen vectorizes, not over tiny rows.
  const bool fewKeys = k.rows * 4 <= q.rows;
  at::parallel_for(0, heads, 1, [&](int64_t begin, int64_t end) {
    const c10::InferenceMode guard(inference);
    at::Tensor scores = fewKeys ? at::empty({k.rows, q.rows}, at::kFloat) : at::empty({q.rows, k.rows}, at::kFloat);
    at::Tensor weights = at::empty_like(scores);
    for (int64_t h = begin; h < end; ++h) {
      if (fewKeys) {
        matrixProduct(k.rows, q.rows, depth, scale, k.data + h * depth, k.stride, q.data + h * depth, q.stride,
                      /*transposeB=*/true, 0.0f, scores.data_ptr<float>(), q.rows);
        at::_softmax_out(weights, scores, 0, false);
        matrixProductTransposedA(q.rows, depth, k.rows, 1.0f, weights.data_ptr<float>(), q.rows, v.data + h * depth, v.stride, 0.0f,
                                 out.data + h * depth, out.stride);
        continue;
      }
      matrixProduct(q.rows, k.rows, depth, scale, q.data + h * depth, q.stride, k.data + h * depth, k.stride,
                    /*transposeB=*/true, 0.0f, scores.data_ptr<float>(), k.rows);
      at::_softmax_out(weights, scores, 1, false);
      matrixProduct(q.rows, depth, k.rows, 1.0f, weights.data_ptr<float>(), k.rows, v.data + h * depth, v.stride, false, 0.0f,
                    out.data + h * depth, out.stride);
    }
  });
}

HeadMatrix headMatrix(const at::Tensor& t, int64_t columnOffset) {
  TORCH_CHECK(t.is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 2 && t.stride(1) == 1,
              "headMatrix: a row-major float CPU matrix is needed");
  return {t.data_ptr<float>() + columnOffset, t.size(0), t.stride(0)};
}

}  // namespace sam3::model
