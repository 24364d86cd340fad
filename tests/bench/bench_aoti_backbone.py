#!/usr/bin/env python3
"""A/B: the bundle's backbone as we ship it (TorchScript, traced under bf16 autocast, frozen,
run without the profiling executor - what the app loads) against the same module compiled
ahead of time by AOTInductor (torch.export + aoti_compile_and_package, freezing on), in one
process on the same weights and input. It decides whether AOTInductor packages go into the
bundle (#28: "only where it measurably wins, with an A/B table").

Reference venv (tools/setup_reference.sh):

    $(tools/setup_reference.sh)/bin/python tests/bench/bench_aoti_backbone.py [--depth 32]
        [--precision bf16|fp32] [--rounds 5] [--autotune] [--package DIR]

Rounds are interleaved (TorchScript, AOTI, TorchScript, ...) after one warm-up call each;
medians and p95 per side, the ratio, the package's compile time and its difference from the
official eager model (same autocast). The CPU model and its bf16 / AMX flags head the output.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "reference"))
sys.path.insert(0, HERE)

from bench_sam3_model import cpu_line, summary  # noqa: E402


def relative_l2(a, b):
    return float((a.float() - b.float()).norm() / b.float().norm())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--depth", type=int, default=32, help="ViT blocks (32: the released model)")
    parser.add_argument("--precision", choices=["bf16", "fp32"], default="bf16")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--autotune", action="store_true", help="Inductor max-autotune with its C++ GEMM templates")
    parser.add_argument("--package", default=os.path.join(os.path.expanduser("~"), ".cache", "sam3-annotate", "aoti"),
                        help="where the compiled package is written")
    args = parser.parse_args()

    import contextlib
    import torch
    import torch._inductor.config as inductor
    import official
    from bundle_graphs import build_wrappers, cast_matrix_weights

    torch.set_num_threads(args.threads)
    print(cpu_line())
    print("torch %s, %d threads, depth %d, %s, %d rounds" % (torch.__version__, args.threads, args.depth, args.precision, args.rounds))
    model = official.build(torch, official.vocabulary(), device="cpu", depth=args.depth)
    official.randomize(torch, model, 0)
    backbone = build_wrappers(torch, model.eval())[0]
    image = torch.rand(1, 3, 1008, 1008, generator=torch.Generator().manual_seed(1)) * 2 - 1
    bf16 = args.precision == "bf16"
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16, cache_enabled=False)) if bf16 else contextlib.nullcontext
    with torch.no_grad(), autocast():
        reference = backbone(image)
    if bf16:
        cast_matrix_weights(torch, model, torch.bfloat16)  # as the exporter stores them

    with torch.no_grad(), autocast():
        traced = torch.jit.trace(backbone, (image,), strict=False, check_trace=False)
    scripted = torch.jit.freeze(traced.eval(), optimize_numerics=False)
    torch._C._set_graph_executor_optimize(False)  # as the app runs its graphs

    inductor.freezing = True
    if args.autotune:
        inductor.max_autotune = True
        inductor.max_autotune_gemm_backends = "CPP,ATEN"
    os.makedirs(args.package, exist_ok=True)
    path = os.path.join(args.package, "backbone_d%d_%s%s.pt2" % (args.depth, args.precision, "_tuned" if args.autotune else ""))
    start = time.time()
    with torch.no_grad(), autocast():  # the compile re-traces: autocast must be on as at export
        exported = torch.export.export(backbone, (image,), strict=False)
        torch._inductor.aoti_compile_and_package(exported, package_path=path)
    compile_s = time.time() - start
    del exported
    compiled = torch._inductor.aoti_load_package(path)

    sides = {"TorchScript (shipped)": lambda: scripted(image), "AOTInductor": lambda: compiled(image)}
    times = {name: [] for name in sides}
    outputs = {}
    with torch.no_grad():
        for name, run in sides.items():
            outputs[name] = run()  # warm-up
        for _ in range(args.rounds):
            for name, run in sides.items():
                start = time.time()
                run()
                times[name].append(time.time() - start)

    key = "detector_fpn_2"
    print("\n%-24s %10s %10s %10s %26s" % ("backbone encode", "median s", "p95 s", "vs shipped", "rel. L2 vs official eager"))
    shipped = summary(times["TorchScript (shipped)"])[0]
    for name in sides:
        median, p95 = summary(times[name])
        print("%-24s %10.2f %10.2f %9.2fx %26.4f" % (name, median, p95, shipped / median,
                                                     relative_l2(outputs[name][key], reference[key])))
    print("AOTInductor compile: %.0f s (package %s, %.0f MB)" % (compile_s, path, os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
