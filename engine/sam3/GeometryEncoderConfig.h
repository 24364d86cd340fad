#pragma once
// Constructor arguments of SAM3's SequenceGeometryEncoder (and its transformer layer). The
// defaults are the released image model's (`_create_geometry_encoder()`).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "engine/sam3/StateDict.h"

namespace sam3::model {

struct GeometryEncoderConfig {
  int64_t dModel = 256;
  int64_t numHeads = 8;
  int64_t dimFeedforward = 2048;
  int64_t numLayers = 3;
  int64_t roiSize = 7;
  int64_t posNumFeats = 256;      // PositionEmbeddingSine(num_pos_feats)
  double posTemperature = 10000.0;
  double layerNormEps = 1e-5;
  bool pointsDirectProject = true;
  bool pointsPool = true;
  bool pointsPosEnc = true;
  bool boxesDirectProject = true;
  bool boxesPool = true;
  bool boxesPosEnc = true;
  bool addCls = true;
  bool addPostEncodeProj = true;

  // Reads the golden manifest's / bundle manifest's "constructor_args" object. Throws
  // std::invalid_argument for options this implementation does not support
  // (encode_boxes_as_points, a mask encoder, non-ReLU activations, post-norm layers, ...).
  static GeometryEncoderConfig fromConstructorArgs(const nlohmann::json& args);

  // Throws std::invalid_argument for inconsistent values (heads not dividing d_model, ...).
  void validate() const;

  // Every state-dict key with its shape, as the original module would have them.
  ShapeSpec expectedWeights() const;
};

}  // namespace sam3::model
