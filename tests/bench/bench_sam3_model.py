#!/usr/bin/env python3
"""SAM3 Annotate against the official PyTorch model, in one run, on the same CPU (or GPU).

Reference venv (tools/setup_reference.sh; any python with torch and the official sam3 package
on a GPU server):

    $(tools/setup_reference.sh)/bin/python tests/bench/bench_sam3_model.py BUNDLE [IMAGE...]
        [--app build-torch2/bin/sam3-segment] [--rounds 3] [--modes ours-fp32,ours-bf16,official-fp32,official-bf16]

Modes: ours in fp32 and in bf16 (`sam3-segment --precision`, a fresh embedding cache per run
so the backbone runs), the official eager model in fp32 and under
`torch.autocast(device, dtype=torch.bfloat16)`. Every measurement is a child process of its own
(separate peak RSS); rounds are interleaved (the mode order rotates each round) and medians and
p95 are printed. Without images it makes a 1 MP and a 12 MP one from a bundled sample.

Measured: load (ours: bundle ready; official: build + weights), encode, click (10 single clicks
pooled), box (5 pooled), exemplar box, phrase (after a first phrase, which for us also loads
the text encoder: "first phrase"), eight class names on one image (ours: one batched call;
official: asked one by one), segment everything on a 32 x 32 grid (ours only: the official
image model has none), peak RSS. The CPU model and its bf16 / AMX flags head the output.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))

CLASS_NAMES = ["cat", "dog", "car", "person", "bicycle", "tree", "cup", "red traffic light"]
METRICS = ["load", "encode", "click", "box", "exemplars", "first_phrase", "phrase", "classes8", "everything", "peak_rss_gb"]


def cpu_line():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    have = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile") if f in flags]
    return "%s, %d cores; flags: %s" % (model, os.cpu_count(), " ".join(have) or "none of avx2/avx512/bf16/amx")


def prompts_for(w, h):
    clicks = [{"name": "click_%d" % i, "points": [[(0.2 + 0.06 * i) * w, (0.3 + 0.04 * i) * h, 1]]} for i in range(10)]
    boxes = [{"name": "box_%d" % i, "box": [(0.1 + 0.05 * i) * w, 0.2 * h, (0.5 + 0.08 * i) * w, 0.8 * h]} for i in range(5)]
    return clicks + boxes + [
        {"name": "exemplars", "find": {"boxes": [[0.10 * w, 0.15 * h, 0.38 * w, 0.50 * h, 1]], "threshold": 0.5}},
        {"name": "first_phrase", "find": {"text": "a photo", "threshold": 0.5}},
        {"name": "phrase", "find": {"text": "a red car", "threshold": 0.5}},
        {"name": "classes8", "find_batch": [{"text": t, "threshold": 0.5} for t in CLASS_NAMES]},
        {"name": "everything", "everything": {"points_per_side": 32}},
    ]


def official_child(bundle, image, out, device, bf16):
    """In a child process: the official model's timings as JSON."""
    import contextlib
    import torch
    import official
    from PIL import Image
    from sam3.model.sam3_image_processor import Sam3Processor
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    producer = manifest["producer"]
    timings = {}
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    autocast = (lambda: torch.autocast(device, dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    with torch.inference_mode():
        start = time.time()
        model = official.build(torch, os.path.join(bundle, manifest["files"]["vocabulary"]["path"]), device,
                               int(producer.get("vit_depth", 32)))
        official.randomize(torch, model, int(producer["random_seed"]))
        timings["load"] = time.time() - start
        processor = Sam3Processor(model, device=device)
        pil = Image.open(image).convert("RGB")
        w, h = pil.size
        with autocast():
            for _ in range(2 if device == "cuda" else 0):  # CUDA: kernels load and autotune on first use
                state = processor.set_image(pil)
                model.predict_inst(state, point_coords=np.array([[w / 2, h / 2]], dtype=np.float32), point_labels=np.array([1]))
            sync()
            start = time.time()
            state = processor.set_image(pil)
            sync()
            timings["encode"] = time.time() - start
            for request in prompts_for(w, h):
                if "everything" in request:
                    continue  # the official image model has no automatic mask generator
                start = time.time()
                if "find_batch" in request:
                    for find in request["find_batch"]:  # one by one: the official processor takes one phrase
                        processor.reset_all_prompts(state)
                        processor.set_text_prompt(find["text"], state)
                elif "find" in request:
                    processor.reset_all_prompts(state)
                    if "text" in request["find"]:
                        processor.set_text_prompt(request["find"]["text"], state)
                    else:
                        b = request["find"]["boxes"][0]
                        processor.add_geometric_prompt([(b[0] + b[2]) / 2 / w, (b[1] + b[3]) / 2 / h, (b[2] - b[0]) / w,
                                                        (b[3] - b[1]) / h], True, state)
                else:
                    kwargs = {"multimask_output": "points" in request}
                    if "points" in request:
                        kwargs["point_coords"] = np.array([p[:2] for p in request["points"]], dtype=np.float32)
                        kwargs["point_labels"] = np.array([p[2] for p in request["points"]])
                    if "box" in request:
                        kwargs["box"] = np.array(request["box"], dtype=np.float32)
                    model.predict_inst(state, **kwargs)
                sync()
                timings[request["name"]] = time.time() - start
    if device == "cuda":
        timings["peak_gpu_gb"] = torch.cuda.max_memory_allocated() / 1e9
    timings["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    json.dump(timings, open(out, "w"))


def run_official(args, image, work, bf16):
    out = os.path.join(work, "official.json")
    command = [sys.executable, __file__, args.bundle, image, "--official-child", out, "--device", args.device]
    if bf16:
        command.append("--bf16")
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    return json.load(open(out))


def run_ours(args, image, work, precision):
    import parity
    from PIL import Image
    from safetensors import safe_open
    w, h = Image.open(image).size
    prompts = os.path.join(work, "prompts.json")
    json.dump({"requests": prompts_for(w, h)}, open(prompts, "w"))
    dump = os.path.join(work, "dump")
    import shutil
    cache = tempfile.mkdtemp(dir=work, prefix="cache")  # fresh: the backbone runs
    # The bundle's files were hashed once, on the first run: later loads are what a user's
    # second start costs (the verification record lives beside the embeddings).
    stamps = os.path.join(work, "verified")
    if os.path.isdir(stamps):
        shutil.copytree(stamps, os.path.join(cache, "verified"))
    command = ["/usr/bin/time", "-f", "PEAK_RSS_KB %M"] + parity.segment_command(args.app) + [
        "--image", image, "--bundle", args.bundle, "--device", args.device, "--precision", precision, "--cache", cache,
        "--warmup", "2" if args.device == "cuda" else "0", "--prompts", prompts, "--dump", dump]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("bench_sam3_model: the app failed:\n" + result.stdout + result.stderr)
    if not os.path.isdir(stamps) and os.path.isdir(os.path.join(cache, "verified")):
        shutil.copytree(os.path.join(cache, "verified"), stamps)
    shutil.rmtree(cache, ignore_errors=True)
    timings = {}
    for line in result.stdout.splitlines():
        if line.startswith("engine "):
            timings["load"] = float(line.split(" ready in ")[1].split(" ms")[0]) / 1000
        if line.startswith("image set in "):
            timings["encode"] = float(line.split("image set in ")[1].split(" ms")[0]) / 1000
            timings["status"] = line.split("(", 1)[1].rstrip(")") if "(" in line else ""
    for line in result.stderr.splitlines():
        if line.startswith("PEAK_RSS_KB"):
            timings["peak_rss_gb"] = int(line.split()[1]) / 1e6
    for request in prompts_for(w, h):
        with safe_open(os.path.join(dump, request["name"] + ".safetensors"), "np") as f:
            timings[request["name"]] = float(f.metadata()["milliseconds"]) / 1000
    return timings


def summary(values):
    values = sorted(values)
    if not values:
        return None, None
    return statistics.median(values), values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def pick(runs, key):
    return [v for r in runs for k, v in r.items() if (k == key or k.startswith(key + "_")) and isinstance(v, float)]


def make_images(work):
    from PIL import Image
    source = Image.open(os.path.join(ROOT, "resources", "images", "sample_tiles.png")).convert("RGB")
    paths = []
    for name, size in (("1mp", (1152, 864)), ("12mp", (4032, 3024))):
        path = os.path.join(work, "bench_%s.png" % name)
        source.resize(size, Image.BICUBIC).save(path, compress_level=1)
        paths.append(path)
    return paths


def print_table(image, modes, runs):
    print("\n%s (%d round(s)), median (p95); times in s" % (os.path.basename(image), len(runs[modes[0]])))
    print("%-13s" % "" + "".join("%24s" % m for m in modes) + "".join("%22s" % r for r in ratios(modes)))
    for key in METRICS:
        cells, medians = [], {}
        for mode in modes:
            med, p95 = summary(pick(runs[mode], key))
            medians[mode] = med
            cells.append("%24s" % ("-" if med is None else "%.3f (%.3f)" % (med, p95)))
        extra = []
        for ours, theirs in ratio_pairs(modes):
            a, b = medians.get(ours), medians.get(theirs)
            extra.append("%22s" % ("-" if not a or not b else "%.2fx" % (b / a)))
        print("%-13s" % key + "".join(cells) + "".join(extra))
    for mode in modes:
        if mode.startswith("ours") and runs[mode] and runs[mode][0].get("status"):
            print("  %s: %s" % (mode, runs[mode][0]["status"]))


def ratio_pairs(modes):
    pairs = [("ours-bf16", "official-bf16"), ("ours-fp32", "official-fp32"), ("ours-bf16", "official-fp32"), ("ours-bf16", "ours-fp32")]
    return [(a, b) for a, b in pairs if a in modes and b in modes]


def ratios(modes):
    return ["%s/%s" % (b.replace("official", "off"), a) for a, b in ratio_pairs(modes)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle")
    parser.add_argument("images", nargs="*")
    parser.add_argument("--app", default=os.path.join(ROOT, "build-torch2", "bin", "sam3-segment"))
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default="ours-fp32,ours-bf16,official-fp32,official-bf16")
    parser.add_argument("--json", help="write every run's figures here")
    parser.add_argument("--official-child", help=argparse.SUPPRESS)
    parser.add_argument("--bf16", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.official_child:
        return official_child(args.bundle, args.images[0], args.official_child, args.device, args.bf16)
    manifest = json.load(open(os.path.join(args.bundle, "manifest.json")))
    modes = [m for m in args.modes.split(",") if m != "ours-bf16" or "backbone_bf16" in manifest["files"]]
    print("CPU: " + cpu_line())
    print("bundle: %s (ViT depth %s), app %s" % (args.bundle, manifest["producer"].get("vit_depth"), args.app))
    results = {}
    with tempfile.TemporaryDirectory() as work:
        images = args.images or make_images(work)
        for image in images:
            runs = {m: [] for m in modes}
            for round_ in range(args.rounds):
                order = modes[round_ % len(modes):] + modes[:round_ % len(modes)]  # interleaved, rotating
                for mode in order:
                    who, precision = mode.split("-")
                    r = run_ours(args, image, work, precision) if who == "ours" else run_official(args, image, work, precision == "bf16")
                    runs[mode].append(r)
                    print("round %d %s %s: encode %.2f s, peak %.2f GB" % (round_ + 1, os.path.basename(image), mode, r["encode"],
                                                                           r["peak_rss_gb"]), flush=True)
            print_table(image, modes, runs)
            results[os.path.basename(image)] = runs
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
