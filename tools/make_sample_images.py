#!/usr/bin/python3
"""Draws the bundled sample images: synthetic scenes with distinct objects on a textured
background (repeated objects for find-similar, a ring with a hole, touching neighbours).
Run with Debian's /usr/bin/python3 (needs python3-numpy); writes PNGs with zlib only."""
import struct
import sys
import zlib
from pathlib import Path

import numpy as np


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


def background(rng, h, w, base, amp):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    tex = (np.sin(xx / 9.0) * np.cos(yy / 13.0) * 0.5 + rng.normal(0, 0.35, (h, w))) * amp
    grad = (yy / h) * 30.0
    img = np.stack([base[0] + tex + grad, base[1] + tex * 0.8 + grad, base[2] + tex * 0.6], -1)
    return img


def shade(img, mask, colour, rng, light=True):
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return
    cy, cx = ys.mean(), xs.mean()
    r = max(1.0, np.sqrt(mask.sum() / np.pi))
    d = np.hypot(ys - cy + r * 0.3, xs - cx + r * 0.3) / r
    k = (1.15 - 0.35 * np.clip(d, 0, 1.5)) if light else 1.0
    noise = rng.normal(0, 4, len(ys))
    for c in range(3):
        img[ys, xs, c] = colour[c] * k + noise


def disc(h, w, cy, cx, r):
    yy, xx = np.ogrid[0:h, 0:w]
    return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r


def rect(h, w, y0, x0, y1, x1):
    m = np.zeros((h, w), bool)
    m[y0:y1, x0:x1] = True
    return m


def scene_shapes(rng, h=768, w=1024):
    img = background(rng, h, w, (96, 110, 84), 18)
    for cx in (160, 330, 500):  # three similar oranges for find-similar
        shade(img, disc(h, w, 200, cx, 62), (235, 140, 30), rng)
    ring = disc(h, w, 520, 260, 120) & ~disc(h, w, 520, 260, 55)  # object with a hole
    shade(img, ring, (70, 120, 210), rng)
    shade(img, rect(h, w, 420, 560, 660, 760), (200, 200, 205), rng)  # box ...
    shade(img, disc(h, w, 430, 800, 85), (200, 40, 60), rng)          # ... touching a disc
    yy, xx = np.mgrid[0:h, 0:w]
    tri = (yy > 80) & (yy < 330) & (np.abs(xx - 820) < (yy - 80) * 0.6)
    shade(img, tri, (240, 220, 60), rng)
    return img


def scene_tiles(rng, h=720, w=960):
    img = background(rng, h, w, (150, 130, 110), 14)
    for row in range(3):
        for col in range(4):
            y0, x0 = 90 + row * 210, 80 + col * 220
            colour = (60, 150, 90) if (row + col) % 3 else (120, 70, 170)
            shade(img, rect(h, w, y0, x0, y0 + 130, x0 + 150), colour, rng)
            shade(img, disc(h, w, y0 + 65, x0 + 75, 28), (245, 245, 240), rng)
    return img


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    for name, scene in (("sample_shapes.png", scene_shapes), ("sample_tiles.png", scene_tiles)):
        img = np.clip(scene(rng), 0, 255).astype(np.uint8)
        write_png(out / name, img)
        print("wrote", out / name, img.shape)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "resources/images")
