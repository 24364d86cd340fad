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


def official_find(torch, model, processor, state, find, w, h, threshold=None):
    """The official processor's detector path on the request; returns the kept instances best
    first and the threshold chosen for them (which the app then receives), or those above
    `threshold` when given (the bf16 run keeps what the fp32 run's threshold keeps)."""
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
    if threshold is None:
        threshold, count = choose_threshold(probs)
    else:
        count = int((probs > threshold).sum())
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


def interactive_metrics(ours, ref):
    """(output, difference, float32 tolerance) of one interactive answer against a reference, or
    a single (output, None, why) row when the candidate counts differ."""
    if ours["scores"].shape != ref["scores"].shape:
        return [("candidates", None, "%d vs %d in the reference" % (len(ours["scores"]), len(ref["scores"])))]
    rows = [("iou scores", np.abs(ours["scores"] - ref["scores"]).max(), TOLERANCES["iou_score"])]
    tie = len(ref["scores"]) > 1 and ref["scores"][0] - ref["scores"][1] <= TOLERANCES["iou_score"]
    if not tie:  # the chosen candidate: our first is the reference's argmax
        rows.append(("chosen candidate's mask", mask_difference(ours["masks"][0] > 0, ref["masks"][0]), TOLERANCES["mask_pixels"]))
    scale = max(1.0, float(np.abs(ref["low_res_logits"]).max()))
    rows.append(("low-res logits", np.abs(ours["low_res_logits"] - ref["low_res_logits"]).max() / scale, TOLERANCES["low_res_logits"]))
    rows.append(("masks", max(mask_difference(o, r) for o, r in zip(ours["masks"] > 0, ref["masks"])), TOLERANCES["mask_pixels"]))
    return rows


def find_metrics(ours, ref, matched_only=False):
    """The same for a detector answer. With `matched_only` (the bf16 comparison), instances are
    compared on the first min(ours, reference) of each, and the difference in how many were
    kept is a row of its own."""
    rows = [("presence", abs(float(ours["presence"][0]) - float(ref["presence"][0])), TOLERANCES["presence"])]
    n, m = len(ours["scores"]), len(ref["scores"])
    if n != m and not matched_only:
        return rows + [("instances", None, "%d vs %d in the reference above %.4f" % (n, m, ref["threshold"]))]
    rows.append(("instances kept (%d)" % m, float(abs(n - m)), 0))
    k = min(n, m)
    if k == 0:
        return rows
    rows.append(("scores", np.abs(ours["scores"][:k] - ref["scores"][:k]).max(), TOLERANCES["instance_score"]))
    rows.append(("boxes (px)", np.abs(ours["boxes"][:k] - ref["boxes"][:k]).max(), TOLERANCES["box_pixels"]))
    rows.append(("masks", max(mask_difference(o, r) for o, r in zip(ours["masks"][:k] > 0, ref["masks"][:k])), TOLERANCES["mask_pixels"]))
    return rows


class Comparison:
    """Collects one row per compared output: (image, request, output, value, tolerance, ok)."""

    def __init__(self):
        self.rows = []

    def add(self, image, request, output, value, tolerance):
        self.rows.append((image, request, output, float(value), tolerance, bool(value <= tolerance)))

    def fail(self, image, request, output, why):
        self.rows.append((image, request, output + ": " + why, float("nan"), None, False))

    def _add_all(self, image, name, rows):
        for output, value, tolerance in rows:
            if value is None:
                self.fail(image, name, output, tolerance)
            else:
                self.add(image, name, output, value, tolerance)

    def interactive(self, image, name, ours, ref):
        self._add_all(image, name, interactive_metrics(ours, ref))

    def find(self, image, name, ours, ref):
        self._add_all(image, name, find_metrics(ours, ref))

    def table(self):
        lines = ["%-22s %-14s %-28s %12s %10s  %s" % ("image", "request", "output", "difference", "tolerance", "")]
        for image, request, output, value, tolerance, ok in self.rows:
            lines.append("%-22s %-14s %-28s %12.3g %10s  %s" % (image[:22], request, output, value,
                                                               "-" if tolerance is None else "%.3g" % tolerance,
                                                               "ok" if ok else "MISMATCH"))
        return "\n".join(lines)

    def ok(self):
        return all(row[5] for row in self.rows)


# bf16 fidelity: ours in bf16 against the official fp32 model must stay within this factor of
# the official model's own bf16 autocast against its fp32, for every kind of output (features,
# IoU scores, low-res logits, masks, presence, scores, boxes, kept sets), over all requests and
# images: the largest difference of a kind on each side. Single requests are listed too, but a
# lone request where official bf16 happened to land on fp32 (a 1e-5 IoU score next to our
# 4e-4 on the first run) says nothing about the precision. The float32 tolerance is the floor.
BF16_FACTOR = 1.5


class BoundedComparison:
    """Rows of (image, request, output, ours vs official fp32, official bf16 vs official fp32),
    judged per output kind."""

    def __init__(self):
        self.rows = []
        self.floors = {}

    @staticmethod
    def kind(output):
        return output.split(" (")[0] if not output.startswith("72x72") else output

    def _add_all(self, image, name, ours_rows, bound_rows):
        bounds = {self.kind(o): v for o, v, _ in bound_rows}
        for output, value, tolerance in ours_rows:
            bound_value = bounds.get(self.kind(output))
            if value is None or bound_value is None:  # a candidate-count mismatch on either side
                self.rows.append((image, name, output + (": " + tolerance if value is None else ""), float("nan"), float("nan")))
                continue
            self.floors[self.kind(output)] = float(tolerance)
            self.rows.append((image, name, output, float(value), float(bound_value)))

    def interactive(self, image, name, ours, ref32, ref16):
        self._add_all(image, name, interactive_metrics(ours, ref32), interactive_metrics(ref16, ref32))

    def find(self, image, name, ours, ref32, ref16):
        self._add_all(image, name, find_metrics(ours, ref32, True), find_metrics(ref16, ref32, True))

    def add_features(self, image, ours, ref16, ref32):
        """Relative L2 of the 72 x 72 detector features."""
        def rel(a, b):
            return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))
        self.floors["72x72 features (rel. L2)"] = 0.0
        self.rows.append((image, "encode", "72x72 features (rel. L2)", rel(ours, ref32), rel(ref16, ref32)))

    def kinds(self):
        """(kind, our largest difference, official bf16's largest, bound, ok) per output kind."""
        out = []
        for kind in dict.fromkeys(self.kind(r[2]) for r in self.rows):
            rows = [r for r in self.rows if self.kind(r[2]) == kind]
            ours, theirs = max(r[3] for r in rows), max(r[4] for r in rows)
            if np.isnan(ours) or np.isnan(theirs):
                out.append((kind, ours, theirs, None, False))
                continue
            bound = max(BF16_FACTOR * theirs, self.floors.get(kind, 0.0))
            out.append((kind, ours, theirs, bound, ours <= bound))
        return out

    def table(self):
        lines = ["%-22s %-14s %-28s %12s %13s" % ("image", "request", "output", "ours bf16", "official bf16")]
        for image, request, output, value, bound_value in self.rows:
            lines.append("%-22s %-14s %-28s %12.3g %13.3g" % (image[:22], request, output, value, bound_value))
        lines.append("")
        lines.append("%-28s %12s %13s %10s  (largest over every request and image; vs official fp32)" % ("output kind", "ours bf16", "official bf16", "bound"))
        for kind, ours, theirs, bound, ok in self.kinds():
            lines.append("%-28s %12.3g %13.3g %10s  %s" % (kind, ours, theirs, "-" if bound is None else "%.3g" % bound,
                                                           "ok" if ok else "MISMATCH"))
        return "\n".join(lines)

    def ok(self):
        return all(k[4] for k in self.kinds())
