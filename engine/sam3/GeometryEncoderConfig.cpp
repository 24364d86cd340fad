#include "engine/sam3/GeometryEncoderConfig.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sam3::model {
namespace {

const nlohmann::json& findObject(const nlohmann::json& args, const std::string& prefix) {
  for (const auto& [key, value] : args.items()) {
    if (key.rfind(prefix, 0) == 0 && value.is_object()) return value;
  }
  throw std::invalid_argument("geometry encoder config: no '" + prefix + "' section");
}

void requireValue(const nlohmann::json& section, const char* key, const nlohmann::json& supported) {
  const auto it = section.find(key);
  if (it != section.end() && !it->is_null() && *it != supported) {
    throw std::invalid_argument(std::string("geometry encoder config: ") + key + " = " + it->dump() +
                                " is not supported (only " + supported.dump() + ")");
  }
}

}  // namespace

GeometryEncoderConfig GeometryEncoderConfig::fromConstructorArgs(const nlohmann::json& args) {
  GeometryEncoderConfig c;
  const nlohmann::json& enc = findObject(args, "SequenceGeometryEncoder");
  const nlohmann::json& layer = findObject(args, "TransformerEncoderLayer");
  const nlohmann::json& pos = findObject(args, "PositionEmbeddingSine");
  const nlohmann::json& selfAttention = findObject(args, "self_attention");
  c.dModel = enc.at("d_model");
  c.numLayers = enc.at("num_layers");
  c.roiSize = enc.value("roi_size", int64_t(7));
  c.pointsDirectProject = enc.at("points_direct_project");
  c.pointsPool = enc.at("points_pool");
  c.pointsPosEnc = enc.at("points_pos_enc");
  c.boxesDirectProject = enc.at("boxes_direct_project");
  c.boxesPool = enc.at("boxes_pool");
  c.boxesPosEnc = enc.at("boxes_pos_enc");
  c.addCls = enc.value("add_cls", true);
  c.addPostEncodeProj = enc.value("add_post_encode_proj", true);
  requireValue(enc, "encode_boxes_as_points", false);
  requireValue(enc, "mask_encoder", nullptr);
  requireValue(enc, "add_mask_label", false);
  c.dimFeedforward = layer.at("dim_feedforward");
  requireValue(layer, "activation", "relu");
  requireValue(layer, "pre_norm", true);
  requireValue(layer, "pos_enc_at_attn", false);
  requireValue(layer, "pos_enc_at_cross_attn_queries", false);
  requireValue(layer, "pos_enc_at_cross_attn_keys", true);
  c.numHeads = selfAttention.at("num_heads");
  c.posNumFeats = pos.at("num_pos_feats");
  c.posTemperature = pos.value("temperature", 10000.0);
  requireValue(pos, "normalize", true);
  if (args.contains("LayerNorm_eps(all)")) c.layerNormEps = args.at("LayerNorm_eps(all)");
  c.validate();
  return c;
}

void GeometryEncoderConfig::validate() const {
  auto fail = [](const std::string& what) { throw std::invalid_argument("geometry encoder config: " + what); };
  if (dModel <= 0 || numHeads <= 0 || dModel % numHeads != 0) fail("d_model must be a positive multiple of num_heads");
  if (posNumFeats != dModel) fail("num_pos_feats must equal d_model");
  if (numLayers < 0 || roiSize <= 0 || dimFeedforward <= 0) fail("num_layers, roi_size and dim_feedforward must be positive");
  if (!(pointsDirectProject || pointsPool || pointsPosEnc)) fail("at least one point encoding must be enabled");
  if (!(boxesDirectProject || boxesPool || boxesPosEnc)) fail("at least one box encoding must be enabled");
  if (numLayers > 0 && !addCls) fail("transformer layers need add_cls");
}

ShapeSpec GeometryEncoderConfig::expectedWeights() const {
  const int64_t c = dModel;
  ShapeSpec s;
  s["label_embed.weight"] = {2, c};
  if (addCls) s["cls_embed.weight"] = {1, c};
  auto linearSpec = [&s](const std::string& name, int64_t out, int64_t in) {
    s[name + ".weight"] = {out, in};
    s[name + ".bias"] = {out};
  };
  auto normSpec = [&s, c](const std::string& name) {
    s[name + ".weight"] = {c};
    s[name + ".bias"] = {c};
  };
  if (pointsDirectProject) linearSpec("points_direct_project", c, 2);
  if (pointsPool) linearSpec("points_pool_project", c, c);
  if (pointsPosEnc) linearSpec("points_pos_enc_project", c, c);
  if (boxesDirectProject) linearSpec("boxes_direct_project", c, 4);
  if (boxesPool) {
    s["boxes_pool_project.weight"] = {c, c, roiSize, roiSize};
    s["boxes_pool_project.bias"] = {c};
  }
  if (boxesPosEnc) linearSpec("boxes_pos_enc_project", c, c + 2);
  if (addPostEncodeProj) {
    linearSpec("final_proj", c, c);
    normSpec("norm");
  }
  if (pointsPool || boxesPool) normSpec("img_pre_norm");
  for (int64_t i = 0; i < numLayers; ++i) {
    const std::string p = "encode." + std::to_string(i) + ".";
    for (const char* attn : {"self_attn", "cross_attn_image"}) {
      s[p + attn + ".in_proj_weight"] = {3 * c, c};
      s[p + attn + ".in_proj_bias"] = {3 * c};
      linearSpec(p + attn + ".out_proj", c, c);
    }
    linearSpec(p + "linear1", dimFeedforward, c);
    linearSpec(p + "linear2", c, dimFeedforward);
    for (const char* norm : {"norm1", "norm2", "norm3"}) normSpec(p + norm);
  }
  if (numLayers > 0) normSpec("encode_norm");
  return s;
}

}  // namespace sam3::model
