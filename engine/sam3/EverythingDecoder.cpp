#include "engine/sam3/EverythingDecoder.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/MaskPostprocess.h"

namespace sam3::model {

namespace {

// The batch's clicks in the model frame, through the one-click path's own conversion so that
// every proposal sees the coordinates a single click there would: coords [B, 1, 2], labels [B, 1].
std::pair<at::Tensor, at::Tensor> batchPoints(const std::vector<std::array<double, 2>>& points, size_t begin, size_t end,
                                              int64_t height, int64_t width, int64_t modelSize) {
  std::vector<at::Tensor> coords, labels;
  for (size_t i = begin; i < end; ++i) {
    prompt::InteractivePrompt click;
    click.clicks.push_back({points[i][0], points[i][1], true});
    const ModelPoints p = toModelPoints(click, height, width, modelSize);
    coords.push_back(p.coords);
    labels.push_back(p.labels);
  }
  return {at::cat(coords, 0), at::cat(labels, 0)};
}

DecoderOutput decodeBatch(const DecoderPlace& place, const at::Tensor& sparse) {
  if (place.deviceDecoder && place.deviceImage) {  // on the GPU
    const DecoderOutput d = place.deviceDecoder->decode(*place.deviceImage, sparse, {}, /*multimaskOutput=*/true);
    DecoderOutput out;
    out.lowResMasks = d.lowResMasks.to(at::kCPU);
    out.iouPredictions = d.iouPredictions.to(at::kCPU);
    return out;
  }
  return place.heads.decode(place.image, sparse, {}, /*multimaskOutput=*/true, /*repeatImage=*/false);
}

}  // namespace

GridProposals decodeGrid(const DecoderPlace& place, const std::vector<std::array<double, 2>>& points, int64_t height,
                         int64_t width, const segment::EverythingOptions& options, const GridProgress& keepGoing) {
  c10::InferenceMode guard;
  const int64_t modelSize = place.heads.config().inputImageSize;
  const bool onDevice = place.deviceDecoder && place.deviceImage;
  const size_t batch = size_t(options.pointsPerBatch > 0 ? options.pointsPerBatch : onDevice ? 64 : 8);
  GridProposals out;
  std::vector<at::Tensor> kept;
  for (size_t begin = 0; begin < points.size(); begin += batch) {
    if (keepGoing && !keepGoing(int(begin), int(points.size()))) break;
    const size_t end = std::min(points.size(), begin + batch);
    const auto [coords, labels] = batchPoints(points, begin, end, height, width, modelSize);
    const DecoderOutput d = decodeBatch(place, place.heads.embedPoints(coords, labels, /*pad=*/true));
    // Predicted IoU first (a comparison per mask), so that only those masks pay for hole filling.
    const at::Tensor iou = d.iouPredictions.contiguous();  // [B, 3]
    const float* iouData = iou.data_ptr<float>();
    const int64_t perPoint = iou.size(1);
    std::vector<int64_t> passing;
    for (int64_t i = 0; i < iou.numel(); ++i) {
      if (iouData[i] > options.minPredictedIou) passing.push_back(i);
    }
    out.decodedPoints = int(end);
    if (passing.empty()) continue;
    const at::Tensor flat = d.lowResMasks.flatten(0, 1);  // [B*3, 288, 288]
    const at::Tensor filled = fillHoles(flat.index_select(0, at::tensor(passing, at::kLong)).unsqueeze(0))[0];
    const int64_t planeSize = filled.size(1) * filled.size(2);
    for (size_t j = 0; j < passing.size(); ++j) {
      const float* plane = filled.data_ptr<float>() + int64_t(j) * planeSize;
      const double stability = segment::stabilityScore(plane, size_t(planeSize), 0.0, options.stabilityOffset);
      if (stability < options.minStability) continue;
      kept.push_back(filled[int64_t(j)]);
      out.predictedIou.push_back(iouData[passing[j]]);
      out.stability.push_back(stability);
      out.point.push_back(int(begin) + int(passing[j] / perPoint));
    }
  }
  out.logits = kept.empty() ? at::empty({0, 0, 0}) : at::stack(kept, 0);
  return out;
}

namespace {

mask::BinaryMask binaryOf(const at::Tensor& boolPlane) {
  const at::Tensor plane = boolPlane.contiguous();
  const auto* data = reinterpret_cast<const uint8_t*>(plane.data_ptr<bool>());
  return mask::BinaryMask(int(plane.size(0)), int(plane.size(1)), std::vector<uint8_t>(data, data + plane.numel()));
}

}  // namespace

std::vector<segment::Instance> selectInstances(const GridProposals& proposals, int64_t height, int64_t width,
                                               const segment::EverythingOptions& options) {
  c10::InferenceMode guard;
  std::vector<segment::Instance> instances;
  const int64_t count = int64_t(proposals.predictedIou.size());
  if (count == 0) return instances;
  // NMS at the decoder's resolution: 288x288 bits per mask, whatever the image size.
  std::vector<segment::PackedMask> packed;
  packed.reserve(size_t(count));
  const at::Tensor lowRes = proposals.logits > 0;
  for (int64_t i = 0; i < count; ++i) packed.emplace_back(binaryOf(lowRes[i]));
  // Exclusive claims drop some survivors later, so NMS may hand over more than will be kept.
  const size_t nmsCap = size_t(options.maxInstances) * (options.exclusive ? 2 : 1);
  const std::vector<size_t> order = segment::suppressOverlapping(packed, proposals.predictedIou, options.nmsIou, nmsCap);
  std::optional<segment::ExclusiveClaims> claims;
  if (options.exclusive) claims.emplace(int(height), int(width), options.minKeptFraction, options.minArea);
  // Upsampled a few at a time: at 12 MP each mask is 12 MB.
  constexpr size_t kChunk = 8;
  for (size_t begin = 0; begin < order.size() && int(instances.size()) < options.maxInstances; begin += kChunk) {
    const size_t end = std::min(order.size(), begin + kChunk);
    const at::Tensor index = at::tensor(std::vector<int64_t>(order.begin() + long(begin), order.begin() + long(end)), at::kLong);
    const at::Tensor masks = upsampleToMask(proposals.logits.index_select(0, index).unsqueeze(0), height, width)[0];
    for (size_t k = begin; k < end && int(instances.size()) < options.maxInstances; ++k) {
      mask::BinaryMask m = binaryOf(masks[int64_t(k - begin)]);
      if (claims ? !claims->claim(m) : m.area() < options.minArea) continue;
      instances.push_back({std::move(m), {}, proposals.predictedIou[order[k]]});
      instances.back().box = segment::maskBox(instances.back().mask);
    }
  }
  return instances;
}

}  // namespace sam3::model
