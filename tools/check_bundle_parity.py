#!/usr/bin/env python3
"""Proves a bundle equal to the official SAM3 model: runs the official Python predictors and
`sam3-segment --bundle` (the same code as `sam3-annotate segment`) on the same images and prompts and compares every output.

Reference venv only (tools/setup_reference.sh); the app itself runs no Python:

    VENV=$(tools/setup_reference.sh)
    $VENV/bin/python tools/check_bundle_parity.py BUNDLE IMAGE... [--app build/bin/sam3-segment]
        [--checkpoint sam3.pt] [--work DIR] [--report parity.json]

The official model is rebuilt from what the bundle's manifest records: the same seed and ViT
depth for a random-weight bundle, or --checkpoint (whose sha256 must match) for a real one.

Compared, per image (tolerances in tools/reference/parity.py, printed with the table):
- the SAM1-style interactive path (the official `predict_inst`): one click (three
  candidates), clicks, a box, a box with clicks, a refinement with the previous low-res logits,
  a painted mask: predicted IoU of every candidate, the chosen candidate, the best low-res
  logits, every final mask at image size;
- the detector path (the official `Sam3Processor`): positive and negative exemplar boxes, a
  phrase, a phrase with an exemplar: presence, the kept instances' scores, boxes and masks.

Exit codes: 0 equal within tolerance, 1 a mismatch (the table says where), 2 bad input.
"""
import argparse
import contextlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "reference"))
from bundle_files import sha256, write_safetensors  # noqa: E402


def refuse(message):
    print("check_bundle_parity: " + message, file=sys.stderr)
    sys.exit(2)


def official_model(torch, official, manifest, args):
    producer = manifest.get("producer", {})
    depth = int(producer.get("vit_depth", 32))
    model = official.build(torch, os.path.join(args.bundle, manifest["files"]["vocabulary"]["path"]), "cpu", depth)
    if "random_seed" in producer:
        official.randomize(torch, model, int(producer["random_seed"]))
        return model
    if not args.checkpoint:
        refuse("%s was exported from a checkpoint: pass it with --checkpoint" % args.bundle)
    if producer.get("checkpoint_sha256") not in (None, sha256(args.checkpoint)):
        refuse("%s is not the checkpoint %s was exported from (sha256 differs)" % (args.checkpoint, args.bundle))
    try:
        official.load_checkpoint(torch, model, args.checkpoint)
    except official.ReferenceError as e:
        refuse(str(e))
    return model


def run_app(args, image, prompts_file, dump, cache):
    import parity
    command = parity.segment_command(args.app) + ["--image", image, "--bundle", args.bundle, "--device", "cpu",
               "--precision", args.precision, "--prompts", prompts_file, "--dump", dump]
    command += ["--cache", cache]
    start = time.time()
    result = subprocess.run(command, capture_output=True, text=True)
    print("  app: %.1f s (%s)" % (time.time() - start, " · ".join(result.stdout.strip().splitlines()[1:4])))
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        refuse("the app failed on %s (exit %d)" % (image, result.returncode))


def read_dump(path):
    from safetensors.numpy import load_file
    return load_file(path)


def check_image(torch, model, processor, image_path, args, comparison, timings):
    from PIL import Image
    import parity
    label = os.path.basename(image_path)
    pil = Image.open(image_path).convert("RGB")
    w, h = pil.size
    print("%s: %dx%d (%.1f MP)" % (label, w, h, w * h / 1e6))
    work = os.path.join(args.work, os.path.splitext(label)[0])
    os.makedirs(work, exist_ok=True)
    painted = parity.painted_logits()
    write_safetensors(os.path.join(work, "painted_mask.safetensors"), {"logits": torch.from_numpy(painted)}, {})

    def official(context):
        """The official model's answers to every request, under `context` (bf16 autocast or none)."""
        with context():
            start = time.time()
            state = processor.set_image(pil)
            timings.append(("official encode" + suffix(context), label, time.time() - start))
            answers, earlier = {}, {}
            for request in parity.interactive_requests(w, h):
                answers[request["name"]] = parity.official_interactive(model, state, request, earlier, painted)
                earlier[request["name"]] = answers[request["name"]]["low_res_logits"]
            for request in finds:
                threshold = request["find"].get("threshold")
                answers[request["name"]] = parity.official_find(torch, model, processor, state, request["find"], w, h, threshold)
                request["find"]["threshold"] = answers[request["name"]]["threshold"]
            answers["features"] = state["backbone_out"]["backbone_fpn"][-1].float().numpy()
        return answers

    def suffix(context):
        return "" if context is contextlib.nullcontext else " (bf16)"

    with_text = "text_encoder" in args.manifest["files"]
    finds = parity.detector_requests(w, h, with_text)
    reference = official(contextlib.nullcontext)  # fp32; sets each find's threshold
    bf16 = official(lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if args.precision == "bf16" else None

    prompts_file = os.path.join(work, "prompts.json")
    with open(prompts_file, "w") as f:
        json.dump({"requests": parity.interactive_requests(w, h) + finds}, f, indent=1)
    dump = os.path.join(work, "ours")
    cache = args.cache or os.path.join(work, "embeddings")
    started = time.time()
    run_app(args, os.path.abspath(image_path), prompts_file, dump, cache)
    for request in parity.interactive_requests(w, h):
        ours = read_dump(os.path.join(dump, request["name"] + ".safetensors"))
        if bf16 is None:
            comparison.interactive(label, request["name"], ours, reference[request["name"]])
        else:
            comparison.interactive(label, request["name"], ours, reference[request["name"]], bf16[request["name"]])
    for request in finds:
        ours = read_dump(os.path.join(dump, request["name"] + ".safetensors"))
        if bf16 is None:
            comparison.find(label, request["name"], ours, reference[request["name"]])
        else:
            comparison.find(label, request["name"], ours, reference[request["name"]], bf16[request["name"]])
    if bf16 is not None:
        comparison.add_features(label, our_features(cache, started), bf16["features"], reference["features"])


def our_features(cache, since):
    """The app's 72 x 72 detector features of the image it just encoded, from its embedding cache."""
    entries = [os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".sam3emb")]
    entries = [e for e in entries if os.path.getmtime(e) >= since - 1] or entries
    newest = max(entries, key=os.path.getmtime)
    return read_dump(newest)["detector_fpn_2"]


def main():
    parser = argparse.ArgumentParser(description="Compare a SAM3 Annotate bundle with the official SAM3 model.")
    parser.add_argument("bundle")
    parser.add_argument("images", nargs="+")
    parser.add_argument("--app", default=os.path.join(HERE, "..", "build", "bin", "sam3-segment"),
                        help="sam3-segment (default) or sam3-annotate (then its segment command)")
    parser.add_argument("--checkpoint", help="the sam3.pt a checkpoint bundle was exported from")
    parser.add_argument("--work", default=None, help="folder for prompts and dumps (default: a temporary one)")
    parser.add_argument("--cache", default=None, help="the app's embedding cache folder (default: the user cache)")
    parser.add_argument("--report", help="also write the table as JSON here")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                        help="bf16: the app's bf16 graphs, each output held to %.1fx the official model's own bf16 "
                             "autocast error against its fp32" % 1.5)
    args = parser.parse_args()
    try:
        import torch
        import official
        official.package_info()
    except ImportError as e:
        refuse("run this with the reference venv's python (tools/setup_reference.sh): %s" % e)
    except Exception as e:
        refuse(str(e))
    manifest_path = os.path.join(args.bundle, "manifest.json")
    if not os.path.isfile(manifest_path):
        refuse("%s is not a bundle (no manifest.json)" % args.bundle)
    with open(manifest_path) as f:
        args.manifest = json.load(f)
    if args.precision == "bf16" and "backbone_bf16" not in args.manifest.get("files", {}):
        refuse("%s has no bf16 graphs: export it with --target-libtorch 2.x" % args.bundle)
    if not os.access(args.app, os.X_OK):
        refuse("the app %s is not built (tools/build.sh)" % args.app)
    for image in args.images:
        if not os.path.isfile(image):
            refuse("image %s not found" % image)
    if args.work is None:
        import tempfile
        args.work = tempfile.mkdtemp(prefix="sam3-parity-")

    import parity
    from sam3.model.sam3_image_processor import Sam3Processor
    start = time.time()
    with torch.inference_mode():
        model = official_model(torch, official, args.manifest, args)
        print("official model ready in %.1f s" % (time.time() - start))
        processor = Sam3Processor(model, device="cpu")
        comparison, timings = (parity.BoundedComparison() if args.precision == "bf16" else parity.Comparison()), []
        for image in args.images:
            check_image(torch, model, processor, image, args, comparison, timings)
    print(comparison.table())
    print("official timings: " + ", ".join("%s %s %.1f s" % (what, image, t) for what, image, t in timings))
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"precision": args.precision, "tolerances": parity.TOLERANCES, "bf16_factor": parity.BF16_FACTOR,
                       "rows": comparison.rows, "timings": timings}, f, indent=1)
    if not comparison.ok():
        print("check_bundle_parity: MISMATCH (see the table)", file=sys.stderr)
        sys.exit(1)
    print("check_bundle_parity: %d outputs %s" % (len(comparison.rows), "within 1.5x of the official bf16 error"
                                                if args.precision == "bf16" else "equal within tolerance"))


if __name__ == "__main__":
    main()
