#pragma once
// C++ mirror of SAM3's geometry `Prompt`: sequence-first points [Np,B,2] (normalized x,y) and
// boxes [Nb,B,4] (normalized cx,cy,w,h), labels [N,B] (1 positive, 0 negative) and batch-first
// right-padded masks [B,N] (true = padded).

#include <ATen/ATen.h>

namespace sam3::prompt {

class GeometryPrompt {
 public:
  // The empty prompt of SAM3's image model (`_get_dummy_prompt`): zero boxes and points.
  static GeometryPrompt empty(int64_t batch = 1);

  // Builds a prompt from whichever fields are given (undefined tensors are absent). Missing
  // labels default to 1, missing masks to "nothing padded", missing boxes/points to empty.
  // Throws std::invalid_argument when nothing is given or shapes/batches disagree.
  static GeometryPrompt create(const at::Tensor& boxes, const at::Tensor& boxLabels, const at::Tensor& boxMask,
                               const at::Tensor& points, const at::Tensor& pointLabels,
                               const at::Tensor& pointMask);

  // Appends with SAM3's padded-concatenation rule: valid new items are packed right after the
  // valid existing ones; the length grows by n. `mask` may be undefined (nothing padded).
  void appendBoxes(const at::Tensor& boxes, const at::Tensor& labels, const at::Tensor& mask = {});
  void appendPoints(const at::Tensor& points, const at::Tensor& labels, const at::Tensor& mask = {});

  int64_t batchSize() const { return m_boxes.size(1); }
  int64_t numBoxes() const { return m_boxes.size(0); }
  int64_t numPoints() const { return m_points.size(0); }

  const at::Tensor& boxes() const { return m_boxes; }
  const at::Tensor& boxLabels() const { return m_boxLabels; }
  const at::Tensor& boxMask() const { return m_boxMask; }
  const at::Tensor& points() const { return m_points; }
  const at::Tensor& pointLabels() const { return m_pointLabels; }
  const at::Tensor& pointMask() const { return m_pointMask; }

  // The same prompt with every tensor on `device` (no validation: validate on the CPU first).
  GeometryPrompt to(c10::Device device) const;

  // Throws std::invalid_argument naming the field for wrong shapes, batch mismatches,
  // non-right-padded masks, or labels other than 0/1 in valid slots.
  void validate() const;

 private:
  at::Tensor m_boxes, m_boxLabels, m_boxMask;
  at::Tensor m_points, m_pointLabels, m_pointMask;
};

}  // namespace sam3::prompt
