#!/usr/bin/env python3
"""Exports the official SAM3 image model as a SAM3 Annotate bundle (engine/sam3/BUNDLE.md).

Runs in the reference venv (tools/setup_reference.sh: torch 2.x + the official sam3 package),
never in the app's runtime path:

    VENV=$(tools/setup_reference.sh)
    $VENV/bin/python tools/export_sam3_bundle.py --checkpoint sam3.pt --out sam3.sam3bundle
    $VENV/bin/python tools/export_sam3_bundle.py --random-weights 1 --out random.sam3bundle
    $VENV/bin/python tools/export_sam3_bundle.py --random-weights 1 --depth 2 --out ci.sam3bundle

--random-weights SEED builds the official architecture at its real sizes with every parameter
drawn from a seeded generator (no gated file needed); --depth N (testing only) keeps N of the
ViT's 32 blocks. --target-libtorch 1.13 (Debian's LibTorch, the default build) replaces the
2.x-only attention operators before tracing; 2.x keeps them.

Every traced graph is compared with the eager module on inputs it was not traced with (other
images, phrases of several lengths, several prompt lengths) before anything is written. The
bundle is written to a temporary folder beside --out and renamed into place at the end, so an
interrupted export never leaves a half bundle.

Exit codes: 0 written, 2 a prerequisite or input is wrong (the message says which and how to
fix it), 3 a traced graph differs from the official model.
"""
import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "reference"))
from bundle_files import sha256, write_safetensors  # noqa: E402

FORMAT, VERSION = "sam3-annotate-bundle", 1
INPUT = 1008
VOCABULARY = "bpe_simple_vocab_16e6.txt.gz"
NATIVE_PREFIXES = ("detector.geometry_encoder.", "tracker.sam_prompt_encoder.", "tracker.sam_mask_decoder.")


def refuse(message, code=2):
    print("export_sam3_bundle: " + message, file=sys.stderr)
    sys.exit(code)


def check_prerequisites(args):
    try:
        import torch
    except ImportError:
        refuse("PyTorch is not installed here. Run tools/setup_reference.sh (torch 2.x and the official sam3 "
               "package in a virtual environment) and use that environment's python.")
    if int(torch.__version__.split(".")[0]) < 2:
        refuse("torch %s is too old: the official sam3 package needs torch >= 2.0. Debian's python3-torch cannot run "
               "SAM3; run tools/setup_reference.sh and use its python." % torch.__version__)
    try:
        import official
        version, _ = official.package_info()
    except ImportError as e:
        refuse("the official sam3 package is not importable (%s). Run tools/setup_reference.sh." % e)
    except Exception as e:  # official.ReferenceError: another version with other internals
        refuse(str(e))
    if version not in official.SUPPORTED_SAM3:
        print("export_sam3_bundle: warning: sam3 %s is untested (known: %s); the checks below still apply"
              % (version, ", ".join(official.SUPPORTED_SAM3)), file=sys.stderr)
    if args.checkpoint:
        try:
            official.check_checkpoint_file(args.checkpoint)
        except official.ReferenceError as e:
            refuse(str(e))
    if args.device == "cuda" and not torch.cuda.is_available():
        refuse("--device cuda was given but torch sees no CUDA device")
    try:
        args.vocabulary = args.vocabulary or official.vocabulary()
    except official.ReferenceError as e:
        refuse(str(e))
    if not os.path.isfile(args.vocabulary):
        refuse("the BPE vocabulary %s is missing (the sam3 wheel does not ship it)" % args.vocabulary)
    return torch, official, version


def build_model(torch, official, args):
    start = time.time()
    model = official.build(torch, args.vocabulary, device="cpu", depth=args.depth)
    if args.checkpoint:
        try:
            unused = official.load_checkpoint(torch, model, args.checkpoint)
        except official.ReferenceError as e:
            refuse(str(e))
        print("loaded %s (%d checkpoint tensors the image model does not use)" % (args.checkpoint, unused))
    else:
        official.randomize(torch, model, args.random_weights)
    model = model.to(args.device).eval()
    params = sum(p.numel() for p in model.parameters())
    print("official model built in %.1f s: %.1f M parameters, ViT depth %d" % (time.time() - start, params / 1e6, args.depth))
    return model


def trace_checked(torch, name, module, trace_inputs, check_inputs, tolerance):
    """Traces `module` on one input, makes the graph device-portable, and compares it with eager
    on each of the others."""
    from bundle_graphs import device_problems, make_device_portable, max_relative_difference
    start = time.time()
    traced = torch.jit.trace(module, trace_inputs, strict=False, check_trace=False)
    replaced = make_device_portable(torch, traced)
    problems = device_problems(traced)
    if problems:
        refuse("the traced %s is tied to one device: %s" % (name, "; ".join(problems[:5])), 3)
    print("%s traced in %.1f s (%d device constants now follow the input)" % (name, time.time() - start, replaced))
    for label, inputs in check_inputs:
        difference = max_relative_difference(module(*inputs), traced(*inputs))
        print("check: %s, %s: traced vs eager max relative difference %.3g" % (name, label, difference))
        if not difference <= tolerance:
            refuse("the traced %s differs from the official model at %s (%.3g > %.3g)" % (name, label, difference, tolerance), 3)
    return traced


def export_graphs(torch, model, args, staging):
    from bundle_graphs import TEXT_LEN, build_wrappers, graph_ops, libtorch_target
    from sam3.model.tokenizer_ve import SimpleTokenizer
    backbone, grounding, text = build_wrappers(torch, model)
    device = torch.device(args.device)
    generator = torch.Generator().manual_seed(12345)

    def image():
        return (torch.rand(1, 3, INPUT, INPUT, generator=generator) * 2 - 1).to(device)

    tokenizer = SimpleTokenizer(bpe_path=args.vocabulary)

    def tokens(phrase):
        return tokenizer([phrase], context_length=TEXT_LEN).to(device)

    def prompt(length, valid_text):
        p = torch.randn(length, 1, model.geometry_encoder.d_model, generator=generator).to(device)
        m = torch.zeros(1, length, dtype=torch.bool)
        m[0, valid_text:TEXT_LEN] = True
        return p, m.to(device)

    with torch.no_grad(), libtorch_target(torch, args.target_libtorch):
        traced_backbone = trace_checked(torch, "backbone", backbone, (image(),), [("a new image", (image(),))], args.tolerance)
        features = backbone(image())
        fpn = tuple(features["detector_fpn_%d" % i] for i in range(3))
        traced_text = trace_checked(torch, "text encoder", text, (tokens("a photo of a dog"),),
                                    [(repr(p), (tokens(p),)) for p in ("visual", "a", "red car on the left of the white van")],
                                    args.tolerance)
        visual = text(tokens("visual"))
        # L = 32 text tokens + geometry tokens (boxes, points, CLS): traced at one length, checked at others.
        traced_grounding = trace_checked(torch, "grounding head", grounding, fpn + prompt(TEXT_LEN + 2, 4),
                                         [("L=%d" % n, fpn + prompt(n, v)) for n, v in ((TEXT_LEN + 1, 3), (TEXT_LEN + 4, 9), (TEXT_LEN + 17, 1))],
                                         args.tolerance)
    for name, graph in (("backbone.pt", traced_backbone), ("grounding_head.pt", traced_grounding), ("text_encoder.pt", traced_text)):
        graph.save(os.path.join(staging, name))
    ops = sorted(set(graph_ops(traced_backbone) + graph_ops(traced_grounding) + graph_ops(traced_text)))
    return visual, ops


def native_weights(torch, official, model, visual):
    weights = {}
    for key, tensor in model.state_dict().items():
        name = official.checkpoint_name(key)
        if name.startswith(NATIVE_PREFIXES) or name == "tracker.no_mem_embed":
            weights[name] = tensor.detach().float().cpu()
    weights["text.visual.features"] = visual["features"].float().cpu()
    weights["text.visual.mask"] = visual["mask"].cpu()
    return weights


def manifest_of(args, torch, sam3_version, model, staging, ops):
    files = {"backbone": "backbone.pt", "grounding_head": "grounding_head.pt", "weights": "weights.safetensors",
             "text_encoder": "text_encoder.pt", "vocabulary": VOCABULARY}
    geometry = model.geometry_encoder
    layer = geometry.encode[0]
    return {
        "format": FORMAT, "version": VERSION, "name": args.name,
        "producer": {"torch": torch.__version__.split("+")[0], "sam3": sam3_version, "exporter": "tools/export_sam3_bundle.py",
                     "target_libtorch": args.target_libtorch, "vit_depth": args.depth, "device_portable": True,
                     **({"checkpoint_sha256": sha256(args.checkpoint)} if args.checkpoint
                        else {"random_seed": args.random_weights})},
        "image": {"size": INPUT, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "files": {role: {"path": path, "sha256": sha256(os.path.join(staging, path))} for role, path in files.items()},
        "ops": ops,
        "geometry_encoder": {
            "PositionEmbeddingSine": {"num_pos_feats": 256, "normalize": True, "scale": None, "temperature": 10000},
            "TransformerEncoderLayer": {"activation": "relu", "d_model": 256, "dim_feedforward": 2048, "pre_norm": True,
                                        "pos_enc_at_attn": False, "pos_enc_at_cross_attn_queries": False,
                                        "pos_enc_at_cross_attn_keys": True},
            "self_attention": {"num_heads": layer.self_attn.num_heads, "embed_dim": layer.self_attn.embed_dim},
            "SequenceGeometryEncoder": {"encode_boxes_as_points": False, "points_direct_project": True, "points_pool": True,
                                        "points_pos_enc": True, "boxes_direct_project": True, "boxes_pool": True,
                                        "boxes_pos_enc": True, "d_model": geometry.d_model, "num_layers": len(geometry.encode),
                                        "roi_size": geometry.roi_size, "add_cls": True, "add_post_encode_proj": True,
                                        "mask_encoder": None, "add_mask_label": False},
            "LayerNorm_eps(all)": 1e-05,
        },
        "interactive": {"embed_dim": 256, "image_embedding_size": 72, "input_image_size": INPUT, "mask_in_chans": 16,
                        "num_heads": 8, "mlp_dim": 2048, "depth": 2, "attention_downsample": 2, "num_multimask_outputs": 3},
        "grounding": {"queries": model.transformer.decoder.num_queries, "score_threshold": 0.5},
    }


def export(args):
    torch, official, sam3_version = check_prerequisites(args)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    out = os.path.abspath(args.out)
    if os.path.exists(out) and not args.force:
        refuse("%s exists; pass --force to replace it" % out)
    start = time.time()
    model = build_model(torch, official, args)
    staging = "%s.partial-%d" % (out, os.getpid())
    os.makedirs(staging)
    try:
        visual, ops = export_graphs(torch, model, args, staging)
        shutil.copyfile(args.vocabulary, os.path.join(staging, VOCABULARY))
        write_safetensors(os.path.join(staging, "weights.safetensors"), native_weights(torch, official, model, visual),
                          {"producer": "tools/export_sam3_bundle.py"})
        with open(os.path.join(staging, "manifest.json"), "w") as f:
            json.dump(manifest_of(args, torch, sam3_version, model, staging, ops), f, indent=1)
        if os.path.exists(out):
            shutil.rmtree(out)
        os.rename(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print("wrote %s (%.2f GB) in %.1f s" % (out, size / 1e9, time.time() - start))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Export the official SAM3 image model as a SAM3 Annotate bundle.")
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--checkpoint", help="sam3.pt from facebook/sam3 (gated)")
    weights.add_argument("--random-weights", type=int, metavar="SEED", help="seeded random weights, real architecture")
    parser.add_argument("--out", required=True, help="bundle directory to write (NAME.sam3bundle)")
    parser.add_argument("--name", default="sam3")
    parser.add_argument("--depth", type=int, default=32, help="ViT blocks (testing only; the released model has 32)")
    parser.add_argument("--target-libtorch", choices=["1.13", "2.x"], default="1.13",
                        help="1.13: Debian's LibTorch (the default build); 2.x: the PyPI-torch build")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--vocabulary", help="CLIP BPE merges (default: the copy in the venv's open_clip package)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max relative |traced - eager| accepted")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace an existing --out")
    args = parser.parse_args(argv)
    if args.checkpoint and args.depth != 32:
        parser.error("--depth is for random-weight test bundles; a checkpoint has all 32 blocks")
    return args


if __name__ == "__main__":
    export(parse_args())
