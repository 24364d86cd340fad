#include "engine/prompt/torch/PaddedSequence.h"

#include <sstream>
#include <stdexcept>

namespace sam3::prompt {

bool isRightPadded(const at::Tensor& mask) {
  if (mask.dim() != 2) return false;
  if (mask.size(1) < 2) return true;
  const at::Tensor m = mask.to(at::kLong);
  return (m.slice(1, 1) >= m.slice(1, 0, -1)).all().item<bool>();
}

std::pair<at::Tensor, at::Tensor> concatPaddedSequences(const at::Tensor& seq1, const at::Tensor& mask1,
                                                        const at::Tensor& seq2, const at::Tensor& mask2) {
  auto shapeError = [&](const std::string& what) {
    std::ostringstream s;
    s << "concatPaddedSequences: " << what << " (seq1 " << seq1.sizes() << ", mask1 " << mask1.sizes()
      << ", seq2 " << seq2.sizes() << ", mask2 " << mask2.sizes() << ")";
    return std::invalid_argument(s.str());
  };
  if (seq1.dim() < 2 || seq2.dim() != seq1.dim()) throw shapeError("sequences must be [L,B,...] of equal rank");
  const int64_t batch = seq1.size(1);
  if (seq2.size(1) != batch || mask1.dim() != 2 || mask2.dim() != 2 || mask1.size(0) != batch ||
      mask2.size(0) != batch || mask1.size(1) != seq1.size(0) || mask2.size(1) != seq2.size(0)) {
    throw shapeError("batch sizes or lengths disagree");
  }
  for (int64_t d = 2; d < seq1.dim(); ++d) {
    if (seq1.size(d) != seq2.size(d)) throw shapeError("trailing dimensions differ");
  }
  // Checked where masks live on the CPU; on a GPU the check would synchronize (and there the
  // masks come from prompts validated on the CPU before they moved).
  if ((mask1.is_cpu() && !isRightPadded(mask1)) || (mask2.is_cpu() && !isRightPadded(mask2))) {
    throw shapeError("masks must be right-padded");
  }

  const int64_t l1 = seq1.size(0), l2 = seq2.size(0);
  std::vector<int64_t> outSizes = seq2.sizes().vec();
  outSizes[0] = l1 + l2;
  at::Tensor out = at::zeros(outSizes, seq2.options());
  out.slice(0, 0, l1).copy_(seq1);
  const at::Tensor valid1 = l1 - mask1.sum(1, false, at::kLong);  // [B] valid entries
  const at::Tensor valid2 = l2 - mask2.sum(1, false, at::kLong);
  if (l2 > 0) {
    // Element j of seq2 goes to position valid1[b] + j (padded ones land beyond the valid range).
    at::Tensor index = at::arange(l2, valid1.options()).unsqueeze(1) + valid1.unsqueeze(0);  // [L2,B]
    std::vector<int64_t> viewSizes(seq2.dim(), 1);
    viewSizes[0] = l2;
    viewSizes[1] = batch;
    index = index.view(viewSizes).expand(seq2.sizes());
    out.scatter_(0, index, seq2);
  }
  const at::Tensor positions = at::arange(l1 + l2, valid1.options()).unsqueeze(0);  // [1,L]
  const at::Tensor outMask = positions >= (valid1 + valid2).unsqueeze(1);
  return {out, outMask};
}

}  // namespace sam3::prompt
