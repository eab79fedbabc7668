"""Fit the hair classifier's weights to the hand-traced hair polygons; print leave-one-out accuracy.

Run from the repository root: ``.venv/bin/python scripts/fit_hair_classifier.py``. It prints
the weights to paste into ``HAIR_WEIGHTS`` and ``HAIR_BIAS`` in
``src/smpstudio/analysis/_hair.py``, then, for each annotated photo, the accuracy of weights
fitted to the *other* photos (leave one photo out) — the honest estimate for a new client.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from scipy.optimize import minimize

from smpstudio._typing import BoolArray, FloatArray
from smpstudio.analysis import (
    boundary_f_score,
    detect_face,
    face_mesh,
    plain_background_mask,
    read_photo,
)
from smpstudio.analysis._hair import _classify, _working_scale, _WorkingScale

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT / "tests" / "data" / "photos"
ANNOTATIONS = ROOT / "tests" / "data" / "annotations" / "hair_polygons.json"
RIDGE = 1e-3
"""L2 penalty on the weights (not the bias)."""


@dataclass(frozen=True)
class Example:
    name: str
    work: _WorkingScale
    truth: BoolArray


def traced_hair(polygons: list[list[list[float]]], shape: tuple[int, int]) -> BoolArray:
    """Rasterise hair polygons (photo pixels) into a mask."""
    mask = np.zeros(shape, np.uint8)
    for polygon in polygons:
        cv2.fillPoly(mask, [np.round(np.asarray(polygon)).astype(np.int32)], 1)
    return mask.astype(bool)


def load_examples() -> list[Example]:
    annotations = json.loads(ANNOTATIONS.read_text())["photos"]
    examples = []
    for name, entry in sorted(annotations.items()):
        image, _ = read_photo(PHOTOS / name)
        face = detect_face(image)
        assert face is not None, name
        mesh = face_mesh(image, face)
        work = _working_scale(image, mesh.landmarks_px, plain_background_mask(image), None)
        truth = traced_hair(entry["hair"], image.shape[:2])
        size = (work.image.shape[1], work.image.shape[0])
        truth = cv2.resize(truth.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        examples.append(Example(name, work, truth & work.region))
    return examples


def fit(examples: list[Example]) -> FloatArray:
    """Class-balanced logistic regression; every photo weighs the same."""
    xs, ys, ws = [], [], []
    for example in examples:
        region = example.work.region
        xs.append(example.work.features[region].astype(np.float64))
        ys.append(example.truth[region].astype(np.float64))
        ws.append(np.full(int(region.sum()), 1.0 / region.sum()))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    w = w * np.where(y > 0, 0.5 / (w * y).sum(), 0.5 / (w * (1 - y)).sum())
    xb = np.column_stack([x, np.ones(len(x))])

    def loss(params: FloatArray) -> tuple[float, FloatArray]:
        z = xb @ params
        value = float((w * (np.logaddexp(0, z) - y * z)).sum())
        grad = xb.T @ (w * (1 / (1 + np.exp(-z)) - y))
        penalty = np.r_[params[:-1], 0.0]
        return value + RIDGE * float(penalty @ penalty), grad + 2 * RIDGE * penalty

    result = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(result.x)


def main() -> None:
    examples = load_examples()
    params = fit(examples)
    print("HAIR_WEIGHTS =", tuple(round(float(v), 3) for v in params[:-1]))
    print("HAIR_BIAS =", round(float(params[-1]), 3))
    print(f"{'photo':<12}{'hair % img':>11}{'IoU':>7}{'F@3px':>7}{'false hair':>12}")
    for held_out in examples:
        others = fit([e for e in examples if e is not held_out])
        weights = tuple(float(v) for v in others[:-1])
        _, hair = _classify(held_out.work, weights, float(others[-1]))
        region, truth = held_out.work.region, held_out.truth
        union = (hair | truth).sum()
        iou = (hair & truth).sum() / union if union else float("nan")
        f3 = boundary_f_score(hair, truth, region, 3.0)
        false_hair = (hair & ~truth).sum() / max(1, (region & ~truth).sum())
        share = 100 * truth.sum() / truth.size
        print(f"{held_out.name:<12}{share:>11.1f}{iou:>7.2f}{f3:>7.2f}{false_hair:>12.3f}")


if __name__ == "__main__":
    main()
