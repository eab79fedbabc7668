import re
from pathlib import Path

import numpy as np
import pytest

from smpstudio.core import load_plan
from smpstudio.design import default_design, developed_hairline_mm
from smpstudio.head import fit_ellipsoid_head
from smpstudio.render import SCALE_BAR_MM, design_stencil_pdf

POINTS_PER_MM = 72.0 / 25.4
"""The PDF's own unit is the point, 1/72 inch."""
PRINT_TOLERANCE_MM = 0.05
MFP_TOLERANCE_MM = 1.0


def _page_streams(pdf: bytes) -> list[str]:
    return [s.decode("latin-1") for s in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S)]


def _polylines_pt(stream: str) -> list[np.ndarray]:
    """Every path of straight segments (``m`` then ``l`` … then ``S``) in a content stream."""
    number = r"(-?[\d.]+)"
    paths = re.findall(rf"{number} {number} m((?:\s+{number} {number} l)+)\s*S", stream)
    out = []
    for x0, y0, rest, *_ in paths:
        tail = re.findall(rf"{number} {number} l", rest)
        out.append(np.array([(float(x0), float(y0))] + [(float(x), float(y)) for x, y in tail]))
    return out


@pytest.mark.parametrize("requested_mm", [75.0, 90.0])
def test_the_laid_flat_line_keeps_the_mid_frontal_height(requested_mm) -> None:
    head = fit_ellipsoid_head()
    flat = developed_hairline_mm(head, default_design(head, mfp_above_glabella_mm=requested_mm))
    order = np.argsort(flat[:, 0])
    assert np.interp(0.0, flat[order, 0], flat[order, 1]) == pytest.approx(
        requested_mm, abs=MFP_TOLERANCE_MM
    )
    assert np.all(np.diff(flat[:, 0]) > -0.5)  # right temple to left, across the forehead
    assert flat[:, 0].min() < -100 and flat[:, 0].max() > 100


def test_pdf_prints_at_true_scale(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.head is not None and plan.design is not None
    pdf = (example_plan_dir / "design" / "design.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") == 2
    stencil, zone_map = _page_streams(pdf)[:2]
    lines = _polylines_pt(stencil)
    lengths = [np.ptp(p[:, 0]) for p in lines if len(p) == 2 and np.ptp(p[:, 1]) == 0]
    bar = min(lengths, key=lambda x: abs(x - SCALE_BAR_MM * POINTS_PER_MM))
    assert bar / POINTS_PER_MM == pytest.approx(SCALE_BAR_MM, abs=PRINT_TOLERANCE_MM)
    assert "100 mm: measure this bar" in stencil
    # the drawn hairline, in points above the baseline, is the laid-flat line in mm
    curve = max(lines, key=len)
    flat = developed_hairline_mm(plan.head, plan.design)
    assert len(curve) == len(flat)
    baseline_pt = curve[:, 1] - flat[:, 1] * POINTS_PER_MM  # PDF y grows upwards
    assert np.ptp(baseline_pt) / POINTS_PER_MM < PRINT_TOLERANCE_MM
    midline_pt = curve[:, 0] - flat[:, 0] * POINTS_PER_MM
    assert np.ptp(midline_pt) / POINTS_PER_MM < PRINT_TOLERANCE_MM
    assert "impressions/cm" in zone_map and "1:2" in zone_map


def test_pdf_is_made_from_the_design_alone(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.head is not None and plan.design is not None
    again = design_stencil_pdf(plan.head, plan.design)
    written = (example_plan_dir / "design" / "design.pdf").read_bytes()
    assert _page_streams(again) == _page_streams(written)
