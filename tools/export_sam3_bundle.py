#!/usr/bin/env python3
"""Turns the official SAM3 checkpoint into a SAM3 Annotate model bundle (engine/sam3/BUNDLE.md).

Run once, by the user, where the official `sam3` package and torch >= 2.0 are installed:

    python3 tools/export_sam3_bundle.py --checkpoint sam3.pt --out sam3-base.sam3bundle
        [--target-libtorch 1.13|2.x] [--device cpu|cuda]

What it writes:
  backbone.pt          traced: image [1,3,1008,1008] -> dict detector_fpn_0..2, tracker_fpn_0..2
  grounding_head.pt    traced: (fpn0, fpn1, fpn2, prompt [L,1,256], prompt_mask [1,L]) -> dict
                       pred_logits, pred_boxes, pred_masks, presence_logit
  text_encoder.pt      traced: tokens [1,32] int64 -> dict features [32,1,256], mask [1,32]
  weights.safetensors  detector.geometry_encoder.*, tracker.sam_prompt_encoder.*,
                       tracker.sam_mask_decoder.*, tracker.no_mem_embed, text.visual.*
  bpe_simple_vocab_16e6.txt.gz, manifest.json (sha256 of every file)

With --target-libtorch 1.13 (Debian's LibTorch) every call of scaled_dot_product_attention is
replaced by matmul + softmax before tracing, because LibTorch 1.13 lacks that operator. Every
traced module is compared with the eager module on inputs it was not traced with before
anything is written; a mismatch stops the export.

Exit codes: 0 written, 2 prerequisites missing (message says which), 3 verification failed.
"""
import argparse
import json
import math
import os
import shutil
import sys

from bundle_files import sha256, write_safetensors

FORMAT, VERSION = "sam3-annotate-bundle", 1
INPUT = 1008
TEXT_LEN = 32


def refuse(message):
    print("export_sam3_bundle: " + message, file=sys.stderr)
    sys.exit(2)


def check_prerequisites(args):
    try:
        import torch
    except ImportError:
        refuse("PyTorch is not installed. Install torch >= 2.0 and the official sam3 package "
               "(https://github.com/facebookresearch/sam3), then run this script again.")
    major = int(torch.__version__.split(".")[0])
    if major < 2:
        refuse("torch %s is too old: the official sam3 package needs torch >= 2.0 (its README asks for 2.7). "
               "Debian's python3-torch cannot run SAM3; use a virtual environment with a newer torch." % torch.__version__)
    try:
        import sam3  # noqa: F401
        from sam3.model_builder import build_sam3_image_model  # noqa: F401
    except ImportError as e:
        refuse("the official sam3 package is not importable (%s). Install it with "
               "`pip install -e .` in a checkout of https://github.com/facebookresearch/sam3." % e)
    if not os.path.isfile(args.checkpoint):
        refuse("checkpoint %s not found (download sam3.pt from https://huggingface.co/facebook/sam3 after "
               "accepting the licence)" % args.checkpoint)
    if args.device == "cuda" and not torch.cuda.is_available():
        refuse("--device cuda was given but torch sees no CUDA device")
    return torch


def manual_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, **_):
    """scaled_dot_product_attention written with ops LibTorch 1.13 has."""
    import torch
    d = query.shape[-1]
    scores = torch.matmul(query, key.transpose(-2, -1)) * (scale if scale is not None else 1.0 / math.sqrt(d))
    if is_causal:
        n, m = scores.shape[-2], scores.shape[-1]
        causal = torch.ones(n, m, dtype=torch.bool, device=scores.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.matmul(torch.softmax(scores, dim=-1), value)


def max_difference(a, b):
    import torch
    if isinstance(a, dict):
        return max(max_difference(a[k], b[k]) for k in a)
    return (a.float() - b.float()).abs().max().item() if a.numel() else 0.0


def build_wrappers(torch, model):
    """Tensor-only modules around the official model, in the bundle's contract."""
    nn = torch.nn

    class Backbone(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = model.backbone

        def forward(self, image):
            out = self.backbone.forward_image(image)
            detector = out["backbone_fpn"]
            tracker = out["sam2_backbone_out"]["backbone_fpn"]
            result = {}
            for i in range(3):
                result["detector_fpn_%d" % i] = detector[i]
                result["tracker_fpn_%d" % i] = tracker[i]
            return result

    class GroundingHead(nn.Module):
        """Fusion encoder, decoder, scoring and segmentation head on cached image features."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, fpn0, fpn1, fpn2, prompt, prompt_mask):
            feats = [fpn0, fpn1, fpn2]
            pos = [self.model.backbone.vision_backbone.position_encoding(f).to(f.dtype) for f in feats]
            backbone_out = {"backbone_fpn": feats, "vision_pos_enc": pos, "vision_features": fpn2}
            prompt_pos = torch.zeros_like(prompt)
            encoder_out = self.model._run_encoder(backbone_out, prompt=prompt, prompt_pos=prompt_pos,
                                                  prompt_mask=prompt_mask)
            out = self.model._run_decoder(encoder_out=encoder_out, prompt=prompt, prompt_mask=prompt_mask,
                                          backbone_out=backbone_out)
            out = self.model._run_segmentation_heads(out=out, backbone_out=backbone_out, encoder_out=encoder_out,
                                                     prompt=prompt, prompt_mask=prompt_mask)
            return {"pred_logits": out["pred_logits"], "pred_boxes": out["pred_boxes"],
                    "pred_masks": out["pred_masks"], "presence_logit": out["presence_logit_dec"]}

    class TextEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.language = model.backbone.language_backbone

        def forward(self, tokens):
            features = self.language.encode_tokens(tokens)  # [B, 32, 256] after the resizer
            return {"features": features.transpose(0, 1).contiguous(), "mask": tokens == 0}

    return Backbone().eval(), GroundingHead().eval(), TextEncoder().eval()


def export(args, torch):
    from sam3.model_builder import build_sam3_image_model
    if args.target_libtorch == "1.13":
        torch.nn.functional.scaled_dot_product_attention = manual_attention
    device = torch.device(args.device)
    try:
        model = build_sam3_image_model(checkpoint_path=args.checkpoint, load_from_HF=False, device=args.device,
                                       eval_mode=True, enable_inst_interactivity=True)
    except TypeError as e:
        refuse("this sam3 version's build_sam3_image_model has another signature (%s); update the exporter" % e)
    backbone, grounding, text = build_wrappers(torch, model)
    os.makedirs(args.out, exist_ok=True)
    out = lambda name: os.path.join(args.out, name)
    torch.manual_seed(0)

    with torch.inference_mode(False), torch.no_grad():
        image = torch.rand(1, 3, INPUT, INPUT, device=device) * 2 - 1
        traced_backbone = torch.jit.trace(backbone, (image,), strict=False, check_trace=False)
        check = torch.rand(1, 3, INPUT, INPUT, device=device) * 2 - 1
        diff = max_difference(backbone(check), traced_backbone(check))
        print("backbone: traced vs eager max |diff| = %.3g" % diff)
        if diff > args.tolerance:
            print("export_sam3_bundle: the traced backbone differs from the eager one", file=sys.stderr)
            sys.exit(3)
        feats = backbone(check)
        fpn = [feats["detector_fpn_%d" % i] for i in range(3)]

        tokenizer_path = os.path.join(os.path.dirname(__import__("sam3").__file__), "assets", "bpe_simple_vocab_16e6.txt.gz")
        from sam3.model.tokenizer_ve import SimpleTokenizer
        tokenizer = SimpleTokenizer(bpe_path=tokenizer_path)

        def tokens_of(phrase):
            return tokenizer([phrase], context_length=TEXT_LEN).to(device)

        traced_text = torch.jit.trace(text, (tokens_of("a photo of a dog"),), strict=False, check_trace=False)
        visual = text(tokens_of("visual"))
        for phrase in ("visual", "red car on the left", "a"):
            diff = max_difference(text(tokens_of(phrase)), traced_text(tokens_of(phrase)))
            if diff > args.tolerance:
                print("export_sam3_bundle: traced text encoder differs at %r (%.3g)" % (phrase, diff), file=sys.stderr)
                sys.exit(3)

        # Prompt length L = 32 text tokens + boxes + 1 CLS varies; trace at one length, verify at others.
        def prompt_of(length):
            p = torch.randn(length, 1, 256, device=device)
            m = torch.zeros(1, length, dtype=torch.bool, device=device)
            m[0, 3:TEXT_LEN] = True
            return p, m

        p, m = prompt_of(TEXT_LEN + 2)
        traced_grounding = torch.jit.trace(grounding, (*fpn, p, m), strict=False, check_trace=False)
        for length in (TEXT_LEN + 1, TEXT_LEN + 4, TEXT_LEN + 9):
            p, m = prompt_of(length)
            diff = max_difference(grounding(*fpn, p, m), traced_grounding(*fpn, p, m))
            print("grounding head at L=%d: traced vs eager max |diff| = %.3g" % (length, diff))
            if diff > args.tolerance:
                print("export_sam3_bundle: the traced grounding head does not generalize over prompt lengths",
                      file=sys.stderr)
                sys.exit(3)

        traced_backbone.save(out("backbone.pt"))
        traced_grounding.save(out("grounding_head.pt"))
        traced_text.save(out("text_encoder.pt"))
        shutil.copyfile(tokenizer_path, out("bpe_simple_vocab_16e6.txt.gz"))

        checkpoint = torch.load(args.checkpoint, map_location="cpu")
        state = checkpoint.get("model", checkpoint)
        prefixes = ("detector.geometry_encoder.", "tracker.sam_prompt_encoder.", "tracker.sam_mask_decoder.")
        weights = {k: v.float() for k, v in state.items() if k.startswith(prefixes) or k == "tracker.no_mem_embed"}
        if not any(k.startswith("tracker.") for k in weights):
            refuse("the checkpoint has no tracker.* weights (is it the SAM3 image+video checkpoint sam3.pt?)")
        weights["text.visual.features"] = visual["features"].float()
        weights["text.visual.mask"] = visual["mask"]
        write_safetensors(out("weights.safetensors"), weights, {"producer": "tools/export_sam3_bundle.py"})

    ops = sorted({node.kind() for module in (traced_backbone, traced_grounding, traced_text)
                  for node in module.inlined_graph.nodes()
                  if node.kind().startswith(("sam3::", "torchvision::"))})
    files = {"backbone": "backbone.pt", "grounding_head": "grounding_head.pt", "weights": "weights.safetensors",
             "text_encoder": "text_encoder.pt", "vocabulary": "bpe_simple_vocab_16e6.txt.gz"}
    geometry_args = {
        "PositionEmbeddingSine": {"num_pos_feats": 256, "normalize": True, "scale": None, "temperature": 10000},
        "TransformerEncoderLayer": {"activation": "relu", "d_model": 256, "dim_feedforward": 2048, "pre_norm": True,
                                    "pos_enc_at_attn": False, "pos_enc_at_cross_attn_queries": False,
                                    "pos_enc_at_cross_attn_keys": True},
        "self_attention": {"num_heads": 8, "embed_dim": 256},
        "SequenceGeometryEncoder": {"encode_boxes_as_points": False, "points_direct_project": True, "points_pool": True,
                                    "points_pos_enc": True, "boxes_direct_project": True, "boxes_pool": True,
                                    "boxes_pos_enc": True, "d_model": 256, "num_layers": 3, "roi_size": 7,
                                    "add_cls": True, "add_post_encode_proj": True, "mask_encoder": None,
                                    "add_mask_label": False},
        "LayerNorm_eps(all)": 1e-05,
    }
    manifest = {
        "format": FORMAT, "version": VERSION, "name": args.name,
        "producer": {"torch": torch.__version__, "exporter": "tools/export_sam3_bundle.py",
                     "target_libtorch": args.target_libtorch, "checkpoint_sha256": sha256(args.checkpoint)},
        "image": {"size": INPUT, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "files": {role: {"path": path, "sha256": sha256(out(path))} for role, path in files.items()},
        "ops": ops,
        "geometry_encoder": geometry_args,
        "interactive": {"embed_dim": 256, "image_embedding_size": 72, "input_image_size": INPUT, "mask_in_chans": 16,
                        "num_heads": 8, "mlp_dim": 2048, "depth": 2, "attention_downsample": 2,
                        "num_multimask_outputs": 3},
        "grounding": {"queries": 200, "score_threshold": 0.5},
    }
    with open(out("manifest.json.tmp"), "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(out("manifest.json.tmp"), out("manifest.json"))
    print("wrote", args.out)


def main():
    parser = argparse.ArgumentParser(description="Export the official SAM3 checkpoint as a SAM3 Annotate bundle.")
    parser.add_argument("--checkpoint", required=True, help="sam3.pt from facebook/sam3")
    parser.add_argument("--out", required=True, help="bundle directory to write (NAME.sam3bundle)")
    parser.add_argument("--name", default="sam3")
    parser.add_argument("--target-libtorch", choices=["1.13", "2.x"], default="1.13",
                        help="1.13 replaces scaled_dot_product_attention (absent there) with matmul + softmax")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--tolerance", type=float, default=1e-3, help="max |traced - eager| accepted")
    args = parser.parse_args()
    torch = check_prerequisites(args)
    export(args, torch)


if __name__ == "__main__":
    main()
