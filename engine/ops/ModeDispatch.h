#pragma once
// Turns runtime sampling modes into compile-time constants, so kernels carry no per-sample
// branches on them (ATen's GridSampler does the same).

#include <type_traits>

#include "engine/ops/SamplingMath.h"

namespace sam3::ops {

template <Interpolation M>
using ModeConstant = std::integral_constant<Interpolation, M>;
template <Padding P>
using PaddingConstant = std::integral_constant<Padding, P>;

template <typename F>
void dispatchSamplingModes(Interpolation mode, Padding padding, bool alignCorners, F&& kernel) {
  auto withAlign = [&](auto m, auto p) {
    if (alignCorners) {
      kernel(m, p, std::true_type{});
    } else {
      kernel(m, p, std::false_type{});
    }
  };
  auto withPadding = [&](auto m) {
    switch (padding) {
      case Padding::Zeros: withAlign(m, PaddingConstant<Padding::Zeros>{}); break;
      case Padding::Border: withAlign(m, PaddingConstant<Padding::Border>{}); break;
      case Padding::Reflection: withAlign(m, PaddingConstant<Padding::Reflection>{}); break;
    }
  };
  if (mode == Interpolation::Bilinear) {
    withPadding(ModeConstant<Interpolation::Bilinear>{});
  } else {
    withPadding(ModeConstant<Interpolation::Nearest>{});
  }
}

}  // namespace sam3::ops
