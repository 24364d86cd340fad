#include "engine/prompt/torch/GeometryPrompt.h"

#include <sstream>
#include <stdexcept>

#include "engine/prompt/torch/PaddedSequence.h"

namespace sam3::prompt {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& what, at::IntArrayRef sizes) {
  std::ostringstream s;
  s << "GeometryPrompt: `" << field << "` " << what << ", got " << sizes;
  throw std::invalid_argument(s.str());
}

void checkSeq(const at::Tensor& t, const char* field, int64_t width, int64_t batch) {
  if (t.dim() != 3 || t.size(2) != width) {
    invalid(field, "must be [N,B," + std::to_string(width) + "]", t.sizes());
  }
  if (t.size(1) != batch) invalid(field, "batch must be " + std::to_string(batch), t.sizes());
  if (!at::isFloatingType(t.scalar_type())) invalid(field, "must be floating point", t.sizes());
}

void checkLabels(const at::Tensor& labels, const char* field, int64_t n, int64_t batch) {
  if (labels.dim() != 2 || labels.size(0) != n || labels.size(1) != batch) {
    invalid(field, "must be [" + std::to_string(n) + "," + std::to_string(batch) + "]", labels.sizes());
  }
}

void checkMask(const at::Tensor& mask, const char* field, int64_t n, int64_t batch) {
  if (mask.dim() != 2 || mask.size(0) != batch || mask.size(1) != n) {
    invalid(field, "must be [" + std::to_string(batch) + "," + std::to_string(n) + "] (batch-first)", mask.sizes());
  }
  if (!isRightPadded(mask)) invalid(field, "must be right-padded (valid entries before padding)", mask.sizes());
}

at::Tensor defaultLabels(const at::Tensor& seq) {
  return at::ones({seq.size(0), seq.size(1)}, at::TensorOptions().dtype(at::kLong));
}

at::Tensor defaultMask(const at::Tensor& seq) {
  return at::zeros({seq.size(1), seq.size(0)}, at::TensorOptions().dtype(at::kBool));
}

}  // namespace

GeometryPrompt GeometryPrompt::empty(int64_t batch) {
  GeometryPrompt p;
  p.m_boxes = at::zeros({0, batch, 4});
  p.m_boxLabels = at::ones({0, batch}, at::kLong);
  p.m_boxMask = at::zeros({batch, 0}, at::kBool);
  p.m_points = at::zeros({0, batch, 2});
  p.m_pointLabels = at::ones({0, batch}, at::kLong);
  p.m_pointMask = at::zeros({batch, 0}, at::kBool);
  return p;
}

GeometryPrompt GeometryPrompt::create(const at::Tensor& boxes, const at::Tensor& boxLabels, const at::Tensor& boxMask,
                                      const at::Tensor& points, const at::Tensor& pointLabels,
                                      const at::Tensor& pointMask) {
  if (!boxes.defined() && !points.defined()) {
    throw std::invalid_argument("GeometryPrompt: a prompt needs boxes or points (use GeometryPrompt::empty() for none)");
  }
  const int64_t batch = boxes.defined() ? (boxes.dim() >= 2 ? boxes.size(1) : -1)
                                        : (points.dim() >= 2 ? points.size(1) : -1);
  if (batch < 0) invalid(boxes.defined() ? "boxes" : "points", "must be sequence-first [N,B,...]",
                         boxes.defined() ? boxes.sizes() : points.sizes());
  GeometryPrompt p = empty(batch);
  if (boxes.defined()) {
    p.m_boxes = boxes.to(at::kFloat);
    p.m_boxLabels = boxLabels.defined() ? boxLabels.to(at::kLong) : defaultLabels(boxes);
    p.m_boxMask = boxMask.defined() ? boxMask.to(at::kBool) : defaultMask(boxes);
  }
  if (points.defined()) {
    p.m_points = points.to(at::kFloat);
    p.m_pointLabels = pointLabels.defined() ? pointLabels.to(at::kLong) : defaultLabels(points);
    p.m_pointMask = pointMask.defined() ? pointMask.to(at::kBool) : defaultMask(points);
  }
  p.validate();
  return p;
}

namespace {

// SAM3's append: validates the new items, then joins items and labels with the padded rule.
void appendItems(at::Tensor& items, at::Tensor& labels, at::Tensor& mask, const at::Tensor& newItems,
                 const at::Tensor& newLabels, const at::Tensor& newMaskIn, const char* field, int64_t width) {
  const int64_t batch = items.size(1);
  checkSeq(newItems, field, width, batch);
  checkLabels(newLabels, (std::string(field) + " labels").c_str(), newItems.size(0), batch);
  const at::Tensor newMask = newMaskIn.defined() ? newMaskIn.to(at::kBool) : defaultMask(newItems);
  checkMask(newMask, (std::string(field) + " mask").c_str(), newItems.size(0), batch);
  // Labels join as [N,B,1] so they follow exactly the same placement as the items.
  auto joinedLabels = concatPaddedSequences(labels.unsqueeze(2), mask, newLabels.to(at::kLong).unsqueeze(2), newMask).first;
  auto [joinedItems, joinedMask] = concatPaddedSequences(items, mask, newItems.to(at::kFloat), newMask);
  items = joinedItems;
  labels = joinedLabels.squeeze(2);
  mask = joinedMask;
}

}  // namespace

void GeometryPrompt::appendBoxes(const at::Tensor& boxes, const at::Tensor& labels, const at::Tensor& mask) {
  appendItems(m_boxes, m_boxLabels, m_boxMask, boxes, labels, mask, "boxes", 4);
}

void GeometryPrompt::appendPoints(const at::Tensor& points, const at::Tensor& labels, const at::Tensor& mask) {
  appendItems(m_points, m_pointLabels, m_pointMask, points, labels, mask, "points", 2);
}

void GeometryPrompt::validate() const {
  const int64_t batch = m_boxes.dim() == 3 ? m_boxes.size(1) : -1;
  checkSeq(m_boxes, "boxes", 4, batch);
  checkSeq(m_points, "points", 2, batch);
  checkLabels(m_boxLabels, "box labels", m_boxes.size(0), batch);
  checkLabels(m_pointLabels, "point labels", m_points.size(0), batch);
  checkMask(m_boxMask, "box mask", m_boxes.size(0), batch);
  checkMask(m_pointMask, "point mask", m_points.size(0), batch);
  auto checkValidLabels = [](const at::Tensor& labels, const at::Tensor& mask, const char* field) {
    if (labels.numel() == 0) return;
    const at::Tensor validSlots = mask.t().logical_not();  // [N,B]
    const at::Tensor bad = (labels != 0).logical_and(labels != 1).logical_and(validSlots);
    if (bad.any().item<bool>()) invalid(field, "must be 0 (negative) or 1 (positive) in valid slots", labels.sizes());
  };
  checkValidLabels(m_boxLabels, m_boxMask, "box labels");
  checkValidLabels(m_pointLabels, m_pointMask, "point labels");
}

GeometryPrompt GeometryPrompt::to(c10::Device device) const {
  GeometryPrompt p;
  p.m_boxes = m_boxes.to(device);
  p.m_boxLabels = m_boxLabels.to(device);
  p.m_boxMask = m_boxMask.to(device);
  p.m_points = m_points.to(device);
  p.m_pointLabels = m_pointLabels.to(device);
  p.m_pointMask = m_pointMask.to(device);
  return p;
}

}  // namespace sam3::prompt
