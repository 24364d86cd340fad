// The mask decoder's fast paths against a plain port of the original two-way transformer
// (SAM's TwoWayTransformer + MaskDecoder with high-resolution features, written with ATen ops in
// the original's order). The golden PVS cases hold fewer than 16 tokens and one image; this suite
// also covers the token counts on both sides of every switch in decode() (carried and folded
// attentions below 16 tokens, projected ones from 16), mask prompts and a batch of objects.

#include <QtTest>
#include <cmath>

#include "engine/sam3/InteractiveHeads.h"

using namespace sam3;

namespace {

const std::string kDec = "tracker.sam_mask_decoder.";

model::StateDict randomWeights(const model::InteractiveHeadsConfig& config) {
  at::manual_seed(11);
  model::StateDict w;
  for (const auto& [name, shape] : config.expectedWeights()) {
    const bool norm = name.find("norm") != std::string::npos || name.find("output_upscaling.1") != std::string::npos ||
                      name.find("mask_downscaling.1") != std::string::npos || name.find("mask_downscaling.4") != std::string::npos;
    w[name] = norm ? at::ones(shape) + 0.1 * at::randn(shape)
                   : at::randn(shape) * (1.0 / std::sqrt(double(shape.size() > 1 ? shape[1] : shape[0])));
  }
  return w;
}

// The original's modules, plainly.
struct PlainDecoder {
  const model::StateDict& w;
  int64_t heads = 8;

  at::Tensor lin(const std::string& p, const at::Tensor& x) const { return at::linear(x, w.at(p + ".weight"), w.at(p + ".bias")); }
  at::Tensor norm(const std::string& p, const at::Tensor& x, double eps = 1e-5) const {
    return at::layer_norm(x, {x.size(-1)}, w.at(p + ".weight"), w.at(p + ".bias"), eps);
  }
  at::Tensor attention(const std::string& p, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const {
    auto split = [&](const at::Tensor& x) { return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2); };
    const at::Tensor qh = split(lin(p + ".q_proj", q)), kh = split(lin(p + ".k_proj", k)), vh = split(lin(p + ".v_proj", v));
    const at::Tensor attn = at::softmax(at::matmul(qh, kh.transpose(2, 3)) / std::sqrt(double(qh.size(3))), -1);
    const at::Tensor out = at::matmul(attn, vh).transpose(1, 2).reshape({q.size(0), q.size(1), -1});
    return lin(p + ".out_proj", out);
  }
  at::Tensor mlp3(const std::string& p, const at::Tensor& x) const {
    return lin(p + ".layers.2", at::relu(lin(p + ".layers.1", at::relu(lin(p + ".layers.0", x)))));
  }
  at::Tensor layerNorm2d(const std::string& p, const at::Tensor& x) const {
    const at::Tensor mean = x.mean(1, true), var = (x - mean).pow(2).mean(1, true);
    return w.at(p + ".weight").view({1, -1, 1, 1}) * ((x - mean) / at::sqrt(var + 1e-6)) + w.at(p + ".bias").view({1, -1, 1, 1});
  }

  // Returns all four mask logits [B,4,288,288], IoU [B,4] and the object score logits [B,1].
  std::tuple<at::Tensor, at::Tensor, at::Tensor> run(const at::Tensor& embeddings, const at::Tensor& dense, const at::Tensor& imagePe,
                                                      const at::Tensor& sparse, const at::Tensor& featS0, const at::Tensor& featS1) const {
    const int64_t b = sparse.size(0), c = embeddings.size(1), g = embeddings.size(2);
    const at::Tensor output = at::cat({w.at(kDec + "obj_score_token.weight"), w.at(kDec + "iou_token.weight"),
                                       w.at(kDec + "mask_tokens.weight")}, 0);
    const at::Tensor tokens = at::cat({output.unsqueeze(0).expand({b, -1, -1}), sparse}, 1);
    const at::Tensor src = embeddings.expand({b, -1, -1, -1}) + dense;
    at::Tensor keys = src.flatten(2).transpose(1, 2);
    const at::Tensor keyPe = imagePe.flatten(2).transpose(1, 2).expand({b, -1, -1});
    at::Tensor queries = tokens;
    const std::string t = kDec + "transformer.";
    for (int i = 0; i < 2; ++i) {
      const std::string l = t + "layers." + std::to_string(i) + ".";
      if (i == 0) {
        queries = attention(l + "self_attn", queries, queries, queries);
      } else {
        const at::Tensor q = queries + tokens;
        queries = queries + attention(l + "self_attn", q, q, queries);
      }
      queries = norm(l + "norm1", queries);
      queries = norm(l + "norm2", queries + attention(l + "cross_attn_token_to_image", queries + tokens, keys + keyPe, keys));
      queries = norm(l + "norm3", queries + lin(l + "mlp.lin2", at::relu(lin(l + "mlp.lin1", queries))));
      keys = norm(l + "norm4", keys + attention(l + "cross_attn_image_to_token", keys + keyPe, queries + tokens, queries));
    }
    queries = norm(t + "norm_final_attn", queries + attention(t + "final_attn_token_to_image", queries + tokens, keys + keyPe, keys));

    const std::string up = kDec + "output_upscaling.";
    const at::Tensor map = keys.transpose(1, 2).reshape({b, c, g, g});
    at::Tensor upscaled = at::conv_transpose2d(map, w.at(up + "0.weight"), w.at(up + "0.bias"), 2) + featS1;
    upscaled = at::gelu(layerNorm2d(up + "1", upscaled));
    upscaled = at::gelu(at::conv_transpose2d(upscaled, w.at(up + "3.weight"), w.at(up + "3.bias"), 2) + featS0);
    std::vector<at::Tensor> hyper;
    for (int i = 0; i < 4; ++i) hyper.push_back(mlp3(kDec + "output_hypernetworks_mlps." + std::to_string(i), queries.select(1, 2 + i)));
    const at::Tensor masks = at::matmul(at::stack(hyper, 1), upscaled.flatten(2)).view({b, 4, 4 * g, 4 * g});
    const at::Tensor iou = at::sigmoid(mlp3(kDec + "iou_prediction_head", queries.select(1, 1)));
    return {masks, iou, mlp3(kDec + "pred_obj_score_head", queries.select(1, 0))};
  }
};

double relativeError(const at::Tensor& actual, const at::Tensor& expected) {
  return (actual - expected).abs().max().item<double>() / std::max(1.0, expected.abs().max().item<double>());
}

}  // namespace

class TestMaskDecoderPaths : public QObject {
  Q_OBJECT

  model::InteractiveHeadsConfig m_config;
  model::StateDict m_weights;
  std::unique_ptr<model::InteractiveHeads> m_heads;
  at::Tensor m_embeddings, m_featS0, m_featS1;
  model::InteractiveImage m_image;

  // Random clicks (and optionally a box) in the 1008 frame for `batch` objects.
  at::Tensor sparseFor(int64_t batch, int64_t clicks) const {
    const at::Tensor coords = at::rand({batch, clicks, 2}) * 1008.0;
    const at::Tensor labels = at::randint(0, 4, {batch, clicks}, at::kLong);
    return m_heads->embedPoints(coords, labels, /*pad=*/true);
  }

  void compare(const at::Tensor& sparse, const at::Tensor& maskPrompt, bool repeatImage) {
    const int64_t b = sparse.size(0);
    at::Tensor dense, hidden;
    if (maskPrompt.defined()) {
      hidden = m_heads->embedMaskHidden(maskPrompt);
      dense = m_heads->denseFromMaskHidden(hidden);
    }
    const model::DecoderOutput ours = m_heads->decode(m_image, sparse, dense, /*multimaskOutput=*/true, repeatImage, hidden);
    const PlainDecoder plain{m_weights};
    const at::Tensor plainDense = dense.defined() ? dense : m_heads->noMaskDense().expand({b, -1, -1, -1});
    const auto [masks, iou, objectScore] =
        plain.run(m_embeddings, plainDense, m_heads->denseImagePe(), sparse, m_featS0, m_featS1);
    QCOMPARE(ours.allMaskLogits.sizes().vec(), masks.sizes().vec());
    // float32 products in another order: errors below 1e-6 relative (measured); a wrong head, PE or
    // bias shows up at 1e-2 or more.
    QVERIFY2(relativeError(ours.allMaskLogits, masks) < 2e-5, qPrintable(QString::number(relativeError(ours.allMaskLogits, masks))));
    QVERIFY2(relativeError(ours.allIou, iou) < 2e-5, qPrintable(QString::number(relativeError(ours.allIou, iou))));
    QVERIFY2(relativeError(ours.objectScoreLogits, objectScore) < 2e-5,
             qPrintable(QString::number(relativeError(ours.objectScoreLogits, objectScore))));
  }

 private Q_SLOTS:
  void initTestCase() {
    m_weights = randomWeights(m_config);
    m_heads = std::make_unique<model::InteractiveHeads>(m_config, m_weights);
    at::manual_seed(12);
    m_embeddings = m_heads->addNoMemoryEmbedding(at::randn({1, 256, 72, 72}));
    m_featS0 = at::randn({1, 32, 288, 288});
    m_featS1 = at::randn({1, 64, 144, 144});
    m_image = m_heads->prepareImageFromDecoderInputs(m_embeddings, m_featS0, m_featS1);
  }

  // Tokens = 6 output tokens + clicks + the padding point; 16 tokens is where the carried and
  // folded attentions give way to projected ones.
  void tokenCountsAroundTheSwitch_data() {
    QTest::addColumn<int>("clicks");
    for (int clicks : {1, 8, 9, 20}) QTest::newRow(qPrintable(QString("%1 click(s)").arg(clicks))) << clicks;
  }
  void tokenCountsAroundTheSwitch() {
    QFETCH(int, clicks);
    at::manual_seed(20 + clicks);
    compare(sparseFor(1, clicks), {}, false);
  }

  void maskPromptAroundTheSwitch_data() { tokenCountsAroundTheSwitch_data(); }
  void maskPromptAroundTheSwitch() {
    QFETCH(int, clicks);
    at::manual_seed(40 + clicks);
    compare(sparseFor(1, clicks), at::randn({1, 1, 288, 288}) * 4.0, false);
  }

  void batchOfObjects() {
    at::manual_seed(60);
    compare(sparseFor(3, 2), {}, false);  // three boxes' corners on one image: the cached image side is shared
    compare(sparseFor(2, 12), at::randn({2, 1, 288, 288}) * 4.0, /*repeatImage=*/true);
  }
};

QTEST_GUILESS_MAIN(TestMaskDecoderPaths)
#include "tst_mask_decoder_paths.moc"
