#!/usr/bin/python3
"""Writes a TorchScript module that calls torch.ops.sam3.roi_align, torch.ops.sam3.grid_sample
and torch.ops.torchvision.roi_align, for the C++ round-trip test.
usage: make_scripted_ops.py OPS_LIBRARY OUT.pt"""
import sys

import torch

torch.ops.load_library(sys.argv[1])
try:
    import torchvision  # noqa: F401  registers torch.ops.torchvision.roi_align for scripting
except ImportError:
    sys.exit("torchvision is not installed (apt-get install python3-torchvision)")


class SampledOps(torch.nn.Module):
    def forward(self, x: torch.Tensor, rois: torch.Tensor, grid: torch.Tensor):
        ours = torch.ops.sam3.roi_align(x, rois, 0.5, 7, 7, -1, False)
        theirs = torch.ops.torchvision.roi_align(x, rois, 0.5, 7, 7, -1, False)
        sampled = torch.ops.sam3.grid_sample(x, grid, 0, 2, True)
        return ours, theirs, sampled


torch.jit.script(SampledOps()).save(sys.argv[2])
print("saved", sys.argv[2])
