#!/usr/bin/python3
"""Renders the hand-read outlines of tests/data/real_photos/cases.json into its truth/*.png masks.

Runs with Debian's Python (/usr/bin/python3: numpy + PIL, no torch needed). Each object is the
union of its parts: a 'polygon' is filled with PIL (pixel centres inside), an 'ellipse' is the
least-squares conic through the listed boundary points, filled where the conic is negative at
the pixel centre. Prints, per ellipse, how far the listed points lie from the fitted curve, so a
misread point shows. usage: tools/make_real_photo_truth.py [cases.json]
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw


def fit_ellipse(points):
    """Conic a x^2 + b xy + c y^2 + d x + e y + f = 0 through the points (least squares, centred)."""
    p = np.asarray(points, dtype=np.float64)
    centre = p.mean(axis=0)
    x, y = (p - centre).T
    design = np.stack([x * x, x * y, y * y, x, y, np.ones_like(x)], axis=1)
    _, _, vt = np.linalg.svd(design)
    conic = vt[-1]
    if 4 * conic[0] * conic[2] - conic[1] ** 2 <= 0:
        raise ValueError(f"points {points[:3]}... do not lie on an ellipse")
    if conic[5] > 0:  # inside negative
        conic = -conic
    return centre, conic


def conic_value(centre, conic, xs, ys):
    x, y = xs - centre[0], ys - centre[1]
    return conic[0] * x * x + conic[1] * x * y + conic[2] * y * y + conic[3] * x + conic[4] * y + conic[5]


def residual_pixels(centre, conic, points):
    """Distance of each point to the curve, to first order: |value| / |gradient|."""
    worst = 0.0
    for px, py in points:
        x, y = px - centre[0], py - centre[1]
        gx = 2 * conic[0] * x + conic[1] * y + conic[3]
        gy = conic[1] * x + 2 * conic[2] * y + conic[4]
        worst = max(worst, abs(conic_value(centre, conic, px, py)) / max(np.hypot(gx, gy), 1e-12))
    return worst


def render(obj, size):
    width, height = size
    mask = np.zeros((height, width), dtype=bool)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    for part in obj["parts"]:
        if "polygon" in part:
            canvas = Image.new("1", (width, height), 0)
            ImageDraw.Draw(canvas).polygon([tuple(p) for p in part["polygon"]], fill=1, outline=1)
            mask |= np.asarray(canvas, dtype=bool)
        else:
            centre, conic = fit_ellipse(part["ellipse"])
            print(f"  {obj['name']}: ellipse through {len(part['ellipse'])} points, farthest "
                  f"{residual_pixels(centre, conic, part['ellipse']):.1f} px from the curve")
            mask |= conic_value(centre, conic, xs, ys) <= 0
    return mask


def main():
    cases_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "tests", "data", "real_photos", "cases.json")
    folder = os.path.dirname(os.path.abspath(cases_path))
    cases = json.load(open(cases_path))
    images = {i["name"]: i for i in cases["images"]}
    for obj in cases["objects"]:
        size = Image.open(os.path.join(folder, images[obj["image"]]["file"])).size
        mask = render(obj, size)
        out = os.path.join(folder, obj["truth"])
        os.makedirs(os.path.dirname(out), exist_ok=True)
        Image.fromarray(mask.astype(np.uint8) * 255).convert("1").save(out, optimize=True)
        print(f"{obj['name']}: {int(mask.sum())} pixels -> {obj['truth']}")


if __name__ == "__main__":
    main()
