#!/usr/bin/env python3
"""Benchmark of a real-architecture bundle against the official PyTorch model, in one run
(reference venv: `$(tools/setup_reference.sh)/bin/python tests/bench/bench_sam3_model.py BUNDLE IMAGE`;
on a GPU server, any python with torch and the official sam3 package, and `--device cuda`).

Interleaved A/B, `--runs` times (default 3): our app (`sam3-segment --prompts`, a fresh
embedding cache each run so the backbone runs) and the official eager model on the same image
and prompts. Prints medians (and p95 where there are enough samples) of: image encode, a
click, a box, exemplar boxes, a phrase; our bundle load time and disk-cache hit; peak RSS of
both processes. Each side runs in its own process so their peak RSS are separate. Both run in
float32 (the bundle's precision). On CUDA the official side synchronises before reading each time,
and our engine's times end when the masks are on the host, so both count the whole work.
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
TOOLS = os.path.join(HERE, "..", "..", "tools")
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(TOOLS, "reference"))

def prompts_for(w, h):
    """The same prompts on both sides: 10 clicks and 5 boxes at different places (their
    latencies pooled for median and p95), one exemplar box, one phrase."""
    clicks = [{"name": "click_%d" % i, "points": [[(0.2 + 0.06 * i) * w, (0.3 + 0.04 * i) * h, 1]]} for i in range(10)]
    boxes = [{"name": "box_%d" % i, "box": [(0.1 + 0.05 * i) * w, 0.2 * h, (0.5 + 0.08 * i) * w, 0.8 * h]} for i in range(5)]
    return clicks + boxes + [
        {"name": "exemplars", "find": {"boxes": [[0.10 * w, 0.15 * h, 0.38 * w, 0.50 * h, 1]], "threshold": 0.5}},
        {"name": "text", "find": {"text": "a red car", "threshold": 0.5}},
    ]


def official_side(bundle, image, out, device):
    """Runs in a child process: the official model's timings as JSON."""
    import torch
    import official
    from PIL import Image
    from sam3.model.sam3_image_processor import Sam3Processor
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    producer = manifest["producer"]
    timings = {}
    with torch.inference_mode():
        start = time.time()
        model = official.build(torch, os.path.join(bundle, manifest["files"]["vocabulary"]["path"]), device,
                               int(producer.get("vit_depth", 32)))
        official.randomize(torch, model, int(producer["random_seed"]))
        timings["load"] = time.time() - start
        processor = Sam3Processor(model, device=device)
        pil = Image.open(image).convert("RGB")
        w, h = pil.size
        sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
        for _ in range(2 if device == "cuda" else 0):  # CUDA: kernels load and autotune on first use
            state = processor.set_image(pil)
            model.predict_inst(state, point_coords=np.array([[w / 2, h / 2]], dtype=np.float32),
                               point_labels=np.array([1]))
        sync()
        start = time.time()
        state = processor.set_image(pil)
        sync()
        timings["encode"] = time.time() - start
        for request in prompts_for(w, h):
            start = time.time()
            if "find" in request:
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


def our_side(app, bundle, image, work, cache, device):
    import parity
    from PIL import Image
    w, h = Image.open(image).size
    prompts = os.path.join(work, "prompts.json")
    json.dump({"requests": prompts_for(w, h)}, open(prompts, "w"))
    dump = os.path.join(work, "dump")
    command = ["/usr/bin/time", "-f", "PEAK_RSS_KB %M"] + parity.segment_command(app) + [
               "--image", image, "--bundle", bundle, "--device", device, "--cache", cache,
               # CUDA: both sides warm (the official side runs the same two rounds first).
               "--warmup", "2" if device == "cuda" else "0", "--prompts", prompts, "--dump", dump]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("bench_sam3_model: the app failed:\n" + result.stdout + result.stderr)
    timings = {}
    for line in result.stdout.splitlines():
        if line.startswith("engine "):
            timings["load"] = float(line.split(" ready in ")[1].split(" ms")[0]) / 1000
        if line.startswith("image set in "):
            timings["encode"] = float(line.split("image set in ")[1].split(" ms")[0]) / 1000
    for line in result.stderr.splitlines():
        if line.startswith("PEAK_RSS_KB"):
            timings["peak_rss_gb"] = int(line.split()[1]) / 1e6
    from safetensors import safe_open
    for request in prompts_for(w, h):
        with safe_open(os.path.join(dump, request["name"] + ".safetensors"), "np") as f:
            timings[request["name"]] = float(f.metadata()["milliseconds"]) / 1000
    return timings


def summary(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return statistics.median(values), p95


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle")
    parser.add_argument("image")
    parser.add_argument("--app", default=os.path.join(HERE, "..", "..", "build", "bin", "sam3-segment"))
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--official-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.official_child:
        return official_side(args.bundle, args.image, args.official_child, args.device)
    ours, theirs, hits = [], [], []
    with tempfile.TemporaryDirectory() as work:
        for run in range(args.runs):
            cache = os.path.join(work, "cache%d" % run)
            ours.append(our_side(args.app, args.bundle, args.image, work, cache, args.device))
            hits.append(our_side(args.app, args.bundle, args.image, work, cache, args.device)["encode"])  # the disk cache hit
            out = os.path.join(work, "official.json")
            subprocess.run([sys.executable, __file__, args.bundle, args.image, "--official-child", out,
                            "--device", args.device], check=True,
                           stderr=subprocess.DEVNULL)
            theirs.append(json.load(open(out)))
            print("run %d: ours encode %.1f s (load %.1f s, disk hit %.2f s), official encode %.1f s"
                  % (run + 1, ours[-1]["encode"], ours[-1]["load"], hits[-1], theirs[-1]["encode"]), flush=True)
    print("%-12s %22s %22s %8s" % ("%d runs" % args.runs, "ours median (p95)", "official median (p95)", "ratio"))
    for key in ("load", "encode", "click", "box", "exemplars", "text", "peak_rss_gb"):
        pick = lambda runs: [v for r in runs for k, v in r.items() if k == key or k.startswith(key + "_")]  # noqa: E731
        (a, ap), (b, bp) = summary(pick(ours)), summary(pick(theirs))
        unit = "GB" if key == "peak_rss_gb" else "s"
        print("%-12s %10.3f (%7.3f) %-2s %10.3f (%7.3f) %-2s %7.2fx" % (key, a, ap, unit, b, bp, unit, b / a if a else float("nan")))
    print("disk cache hit: median %.3f s" % summary(hits)[0])


if __name__ == "__main__":
    main()
