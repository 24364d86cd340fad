#!/usr/bin/python3
"""Writes a tiny SAM3 model bundle with the real bundle's contract (engine/bundle/BUNDLE.md):
same file roles, TorchScript signatures, output names, tensor names and spatial shapes, with
small channel widths and random weights. Used by the tests and benchmarks; runs on Debian's
python3-torch 1.13.

usage: make_fixture_bundle.py OUT_DIR --ops-library libsam3_ops.so [--vocabulary bpe.txt.gz]
                              [--variants] [--seed N]
  --vocabulary  also write a text encoder and copy this CLIP BPE vocabulary into the bundle
  --variants    also write variants/backbone_missing_op.pt (calls an operator C++ lacks)
"""
import argparse
import json
import os
import shutil
import sys
from typing import Dict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_files import sha256, write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
    import torch.nn.functional as F
    from torch import Tensor, nn
except ImportError:
    sys.exit("make_fixture_bundle.py needs Debian's python3-torch (apt-get install python3-torch)")

DET_C = 32      # detector width (geometry encoder d_model)
TRK_C = 32      # tracker width (interactive heads embed_dim)
HIDDEN = 16
QUERIES = 16
GRID = 72       # 1008 / 14
VOCAB = 49408   # CLIP BPE vocabulary size (ids 49406/49407 are start/end of text)
TEXT_LEN = 32


class FixtureBackbone(nn.Module):
    """Patch embedding + three-level necks for the detector and the tracker."""

    def __init__(self):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, HIDDEN, kernel_size=14, stride=14)
        self.det0 = nn.Conv2d(HIDDEN, DET_C, 1)
        self.det1 = nn.Conv2d(HIDDEN, DET_C, 1)
        self.det2 = nn.Conv2d(HIDDEN, DET_C, 1)
        self.trk0 = nn.Conv2d(HIDDEN, TRK_C, 1)
        self.trk1 = nn.Conv2d(HIDDEN, TRK_C, 1)
        self.trk2 = nn.Conv2d(HIDDEN, TRK_C, 1)

    def forward(self, image: Tensor) -> Dict[str, Tensor]:
        x = torch.tanh(self.patch_embed(image))
        x4 = F.interpolate(x, scale_factor=4.0, mode="bilinear", align_corners=False)
        x2 = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return {
            "detector_fpn_0": self.det0(x4), "detector_fpn_1": self.det1(x2), "detector_fpn_2": self.det2(x),
            "tracker_fpn_0": self.trk0(x4), "tracker_fpn_1": self.trk1(x2), "tracker_fpn_2": self.trk2(x),
        }


class FixtureGroundingHead(nn.Module):
    """Prompt-conditioned queries -> boxes, logits (with roi_align-pooled evidence), masks, presence."""

    def __init__(self):
        super().__init__()
        self.query_embed = nn.Parameter(torch.randn(QUERIES, DET_C) * 0.5)
        self.prompt_proj = nn.Linear(DET_C, DET_C)
        self.box_head = nn.Linear(DET_C, 4)
        self.class_head = nn.Linear(DET_C, 1)
        self.pool_head = nn.Linear(DET_C, 1)
        self.mask_embed = nn.Linear(DET_C, DET_C)
        self.pixel_proj = nn.Conv2d(DET_C, DET_C, 1)
        self.presence_head = nn.Linear(DET_C, 1)

    def forward(self, fpn0: Tensor, fpn1: Tensor, fpn2: Tensor, prompt: Tensor, prompt_mask: Tensor) -> Dict[str, Tensor]:
        # B prompts [L, B, C] on the one image (phrases asked together), as the real head takes them.
        b = prompt.shape[1]
        valid = (~prompt_mask).to(prompt.dtype).transpose(0, 1).unsqueeze(-1)  # [L, B, 1]
        summary = (prompt * valid).sum(0) / valid.sum(0).clamp(min=1.0)  # [B, C]
        q = self.query_embed.unsqueeze(0) + self.prompt_proj(summary).unsqueeze(1)  # [B, Q, C]
        boxes = torch.sigmoid(self.box_head(q))
        h = float(fpn2.shape[-2])
        w = float(fpn2.shape[-1])
        cx, cy, bw, bh = boxes.reshape(-1, 4).unbind(-1)
        rois = torch.stack([torch.zeros_like(cx), (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w,
                            (cy + bh / 2) * h], dim=1)
        pooled = torch.ops.sam3.roi_align(fpn2, rois.to(fpn2.dtype), 1.0, 7, 7, -1, False).mean(dim=[2, 3]).reshape(b, q.shape[1], -1)
        logits = self.class_head(q) + self.pool_head(pooled.to(q.dtype))
        pixels = self.pixel_proj(fpn0 + F.interpolate(fpn1, size=[fpn0.shape[-2], fpn0.shape[-1]], mode="nearest"))[0]
        embed = self.mask_embed(q)
        # One dtype for einsum: a trace records it whole, after autocast (which eager runs inside it).
        masks = torch.einsum("bqc,chw->bqhw", embed, pixels.to(embed.dtype))
        presence = self.presence_head(summary)
        return {"pred_logits": logits, "pred_boxes": boxes, "pred_masks": masks, "presence_logit": presence}


class FixtureTextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB, DET_C)
        self.proj = nn.Linear(DET_C, DET_C)

    def forward(self, tokens: Tensor) -> Dict[str, Tensor]:
        features = self.proj(self.token_embedding(tokens))
        return {"features": features.transpose(0, 1).contiguous(), "mask": tokens == 0}


class MissingOpBackbone(nn.Module):
    def forward(self, image: Tensor) -> Dict[str, Tensor]:
        return {"detector_fpn_0": torch.ops.fixture_only.identity(image)}


def geometry_weights(c, ff, layers, roi):
    """Every key of SAM3's SequenceGeometryEncoder with its shape (no prefix)."""
    s = {"label_embed.weight": [2, c], "cls_embed.weight": [1, c]}

    def linear(name, out, inp):
        s[name + ".weight"] = [out, inp]
        s[name + ".bias"] = [out]

    def norm(name):
        s[name + ".weight"] = [c]
        s[name + ".bias"] = [c]

    linear("points_direct_project", c, 2)
    linear("points_pool_project", c, c)
    linear("points_pos_enc_project", c, c)
    linear("boxes_direct_project", c, 4)
    s["boxes_pool_project.weight"] = [c, c, roi, roi]
    s["boxes_pool_project.bias"] = [c]
    linear("boxes_pos_enc_project", c, c + 2)
    linear("final_proj", c, c)
    norm("norm")
    norm("img_pre_norm")
    for i in range(layers):
        p = "encode.%d." % i
        for attn in ("self_attn", "cross_attn_image"):
            s[p + attn + ".in_proj_weight"] = [3 * c, c]
            s[p + attn + ".in_proj_bias"] = [3 * c]
            linear(p + attn + ".out_proj", c, c)
        linear(p + "linear1", ff, c)
        linear(p + "linear2", c, ff)
        for n in ("norm1", "norm2", "norm3"):
            norm(p + n)
    norm("encode_norm")
    return s


def interactive_weights(c, mask_in, mlp_dim, depth, downsample):
    """Every key of the tracker's prompt encoder and mask decoder (with prefixes), from the
    schema the C++ loader compiles in (engine/sam3/interactive_heads.schema.json)."""
    import weight_schema
    return weight_schema.shapes(os.path.join(ROOT, "engine", "sam3", "interactive_heads.schema.json"), c=c, mask_in=mask_in,
                                mlp_dim=mlp_dim, depth=depth, downsample=downsample, multimask=3)


def random_tensor(name, shape):
    if name.endswith("positional_encoding_gaussian_matrix"):
        return torch.randn(shape)
    parts = name.split(".")
    if len(parts) >= 2 and "norm" in parts[-2]:
        return (1.0 if name.endswith("weight") else 0.0) + 0.05 * torch.randn(shape)
    fan_in = 1
    for d in shape[1:]:
        fan_in *= d
    return torch.randn(shape) / max(1.0, fan_in) ** 0.5


def geometry_constructor_args(c, ff, layers, heads, roi):
    attention = {"num_heads": heads, "dropout": 0.1, "embed_dim": c, "batch_first": False, "bias": True,
                 "add_bias_kv": False, "add_zero_attn": False, "kdim": None, "vdim": None}
    return {
        "PositionEmbeddingSine": {"num_pos_feats": c, "normalize": True, "scale": None, "temperature": 10000,
                                  "precompute_resolution": None},
        "TransformerEncoderLayer": {"activation": "relu", "d_model": c, "dim_feedforward": ff, "dropout": 0.1,
                                    "pos_enc_at_attn": False, "pre_norm": True,
                                    "pos_enc_at_cross_attn_queries": False, "pos_enc_at_cross_attn_keys": True},
        "self_attention": attention,
        "cross_attention": attention,
        "SequenceGeometryEncoder": {"encode_boxes_as_points": False, "points_direct_project": True, "points_pool": True,
                                    "points_pos_enc": True, "boxes_direct_project": True, "boxes_pool": True,
                                    "boxes_pos_enc": True, "d_model": c, "num_layers": layers, "roi_size": roi,
                                    "add_cls": True, "add_post_encode_proj": True, "mask_encoder": None,
                                    "add_mask_label": False, "use_act_ckpt": False},
        "LayerNorm_eps(all)": 1e-05,
    }


def write_bf16_graphs(out, with_text):
    """The graphs again as the exporter writes bf16 ones: matrix weights in bf16, traced under
    CPU autocast (torch 2.x only), same seeds so they compute the fp32 graphs' function."""
    import copy
    files = {}
    modules = {"backbone": (FixtureBackbone, (torch.rand(1, 3, 1008, 1008) * 2 - 1,)),
               "grounding_head": (FixtureGroundingHead, (torch.randn(1, DET_C, 288, 288), torch.randn(1, DET_C, 144, 144),
                                                         torch.randn(1, DET_C, 72, 72), torch.randn(TEXT_LEN + 1, 2, DET_C),
                                                         torch.zeros(2, TEXT_LEN + 1, dtype=torch.bool)))}
    if with_text:
        modules["text_encoder"] = (FixtureTextEncoder, (torch.randint(1, 1000, (1, TEXT_LEN)),))
    for role, (cls, inputs) in modules.items():
        module = torch.jit.load(out(role + ".pt"))  # the fp32 graph's weights
        eager = cls().eval()
        eager.load_state_dict(module.state_dict())
        for sub in eager.modules():
            if isinstance(sub, (nn.Linear, nn.Conv2d)):
                sub.weight.data = sub.weight.data.to(torch.bfloat16)
                if sub.bias is not None:
                    sub.bias.data = sub.bias.data.to(torch.bfloat16)
        with torch.autocast("cpu", dtype=torch.bfloat16, cache_enabled=False):
            traced = torch.jit.trace(copy.deepcopy(eager), inputs, strict=False, check_trace=False)
        traced.save(out(role + ".bf16.pt"))
        files[role + "_bf16"] = role + ".bf16.pt"
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--ops-library", required=True, help="libsam3_ops.so (registers torch.ops.sam3.*)")
    parser.add_argument("--vocabulary", help="CLIP BPE vocabulary (bpe_simple_vocab_16e6.txt.gz) to add a text encoder")
    parser.add_argument("--variants", action="store_true", help="also write broken variants for tests")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    torch.ops.load_library(args.ops_library)
    torch.manual_seed(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda name: os.path.join(args.out_dir, name)

    with torch.no_grad():
        torch.jit.script(FixtureBackbone().eval()).save(out("backbone.pt"))
        torch.jit.script(FixtureGroundingHead().eval()).save(out("grounding_head.pt"))

        ff, layers, heads, roi = 64, 1, 2, 7
        weights = {}
        for name, shape in geometry_weights(DET_C, ff, layers, roi).items():
            weights["detector.geometry_encoder." + name] = random_tensor(name, shape)
        for name, shape in interactive_weights(TRK_C, 16, 64, 2, 2).items():
            weights[name] = random_tensor(name, shape)
        weights["text.visual.features"] = torch.randn(TEXT_LEN, 1, DET_C) * 0.5
        weights["text.visual.mask"] = torch.arange(TEXT_LEN).view(1, TEXT_LEN) >= 3  # sot, "visual", eot
        write_safetensors(out("weights.safetensors"), weights, {"producer": "tools/make_fixture_bundle.py"})

        files = {"backbone": "backbone.pt", "grounding_head": "grounding_head.pt", "weights": "weights.safetensors"}
        if args.vocabulary:
            torch.jit.script(FixtureTextEncoder().eval()).save(out("text_encoder.pt"))
            shutil.copyfile(args.vocabulary, out("bpe_simple_vocab_16e6.txt.gz"))
            files["text_encoder"] = "text_encoder.pt"
            files["vocabulary"] = "bpe_simple_vocab_16e6.txt.gz"

        if int(torch.__version__.split(".")[0]) >= 2:  # the LibTorch 2.x flavour's bundles carry bf16 graphs too
            files.update(write_bf16_graphs(out, bool(args.vocabulary)))

    manifest = {
        "format": "sam3-annotate-bundle",
        "version": 1,
        "name": "fixture",
        "producer": {"torch": torch.__version__, "exporter": "tools/make_fixture_bundle.py"},
        "image": {"size": 1008, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "files": {role: {"path": path, "sha256": sha256(out(path))} for role, path in files.items()},
        "ops": ["sam3::roi_align"],
        "geometry_encoder": geometry_constructor_args(DET_C, ff, layers, heads, roi),
        "interactive": {"embed_dim": TRK_C, "image_embedding_size": GRID, "input_image_size": 1008,
                        "mask_in_chans": 16, "num_heads": 2, "mlp_dim": 64, "depth": 2, "attention_downsample": 2,
                        "num_multimask_outputs": 3},
        "grounding": {"queries": QUERIES, "score_threshold": 0.5},
    }
    with open(out("manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)

    if args.variants:
        lib = torch.library.Library("fixture_only", "DEF")
        lib.define("identity(Tensor x) -> Tensor")
        lib.impl("identity", lambda x: x.clone(), "CPU")
        os.makedirs(out("variants"), exist_ok=True)
        torch.jit.script(MissingOpBackbone()).save(out("variants/backbone_missing_op.pt"))
    print("wrote", args.out_dir)


if __name__ == "__main__":
    main()
