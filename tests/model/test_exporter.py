"""Bad input to the exporter (reference venv; ctest model_exporter, label `model`): every case
stops with a message naming the file and the fix, and nothing is written. Uses the official
architecture with 2 ViT blocks (the checks do not depend on depth)."""
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
import torch  # noqa: E402
import official  # noqa: E402

failures, passes = [], []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    (passes if condition else failures).append(what)


def refusal(model, path):
    try:
        official.load_checkpoint(torch, model, path)
    except official.ReferenceError as e:
        return str(e)
    return None


def main():
    model = official.build(torch, official.vocabulary(), "cpu", depth=2)
    check(official.global_blocks(32) == (7, 15, 23, 31) and official.global_blocks(2) == (1,),
          "global-attention blocks follow the released pattern at any depth")
    state = {official.checkpoint_name(k): v.clone() for k, v in model.state_dict().items()}
    check(all(k.startswith(("detector.", "tracker.")) for k in state), "checkpoint names use detector./tracker.")
    with tempfile.TemporaryDirectory() as work:
        good = os.path.join(work, "good.pt")
        official.randomize(torch, model, 7)
        expected = {official.checkpoint_name(k): v.clone() for k, v in model.state_dict().items()}
        torch.save({"model": {**expected, "tracker.maskmem_extra.weight": torch.zeros(2)}}, good)
        official.randomize(torch, model, 8)  # other weights, then load the checkpoint back
        unused = official.load_checkpoint(torch, model, good)
        loaded = {official.checkpoint_name(k): v for k, v in model.state_dict().items()}
        check(unused == 1 and all(torch.equal(loaded[k], expected[k]) for k in expected),
              "a complete checkpoint loads every tensor (and counts the unused one)")

        text = os.path.join(work, "notes.pt")
        open(text, "w").write("not a checkpoint")
        message = refusal(model, text)
        check(message is not None and "notes.pt" in message and "not a torch checkpoint" in message, "a text file is refused")

        truncated = os.path.join(work, "truncated.pt")
        data = open(good, "rb").read()
        open(truncated, "wb").write(data[: len(data) // 2] + data[-22:])  # the zip directory survives, the data does not
        message = refusal(model, truncated)
        check(message is not None and "truncated.pt" in message, "a truncated checkpoint is refused: %s" % (message or "")[:120])

        missing = os.path.join(work, "missing.pt")
        torch.save({k: v for k, v in expected.items() if not k.startswith("tracker.sam_mask_decoder.")}, missing)
        message = refusal(model, missing)
        check(message is not None and "missing tensors" in message and "tracker.sam_mask_decoder." in message,
              "a checkpoint without the mask decoder is refused, naming keys")

        shaped = os.path.join(work, "shaped.pt")
        other = dict(expected)
        other["detector.geometry_encoder.final_proj.weight"] = torch.zeros(3, 3)
        torch.save(other, shaped)
        message = refusal(model, shaped)
        check(message is not None and "geometry_encoder.final_proj.weight (3, 3)" in message, "a mis-shaped tensor is refused")

        check(refusal(model, os.path.join(work, "absent.pt")) is not None, "a missing file is refused")

        exporter = os.path.join(ROOT, "tools", "export_sam3_bundle.py")
        out = os.path.join(work, "x.sam3bundle")
        run = subprocess.run([sys.executable, exporter, "--checkpoint", text, "--out", out], capture_output=True, text=True)
        check(run.returncode == 2 and "not a torch checkpoint" in run.stderr and not os.path.exists(out)
              and not any(n.startswith("x.sam3bundle.partial") for n in os.listdir(work)),
              "the exporter stops with exit 2 on a bad checkpoint and leaves nothing behind")
        run = subprocess.run([sys.executable, exporter, "--checkpoint", good, "--depth", "2", "--out", out],
                             capture_output=True, text=True)
        check(run.returncode == 2 and "--depth" in run.stderr, "--depth with a checkpoint is refused")
        os.makedirs(out)
        run = subprocess.run([sys.executable, exporter, "--random-weights", "1", "--depth", "1", "--out", out],
                             capture_output=True, text=True)
        check(run.returncode == 2 and "--force" in run.stderr, "an existing bundle is not replaced without --force")
        run = subprocess.run([sys.executable, exporter, "--random-weights", "1", "--depth", "1", "--target-libtorch", "1.13",
                              "--precisions", "fp32,bf16", "--out", out + "2"], capture_output=True, text=True)
        check(run.returncode == 2 and "bf16 graphs are for --target-libtorch 2.x" in run.stderr,
              "bf16 graphs for LibTorch 1.13 are refused")
        run = subprocess.run([sys.executable, exporter, "--random-weights", "1", "--depth", "1", "--precisions", "bf16",
                              "--out", out + "2"], capture_output=True, text=True)
        check(run.returncode == 2 and "fp32 graphs are always written" in run.stderr, "bf16 without fp32 is refused")

    import bundle_graphs
    nn = torch.nn
    toy = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.Conv2d(4, 4, 1), nn.Embedding(3, 4), nn.MultiheadAttention(4, 1))
    cast = bundle_graphs.cast_matrix_weights(torch, toy, torch.bfloat16)
    check(cast == 8 and toy[0].weight.dtype == torch.bfloat16 and toy[2].bias.dtype == torch.bfloat16
          and toy[4].in_proj_weight.dtype == torch.bfloat16 and toy[4].out_proj.weight.dtype == torch.bfloat16
          and toy[1].weight.dtype == torch.float32 and toy[3].weight.dtype == torch.float32,
          "bf16 graphs store linear, convolution and attention weights in bf16, norms and embeddings in fp32 (%d cast)" % cast)
    torch.manual_seed(0)
    worst = 0.0
    for n, m in ((6000, 6000), (70, 6000), (6000, 33)):  # blocks of 1,024 query rows, and none
        q, k, v = torch.randn(1, 2, n, 32), torch.randn(1, 2, m, 32), torch.randn(1, 2, m, 32)
        for mask in (None, torch.rand(1, 1, n, m) > 0.3, torch.randn(n, m)):
            ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            worst = max(worst, (bundle_graphs.legacy_attention(q, k, v, attn_mask=mask) - ref).abs().max().item())
    q = torch.randn(1, 2, 1500, 16)
    ref = torch.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)
    worst = max(worst, (bundle_graphs.legacy_attention(q, q, q, is_causal=True) - ref).abs().max().item())
    check(worst < 1e-5, "the LibTorch 1.13 attention equals scaled_dot_product_attention (max |diff| %.2g)" % worst)

    import sam3.model.sam3_image as image_module
    saved = image_module.Sam3Image._run_encoder
    del image_module.Sam3Image._run_encoder  # what another sam3 version with other internals looks like
    try:
        official.package_info()
        check(False, "a sam3 without _run_encoder is refused")
    except official.ReferenceError as e:
        check("_run_encoder" in str(e) and "sam3==" in str(e), "a sam3 without _run_encoder is refused")
    finally:
        image_module.Sam3Image._run_encoder = saved
    print("%d passed, %d failed" % (len(passes), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
