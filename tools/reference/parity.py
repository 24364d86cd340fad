"""The prompts the parity check sends to both models, the official side of each, and the
comparisons with their tolerances (tools/check_bundle_parity.py; reference venv only).

Tolerances are per output, for float32 on two different stacks (the bundle's TorchScript on
Debian's LibTorch 1.13 with OpenBLAS/oneDNN; the official eager model on torch 2.x with its
own kernels): summation order differs, so values agree to rounding, not bit for bit, and a
mask pixel whose logit is within rounding of 0 may fall either way.
"""
import numpy as np

TOLERANCES = {
    # Measured on the full-size random-weight bundle and on the CI depth-2 bundle (2 images):
    # at most 9e-8, 4.6e-6, 4.7e-6, 4.2e-7, 1.2e-7 and 5.5e-4 px; these allow ~20x that.
    "iou_score": 1e-4,         # |ours - official| of each candidate's predicted IoU
    "low_res_logits": 1e-4,    # max |ours - official| / max(1, max |official|), best candidate
    "mask_pixels": 1e-4,       # differing pixels / max(union, 1000), every mask
    "instance_score": 1e-4,    # |ours - official| of sigmoid(logit) * sigmoid(presence)
    "presence": 1e-4,          # |ours - official| of sigmoid(presence)
    "box_pixels": 0.01,        # max |ours - official| of box corners, in image pixels
}


def segment_command(app):
    """The command line that runs `segment`: the Qt-free `sam3-segment`, or `sam3-annotate segment`."""
    import os
    return [app] if os.path.basename(app).startswith("sam3-segment") else [app, "segment"]


def interactive_requests(w, h):
    """SAM1-style prompts in image pixels (name, points [[x, y, label]], box or None, mask)."""
    return [
        {"name": "click", "points": [[0.46 * w, 0.52 * h, 1]]},
        {"name": "clicks", "points": [[0.46 * w, 0.52 * h, 1], [0.62 * w, 0.40 * h, 1], [0.20 * w, 0.80 * h, 0]]},
        {"name": "box", "box": [0.25 * w, 0.30 * h, 0.70 * w, 0.78 * h]},
        {"name": "box_clicks", "box": [0.25 * w, 0.30 * h, 0.70 * w, 0.78 * h], "points": [[0.5 * w, 0.5 * h, 1], [0.3 * w, 0.35 * h, 0]]},
        {"name": "refine", "points": [[0.46 * w, 0.52 * h, 1], [0.55 * w, 0.6 * h, 1]], "mask_from": "click"},
        {"name": "painted", "mask_logits": "painted_mask.safetensors"},
    ]


def detector_requests(w, h, with_text):
    boxes = [[0.10 * w, 0.15 * h, 0.38 * w, 0.50 * h, 1], [0.60 * w, 0.55 * h, 0.90 * w, 0.92 * h, 0]]
    requests = [{"name": "exemplars", "find": {"boxes": boxes}}]
    if with_text:
        requests.append({"name": "text", "find": {"text": "a red car"}})
        requests.append({"name": "text_exemplar", "find": {"text": "dog", "boxes": boxes[:1]}})
    return requests


def painted_logits(size=288):
    """A painted blob as the app sends it: +10 inside an ellipse, -10 outside."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    inside = ((x - 0.45 * size) / (0.22 * size)) ** 2 + ((y - 0.55 * size) / (0.3 * size)) ** 2 <= 1.0
    return np.where(inside, 10.0, -10.0).astype(np.float32)


def official_interactive(model, state, request, earlier, painted):
    """predict_inst as the official model answers the app's request. The app asks for three
    candidates exactly when the prompt is one click and nothing else."""
    points = request.get("points", [])
    kwargs = {"multimask_output": len(points) == 1 and "box" not in request and "mask_from" not in request
              and "mask_logits" not in request}
    if points:
        kwargs["point_coords"] = np.array([[p[0], p[1]] for p in points], dtype=np.float32)
        kwargs["point_labels"] = np.array([p[2] for p in points], dtype=np.int32)
    if "box" in request:
        kwargs["box"] = np.array(request["box"], dtype=np.float32)
    if "mask_from" in request:
        kwargs["mask_input"] = earlier[request["mask_from"]][None]
    elif "mask_logits" in request:
        kwargs["mask_input"] = painted[None]
    masks, iou, low_res = model.predict_inst(state, **kwargs)
    order = np.argsort(-iou, kind="stable")
    return {"masks": masks[order] > 0, "scores": iou[order], "low_res_logits": low_res[order[0]], "best": int(order[0])}


def choose_threshold(probs, most=6):
    """A threshold in the widest gap between the top `most` + 1 official scores, so that
    rounding cannot move an instance across it (random weights give arbitrary score levels)."""
    p = np.sort(probs)[::-1]
    k = max(range(1, most + 1), key=lambda i: p[i - 1] - p[i])
    return float((p[k - 1] + p[k]) / 2), k


def official_find(torch, model, processor, state, find, w, h):
    """The official processor's detector path on the request; returns the kept instances best
    first and the threshold chosen for them (which the app then receives)."""
    processor.reset_all_prompts(state)
    text = find.get("text") or "visual"  # the processor's own choice for exemplar-only prompts
    state["backbone_out"].update(model.backbone.forward_text([text], device=processor.device))
    state["geometric_prompt"] = model._get_dummy_prompt()
    for b in find.get("boxes", []):
        box = torch.tensor([[[(b[0] + b[2]) / 2 / w, (b[1] + b[3]) / 2 / h, (b[2] - b[0]) / w, (b[3] - b[1]) / h]]])
        state["geometric_prompt"].append_boxes(box, torch.tensor([[bool(b[4])]]))
    raw = model.forward_grounding(backbone_out=state["backbone_out"], find_input=processor.find_stage,
                                  geometric_prompt=state["geometric_prompt"], find_target=None)
    presence = raw["presence_logit_dec"].sigmoid().item()
    probs = (raw["pred_logits"].sigmoid() * presence).flatten().float().numpy()
    threshold, count = choose_threshold(probs)
    # The processor's own post-processing on those outputs (grounding is not run twice).
    real = model.forward_grounding
    model.forward_grounding = lambda **_: raw
    try:
        processor.confidence_threshold = threshold
        state = processor._forward_grounding(state)
    finally:
        model.forward_grounding = real
    scores = state["scores"].float().numpy()
    order = np.argsort(-scores, kind="stable")
    boxes = state["boxes"].float().numpy()[order]
    boxes = np.clip(boxes, 0, [w, h, w, h])  # the app clips boxes to the image
    return {"masks": state["masks"][:, 0].numpy()[order], "scores": scores[order], "boxes": boxes,
            "presence": np.array([presence], dtype=np.float32), "threshold": threshold, "expected": count}


def mask_difference(ours, ref):
    differ = np.count_nonzero(ours != ref)
    union = np.count_nonzero(ours | ref)
    return differ / max(union, 1000)


class Comparison:
    """Collects one row per compared output: (image, request, output, value, tolerance, ok)."""

    def __init__(self):
        self.rows = []

    def add(self, image, request, output, value, tolerance):
        self.rows.append((image, request, output, float(value), tolerance, bool(value <= tolerance)))

    def fail(self, image, request, output, why):
        self.rows.append((image, request, output + ": " + why, float("nan"), None, False))

    def interactive(self, image, name, ours, ref):
        if ours["scores"].shape != ref["scores"].shape:
            self.fail(image, name, "candidates", "%d ours vs %d official" % (len(ours["scores"]), len(ref["scores"])))
            return
        self.add(image, name, "iou scores", np.abs(ours["scores"] - ref["scores"]).max(), TOLERANCES["iou_score"])
        tie = len(ref["scores"]) > 1 and ref["scores"][0] - ref["scores"][1] <= TOLERANCES["iou_score"]
        if not tie:  # the chosen candidate: our first is the official argmax
            self.add(image, name, "chosen candidate's mask", mask_difference(ours["masks"][0] > 0, ref["masks"][0]),
                     TOLERANCES["mask_pixels"])
        scale = max(1.0, float(np.abs(ref["low_res_logits"]).max()))
        self.add(image, name, "low-res logits", np.abs(ours["low_res_logits"] - ref["low_res_logits"]).max() / scale,
                 TOLERANCES["low_res_logits"])
        self.add(image, name, "masks", max(mask_difference(o, r) for o, r in zip(ours["masks"] > 0, ref["masks"])),
                 TOLERANCES["mask_pixels"])

    def find(self, image, name, ours, ref):
        self.add(image, name, "presence", abs(float(ours["presence"][0]) - float(ref["presence"][0])), TOLERANCES["presence"])
        if len(ours["scores"]) != len(ref["scores"]):
            self.fail(image, name, "instances", "%d ours vs %d official above %.4f" % (len(ours["scores"]), len(ref["scores"]), ref["threshold"]))
            return
        self.add(image, name, "instances kept (%d)" % len(ref["scores"]), 0.0, 0)
        if len(ref["scores"]) == 0:
            return
        self.add(image, name, "scores", np.abs(ours["scores"] - ref["scores"]).max(), TOLERANCES["instance_score"])
        self.add(image, name, "boxes (px)", np.abs(ours["boxes"] - ref["boxes"]).max(), TOLERANCES["box_pixels"])
        self.add(image, name, "masks", max(mask_difference(o, r) for o, r in zip(ours["masks"] > 0, ref["masks"])),
                 TOLERANCES["mask_pixels"])

    def table(self):
        lines = ["%-22s %-14s %-28s %12s %10s  %s" % ("image", "request", "output", "difference", "tolerance", "")]
        for image, request, output, value, tolerance, ok in self.rows:
            lines.append("%-22s %-14s %-28s %12.3g %10s  %s" % (image[:22], request, output, value,
                                                               "-" if tolerance is None else "%.3g" % tolerance,
                                                               "ok" if ok else "MISMATCH"))
        return "\n".join(lines)

    def ok(self):
        return all(row[5] for row in self.rows)
