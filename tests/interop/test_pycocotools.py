"""Interop with the reference COCO library (runs on the reference venv's python: pycocotools,
numpy, PIL; tools/reference_python.sh). Every exported mask is decoded by pycocotools and compared
pixel by pixel, with its area and box, against the masks the app writes as PNGs; COCO results load
with loadRes and score AP 1.0 against the ground truth in COCOeval; COCO files made with
pycocotools' mask.encode import into a project exactly; PIL reads our VOC palette PNGs as the
class and instance indices. Exits non-zero on the first difference."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

APP = os.environ["SAM3_APP"]
MAKER = os.environ["SAM3_INTEROP_MAKER"]


def app(*args):
    done = subprocess.run([APP, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"sam3-annotate {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def png(path):
    return np.array(Image.open(path))


def check(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)


def ours(folder, coco, ann):
    """Our own mask of an annotation: the object PNG the app wrote (0/255)."""
    stem = os.path.splitext(os.path.basename(coco.imgs[ann["image_id"]]["file_name"]))[0]
    return png(os.path.join(folder, f"{stem}_{ann['id']}.png")) > 0


def compare_rle_export(work, pngs):
    coco = COCO(os.path.join(work, "coco.json"))
    pixels = 0
    for ann in coco.dataset["annotations"]:
        decoded = coco.annToMask(ann).astype(bool)
        mine = ours(pngs, coco, ann)
        check(decoded.shape == mine.shape, f"annotation {ann['id']}: shape {decoded.shape} vs {mine.shape}")
        check((decoded == mine).all(), f"annotation {ann['id']}: {int((decoded != mine).sum())} pixels differ")
        check(ann["area"] == decoded.sum(), f"annotation {ann['id']}: area {ann['area']} vs {decoded.sum()}")
        rle = coco.annToRLE(ann)
        check(np.allclose(mask_utils.toBbox(rle), ann["bbox"]), f"annotation {ann['id']}: bbox {ann['bbox']}")
        pixels += decoded.size
    print(f"COCO (RLE): {len(coco.dataset['annotations'])} annotations, {pixels} pixels compared, 0 differ")
    return coco


def holes_filled(m):
    """The mask with its holes filled (COCO polygons carry no holes): flood the padded background."""
    from PIL import ImageDraw
    padded = Image.fromarray(np.pad(m, 1).astype(np.uint8) * 255).copy()  # (fromarray shares a read-only buffer)
    ImageDraw.floodfill(padded, (0, 0), 128)
    return (np.array(padded) != 128)[1:-1, 1:-1]


def compare_polygon_export(work, pngs):
    coco = COCO(os.path.join(work, "coco-polygons.json"))
    for ann in coco.dataset["annotations"]:
        decoded = coco.annToMask(ann).astype(bool)
        mine = holes_filled(ours(pngs, coco, ann))
        check(ann["area"] == decoded.sum(), f"polygon annotation {ann['id']}: area {ann['area']} vs decoded {decoded.sum()}")
        # Our polygons follow the pixels' edges, so pycocotools' rasterization gives every pixel
        # back (holes filled: COCO polygons cannot carry them).
        differ = int((decoded != mine).sum())
        check(differ == 0, f"polygon annotation {ann['id']}: {differ} pixels differ from our mask (holes filled)")
        print(f"COCO (polygons): annotation {ann['id']}: {decoded.size} pixels compared, 0 differ (holes filled)")


def compare_results(work, pngs, gt):
    results = json.load(open(os.path.join(work, "results.json")))
    res = gt.loadRes(results)
    by_image = {}
    for ann in gt.dataset["annotations"]:
        by_image.setdefault((ann["image_id"], ann["category_id"]), []).append(gt.annToMask(ann).astype(bool))
    for ann in res.dataset["annotations"]:
        decoded = res.annToMask(ann).astype(bool)
        check(any((decoded == m).all() for m in by_image[(ann["image_id"], ann["category_id"])]),
              f"result on image {ann['image_id']}: no ground-truth mask equals it")
        check(0 <= ann["score"] <= 1, "score")
    evaluation = COCOeval(gt, res, "segm")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    check(abs(evaluation.stats[0] - 1.0) < 1e-9, f"COCOeval AP {evaluation.stats[0]} (the results are the ground truth)")
    print(f"COCO results: {len(results)} detections load with loadRes; COCOeval segm AP = {evaluation.stats[0]:.3f}")


def import_pycocotools_file(work):
    rng = np.random.default_rng(7)
    h, w = 45, 70
    masks, annotations = [], []
    for i in range(4):
        m = np.zeros((h, w), np.uint8)
        cy, cx, r = rng.integers(8, 37), rng.integers(8, 62), rng.integers(3, 9)
        yy, xx = np.mgrid[:h, :w]
        m[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = 1
        m[rng.random((h, w)) < 0.02] = 1  # speckle: many runs
        masks.append(m.astype(bool))
        rle = mask_utils.encode(np.asfortranarray(m))
        if i % 2 == 0:
            segmentation = {"size": rle["size"], "counts": rle["counts"].decode("ascii")}  # compressed
        else:
            flat = m.flatten(order="F")  # uncompressed: run lengths, column-major, starting with 0s
            counts, value, run = [], 0, 0
            for v in flat:
                if v == value:
                    run += 1
                else:
                    counts.append(run)
                    value, run = v, 1
            counts.append(run)
            segmentation = {"size": [h, w], "counts": [int(c) for c in counts]}
        annotations.append({"id": i + 1, "image_id": 1, "category_id": 1, "segmentation": segmentation,
                            "area": float(mask_utils.area(rle)), "bbox": list(mask_utils.toBbox(rle)), "iscrowd": 0})
    coco = {"images": [{"id": 1, "file_name": "made_by_pycocotools.png", "width": w, "height": h}],
            "categories": [{"id": 1, "name": "speckle"}], "annotations": annotations}
    path = os.path.join(work, "from_pycocotools.json")
    json.dump(coco, open(path, "w"))
    project = os.path.join(work, "imported.sam3proj")
    app("import-coco", "--project", project, "--coco", path)
    out = os.path.join(work, "imported_pngs")
    app("export", "--project", project, "--format", "png", "--out", out)
    for i, m in enumerate(masks):
        mine = png(os.path.join(out, f"made_by_pycocotools_{i + 1}.png")) > 0
        check((mine == m).all(), f"pycocotools-encoded mask {i + 1}: {int((mine != m).sum())} pixels differ after import")
    print(f"import: {len(masks)} masks encoded by pycocotools (compressed and uncompressed RLE) read back exactly")


def compare_voc(work, pngs, gt):
    classes = [line.split(":")[0] for line in open(os.path.join(work, "voc", "labelmap.txt")) if not line.startswith("#")]
    for image in gt.dataset["images"]:
        stem = os.path.splitext(os.path.basename(image["file_name"]))[0]
        cls_img = Image.open(os.path.join(work, "voc", "SegmentationClass", stem + ".png"))
        ins_img = Image.open(os.path.join(work, "voc", "SegmentationObject", stem + ".png"))
        check(cls_img.mode == "P" and ins_img.mode == "P", "VOC PNGs are palette images")
        cls, ins = np.array(cls_img), np.array(ins_img)
        expected_cls = np.zeros((image["height"], image["width"]), np.uint8)
        expected_ins = np.zeros_like(expected_cls)
        anns = sorted(gt.imgToAnns[image["id"]], key=lambda a: a["id"])
        for k, ann in enumerate(anns):
            mine = ours(pngs, gt, ann)
            name = gt.cats[ann["category_id"]]["name"]
            expected_cls[mine] = classes.index(name)
            expected_ins[mine] = k + 1
        check((cls == expected_cls).all() and (ins == expected_ins).all(), f"VOC {stem}: indices differ")
    print(f"VOC: {len(gt.dataset['images'])} images read by PIL as palette PNGs with the expected class and instance indices")


def main():
    with tempfile.TemporaryDirectory() as work:
        project = os.path.join(work, "sample.sam3proj")
        subprocess.run([MAKER, project], check=True)
        pngs = os.path.join(work, "pngs")
        app("export", "--project", project, "--format", "png", "--out", pngs)
        app("export", "--project", project, "--format", "coco", "--out", os.path.join(work, "coco.json"))
        app("export", "--project", project, "--format", "coco-polygons", "--out", os.path.join(work, "coco-polygons.json"))
        app("export", "--project", project, "--format", "coco-results", "--out", os.path.join(work, "results.json"))
        app("export", "--project", project, "--format", "voc", "--out", os.path.join(work, "voc"))
        gt = compare_rle_export(work, pngs)
        compare_polygon_export(work, pngs)
        compare_results(work, pngs, gt)
        import_pycocotools_file(work)
        compare_voc(work, pngs, gt)
    print("interop with pycocotools: every check passed")


if __name__ == "__main__":
    main()
