#pragma once
// SAM3's padded-sequence conventions: sequence-first data [L,B,...] with batch-first masks
// [B,L] where true = padded and every row is right-padded (valid entries first).

#include <ATen/ATen.h>

#include <utility>

namespace sam3::prompt {

// True when every row of `mask` [B,L] is non-decreasing (all valid entries before padding).
bool isRightPadded(const at::Tensor& mask);

// Joins two right-padded sequences [L1,B,...] and [L2,B,...] (masks [B,L1], [B,L2]) into
// [L1+L2,B,...]: per batch item, the valid entries of seq2 follow the valid entries of seq1.
// Padded output slots hold don't-care values. The result takes seq2's dtype. Throws
// std::invalid_argument for shapes that disagree, and for CPU masks that are not right-padded
// (masks on other devices are not read back to be checked).
std::pair<at::Tensor, at::Tensor> concatPaddedSequences(const at::Tensor& seq1, const at::Tensor& mask1,
                                                        const at::Tensor& seq2, const at::Tensor& mask2);

}  // namespace sam3::prompt
