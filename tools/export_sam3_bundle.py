#!/usr/bin/env python3
"""Exports the official SAM3 image model as a SAM3 Annotate bundle (engine/bundle/BUNDLE.md).

Runs in the reference venv (tools/setup_reference.sh: torch 2.x + the official sam3 package),
never in the app's runtime path:

    VENV=$(tools/setup_reference.sh)
    $VENV/bin/python tools/export_sam3_bundle.py --checkpoint sam3.pt --out sam3.sam3bundle
    $VENV/bin/python tools/export_sam3_bundle.py --random-weights 1 --out random.sam3bundle
    $VENV/bin/python tools/export_sam3_bundle.py --random-weights 1 --depth 2 --out ci.sam3bundle

--random-weights SEED builds the official architecture at its real sizes with every parameter
drawn from a seeded generator (no gated file needed); --depth N (testing only) keeps N of the
ViT's 32 blocks. --target-libtorch 2.x (the fast build) keeps fused attention and adds
bfloat16 graphs (traced under autocast, matrix weights stored in bf16) beside the float32
ones, so one bundle serves both precisions; 1.13 (Debian's LibTorch) replaces the 2.x-only
attention operators before tracing and writes float32 graphs only.

Every traced graph is compared with the eager module on inputs it was not traced with (other
images, phrases of several lengths, several prompt lengths) before anything is written. The
bundle is written to a temporary folder beside --out and renamed into place at the end, so an
interrupted export never leaves a half bundle.

Exit codes: 0 written, 2 a prerequisite or input is wrong (the message says which and how to
fix it), 3 a traced graph differs from the official model.
"""
import argparse
import contextlib
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
# The bf16 graphs are compared with the official model's eager autocast run: the same casts at
# the same places, with the same weights (cast once instead of at every call), so they agree
# exactly (measured: 0 on every output of the three graphs); the bound only leaves room for a
# reduction order that another oneDNN could choose.
BF16_TOLERANCE = 1e-3
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


def trace_checked(torch, name, module, trace_inputs, check_inputs, tolerance, references=None, tracing=contextlib.nullcontext):
    """Traces `module` on one input (inside the context `tracing()`), makes the graph
    device-portable, and compares it with eager on each of the others (or with `references`,
    eager outputs computed before the module's weights were cast). The graph is checked outside
    `tracing()`, as the app runs it (a bf16 graph run under autocast gets autocast's casts a
    second time: 0.7 % off in the masks)."""
    from bundle_graphs import device_problems, make_device_portable, max_relative_difference
    start = time.time()
    with tracing():
        traced = torch.jit.trace(module, trace_inputs, strict=False, check_trace=False)
    # Frozen: the weights become constants of one inlined graph. Measured on the full-size
    # bf16 backbone loaded alone: peak RSS 2.2 GB instead of 7.4 GB (the unfrozen graph held
    # every block's activations until it returned) and 7.5 s per encode instead of 8.3 s.
    # optimize_numerics=False: no convolution folding, so the graph computes what it traced.
    traced = torch.jit.freeze(traced.eval(), optimize_numerics=False)
    replaced = make_device_portable(torch, traced)
    problems = device_problems(traced)
    if problems:
        refuse("the traced %s is tied to one device: %s" % (name, "; ".join(problems[:5])), 3)
    print("%s traced in %.1f s (%d device constants now follow the input)" % (name, time.time() - start, replaced))
    for i, (label, inputs) in enumerate(check_inputs):
        expected = references[i] if references is not None else module(*inputs)
        difference = max_relative_difference(expected, traced(*inputs))
        print("check: %s, %s: traced vs eager max relative difference %.3g" % (name, label, difference))
        if not difference <= tolerance:
            refuse("the traced %s differs from the official model at %s (%.3g > %.3g)" % (name, label, difference, tolerance), 3)
    return traced


# Each graph's file per precision (manifest roles: "backbone", "backbone_bf16", ...).
GRAPH_FILES = {"backbone": "backbone.pt", "grounding_head": "grounding_head.pt", "text_encoder": "text_encoder.pt"}


def bf16_file(path):
    return path[:-3] + ".bf16.pt"


def graph_inputs(torch, model, args, backbone, text):
    """(trace input, [(label, check input)]) per graph, the same for every precision."""
    from bundle_graphs import TEXT_LEN
    from sam3.model.tokenizer_ve import SimpleTokenizer
    device = torch.device(args.device)
    generator = torch.Generator().manual_seed(12345)

    def image():
        return (torch.rand(1, 3, INPUT, INPUT, generator=generator) * 2 - 1).to(device)

    tokenizer = SimpleTokenizer(bpe_path=args.vocabulary)

    def tokens(*phrases):
        return tokenizer(list(phrases), context_length=TEXT_LEN).to(device)

    def prompt(length, valid_text, batch=1):
        p = torch.randn(length, batch, model.geometry_encoder.d_model, generator=generator).to(device)
        m = torch.zeros(batch, length, dtype=torch.bool)
        m[:, valid_text:TEXT_LEN] = True
        return p, m.to(device)

    with torch.no_grad():
        fpn = tuple(backbone(image())["detector_fpn_%d" % i] for i in range(3))
    # L = 32 text tokens + geometry tokens (boxes, points, CLS): traced at one length, checked at
    # others; B = phrases asked at once (class names), checked at 2 and 5.
    return {
        "backbone": ((image(),), [("a new image", (image(),))]),
        "text_encoder": ((tokens("a photo of a dog"),),
                         [(repr(p), (tokens(p),)) for p in ("visual", "a", "red car on the left of the white van")] +
                         [("3 phrases at once", (tokens("cat", "a red car", "dog"),))]),
        "grounding_head": (fpn + prompt(TEXT_LEN + 2, 4),
                           [("L=%d" % n, fpn + prompt(n, v)) for n, v in ((TEXT_LEN + 1, 3), (TEXT_LEN + 4, 9), (TEXT_LEN + 17, 1))] +
                           [("L=%d, B=%d" % (n, b), fpn + prompt(n, v, b)) for n, v, b in ((TEXT_LEN + 1, 3, 2), (TEXT_LEN + 1, 5, 5))]),
    }


def export_graphs(torch, model, args, staging):
    """Writes the fp32 graphs and, when asked, the bf16 ones; returns the "visual" text features,
    the custom ops the graphs call and the manifest's graph files."""
    from bundle_graphs import build_wrappers, graph_ops, libtorch_target
    modules = dict(zip(("backbone", "grounding_head", "text_encoder"), build_wrappers(torch, model)))
    inputs = graph_inputs(torch, model, args, modules["backbone"], modules["text_encoder"])
    files, ops = {}, set()
    with torch.no_grad(), libtorch_target(torch, args.target_libtorch):
        visual = modules["text_encoder"](inputs["text_encoder"][1][0][1][0])  # the phrase "visual"
        for role, path in GRAPH_FILES.items():
            trace_input, checks = inputs[role]
            traced = trace_checked(torch, role, modules[role], trace_input, checks, args.tolerance)
            traced.save(os.path.join(staging, path))
            files[role] = path
            ops.update(graph_ops(traced))
            del traced
    if "bf16" in args.precisions:
        files.update(export_bf16_graphs(torch, model, args, staging, modules, inputs, ops))
    return visual, sorted(ops), files


def export_bf16_graphs(torch, model, args, staging, modules, inputs, ops):
    """The same graphs traced under bfloat16 autocast (so they hold its casts, and run in bf16
    on any device without autocast at run time) with their matrix weights stored in bf16.
    Checked against the official model's own eager autocast, with the weights still fp32."""
    from bundle_graphs import cast_matrix_weights, graph_ops
    files = {}
    autocast = lambda: torch.autocast(args.device, dtype=torch.bfloat16, cache_enabled=False)  # noqa: E731
    with torch.no_grad():
        with autocast():
            references = {role: [modules[role](*x) for _, x in inputs[role][1]] for role in GRAPH_FILES}
        print("bf16: %d weight tensors stored in bfloat16" % cast_matrix_weights(torch, model, torch.bfloat16))
        for role, path in GRAPH_FILES.items():
            trace_input, checks = inputs[role]
            traced = trace_checked(torch, role + " (bf16)", modules[role], trace_input, checks, args.bf16_tolerance,
                                   references[role], autocast)
            traced.save(os.path.join(staging, bf16_file(path)))
            files[role + "_bf16"] = bf16_file(path)
            ops.update(graph_ops(traced))
            del traced
    return files


def native_weights(torch, official, model, visual):
    weights = {}
    for key, tensor in model.state_dict().items():
        name = official.checkpoint_name(key)
        if name.startswith(NATIVE_PREFIXES) or name == "tracker.no_mem_embed":
            weights[name] = tensor.detach().float().cpu()
    if visual is not None:
        weights["text.visual.features"] = visual["features"].float().cpu()
        weights["text.visual.mask"] = visual["mask"].cpu()
    return weights


def manifest_of(args, torch, sam3_version, model, staging, ops, graphs):
    files = dict(graphs, weights="weights.safetensors", vocabulary=VOCABULARY)
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
        "precisions": sorted(args.precisions),
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
        # The native weights first: the bf16 pass casts the model's matrix weights in place.
        native = native_weights(torch, official, model, None)
        visual, ops, graphs = export_graphs(torch, model, args, staging)
        native["text.visual.features"] = visual["features"].float().cpu()
        native["text.visual.mask"] = visual["mask"].cpu()
        shutil.copyfile(args.vocabulary, os.path.join(staging, VOCABULARY))
        write_safetensors(os.path.join(staging, "weights.safetensors"), native, {"producer": "tools/export_sam3_bundle.py"})
        with open(os.path.join(staging, "manifest.json"), "w") as f:
            json.dump(manifest_of(args, torch, sam3_version, model, staging, ops, graphs), f, indent=1)
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
    parser.add_argument("--target-libtorch", choices=["1.13", "2.x"], default="2.x",
                        help="2.x (default): the fast build (tools/run_sam3.sh), fp32 and bf16 graphs; 1.13: Debian's "
                             "LibTorch build, fp32 only and 2-3x slower per encode (see the README)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--vocabulary", help="CLIP BPE merges (default: the copy in the venv's open_clip package)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max relative |traced - eager| accepted")
    parser.add_argument("--precisions", default=None,
                        help="comma-separated: fp32 and/or bf16 (default: fp32,bf16 for --target-libtorch 2.x, fp32 for 1.13)")
    parser.add_argument("--bf16-tolerance", type=float, default=BF16_TOLERANCE,
                        help="max relative |traced bf16 - official eager autocast| accepted")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace an existing --out")
    args = parser.parse_args(argv)
    args.precisions = set((args.precisions or ("fp32,bf16" if args.target_libtorch == "2.x" else "fp32")).split(","))
    if not args.precisions <= {"fp32", "bf16"} or "fp32" not in args.precisions:
        parser.error("--precisions takes fp32 or fp32,bf16 (the fp32 graphs are always written)")
    if "bf16" in args.precisions and args.target_libtorch != "2.x":
        parser.error("bf16 graphs are for --target-libtorch 2.x (Debian's LibTorch 1.13 build runs fp32 only)")
    if args.target_libtorch == "1.13" and args.depth == 32:
        print("export_sam3_bundle: note: a full-size bundle for LibTorch 1.13 runs on Debian's build at a third of the fast "
              "build's speed and in fp32 only; tools/run_sam3.sh builds the fast one and exports for it", file=sys.stderr)
    if args.checkpoint and args.depth != 32:
        parser.error("--depth is for random-weight test bundles; a checkpoint has all 32 blocks")
    return args


if __name__ == "__main__":
    export(parse_args())
