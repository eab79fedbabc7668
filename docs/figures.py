"""Make the pictures in README.md and docs/ from the head meshes and photos in shared/data.

Run: ``.venv/bin/python docs/figures.py`` (needs the test extras, for matplotlib).

The ICT-FaceKit generic neutral head (USC ICT, MIT licence) is in centimetres with y up and
z forward. It is placed in the head frame *approximately*: its eye midpoint is moved onto
the eye midpoint of SMP Studio's face template, with no rotation. Its scalp is the
head-and-neck part of the mesh. The same design and pattern functions as for a client then
run on it; the design's hairline, not the mesh, decides where the scalp begins.
"""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from smpstudio.analysis import analyse_photo, read_photo
from smpstudio.core import HeadModel
from smpstudio.design import (
    HAIRLINE_STYLES,
    ZONE_NAMES,
    default_design,
    hairline_curve_mm,
    hairline_uv,
    region_of_points,
    zone_areas_cm2,
)
from smpstudio.domain import ANSUR_MALE, DEFAULTS
from smpstudio.head import (
    chart_from_surface,
    face_template_mm,
    fit_ellipsoid_head,
    head_from_scan,
    load_scan,
    mm_per_unit_for_head_breadth,
    sample_surface_uniform,
    scalp_chart,
    splat_render,
    surface_samples,
    view_rotation,
)
from smpstudio.pattern import (
    follicular_units,
    fu_density_map,
    impressions_of_units,
    pattern_report,
    synthesize_impressions,
)
from smpstudio.render import (
    SKIN_RGB,
    hairline_close_up,
    pair_correlation_plot,
    render_head_view,
    zone_rgb,
)

ROOT = Path(__file__).resolve().parents[1]
ICT = (
    ROOT.parent / "shared" / "data" / "meshes" / "ict_facekit" / "ict_face_head_identity_basis.npz"
)
CONGRESS = ROOT.parent / "shared" / "data" / "photos" / "congress"
LPS = ROOT / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
OUT = ROOT / "docs" / "img"
CREDIT = "Head mesh: ICT-FaceKit generic neutral model, USC ICT (MIT licence)"


def ict_head() -> HeadModel:
    data = np.load(ICT)
    vertices = data["neutral"].astype(np.float64) * 10.0  # cm → mm
    faces = data["triangles"].astype(np.int64)
    eyes_ict = np.array([0.0, 42.7, 95.7])  # eyelid-ring midpoint, measured on the mesh
    eyes_frame = face_template_mm(ANSUR_MALE.interpupillary_breadth_mm)[:2].mean(axis=0)
    vertices = vertices + (eyes_frame - eyes_ict)
    centroid_y = vertices[faces].mean(axis=1)[:, 1]
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    return HeadModel(vertices, faces, centroid_y >= lower, "ICT-FaceKit neutral")


def _save_with_ict_credit(fig: plt.Figure, name: str, credit_y: float) -> None:
    fig.text(
        0.5, credit_y, CREDIT + "; placed in the head frame approximately.", ha="center", fontsize=8
    )
    fig.savefig(OUT / name, bbox_inches="tight")
    plt.close(fig)


def pattern_figure() -> None:
    head = ict_head()
    design = default_design(head)
    pattern = synthesize_impressions(head, design, rng=np.random.default_rng(1))
    curve = hairline_curve_mm(head, design)
    curve = curve[np.all(np.isfinite(curve), axis=1)]
    views = [(15, -35, "front three-quarter view"), (70, 0, "from above, face at the bottom")]
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.4), dpi=110)
    for ax, (elev, azim, title) in zip(axes, views, strict=True):
        image, _ = render_head_view(
            head,
            elev_deg=elev,
            azim_deg=azim,
            points_mm=pattern.positions_mm,
            normals=pattern.normals,
            curve_mm=curve,
        )
        ax.imshow(image)
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    fig.suptitle(
        f"{len(pattern):,} impressions in {pattern.fu_id.max() + 1:,} follicular units behind "
        "a rule-of-8 hairline (red); hairline band at half density, ramped",
        fontsize=11,
    )
    _save_with_ict_credit(fig, "pattern-on-ict-head.png", 0.02)


def pattern_closeup_figure() -> None:
    """The hairline close-up and g(r) that ``smp pattern`` writes, for the ICT head."""
    head = ict_head()
    design = default_design(head)
    density_map = fu_density_map(head, design)
    rng = np.random.default_rng(1)
    units = follicular_units(head, density_map, rng=rng)
    pattern = impressions_of_units(head, design, units, rng=rng)
    skin = (round(255 * SKIN_RGB[0]), round(255 * SKIN_RGB[1]), round(255 * SKIN_RGB[2]))
    close_up = hairline_close_up(head, design, pattern, skin)
    plt.imsave(OUT / "pattern-hairline-closeup.png", close_up)
    report = pattern_report(design, density_map, units, pattern)
    plot = pair_correlation_plot(
        report.edges, {"follicular units": report.g_units, "impressions": report.g_impressions}
    )
    plt.imsave(OUT / "pattern-pair-correlation.png", plot)


def hairline_figure() -> None:
    head = ict_head()
    chart = scalp_chart(head)
    fig = plt.figure(figsize=(12, 8.6), dpi=110)
    presets = [("natural", "mature"), ("natural", "juvenile")]
    for i, (style, age) in enumerate(presets):
        design = default_design(head, style=style, age=age)
        curve = hairline_curve_mm(head, design, chart=chart)
        image, _ = render_head_view(head, elev_deg=15, azim_deg=-35, curve_mm=curve)
        ax = fig.add_subplot(2, 2, i + 1)
        ax.imshow(image[: image.shape[0] * 4 // 5])
        ax.set_title(f"{style}, {age}: rule-of-8 control points", fontsize=10)
        ax.set_axis_off()
    ax = fig.add_subplot(2, 1, 2)
    control = chart_from_surface(chart, default_design(head).hairline_mm)
    for shift, (name, colour) in enumerate(
        [("soft", "tab:orange"), ("natural", "tab:red"), ("defined", "tab:blue")]
    ):
        drawn, smooth = hairline_uv(control, HAIRLINE_STYLES[name])
        ax.plot(drawn[:, 0], drawn[:, 1] - 12 * shift, color=colour, lw=1.0, label=name)
        ax.plot(smooth[:, 0], smooth[:, 1] - 12 * shift, color="0.6", lw=0.6, ls="--")
        ax.plot(control[:, 0], control[:, 1] - 12 * shift, "k.", ms=6)
    ax.set_aspect("equal")
    ax.set_xlabel("u, mm (client's left →)")
    ax.set_ylabel("v, mm (forward); styles 12 mm apart")
    ax.legend(loc="lower center", ncol=3, fontsize=9)
    ax.set_title(
        "the three styles' lines in the scalp chart (dashed: the spline through the control "
        "points, black)",
        fontsize=10,
    )
    _save_with_ict_credit(fig, "hairline-styles.png", 0.01)


def zones_figure() -> None:
    head = ict_head()
    chart = scalp_chart(head)
    design = default_design(head)
    points, _ = sample_surface_uniform(
        head, head.scalp_faces, 120_000, rng=np.random.default_rng(0)
    )
    region = region_of_points(head, design, points, chart=chart)
    uv = chart_from_surface(chart, points)
    areas = zone_areas_cm2(head, design, chart=chart)
    fig, ax = plt.subplots(figsize=(8, 8), dpi=110)
    ax.scatter(*uv[region < 0].T, s=0.3, color="0.85", rasterized=True)
    for zone in design.zones:
        k = ZONE_NAMES.index(zone.name)
        ax.scatter(
            *uv[region == k].T,
            s=0.3,
            color=np.array(zone_rgb(zone)) / 255,
            rasterized=True,
            label=f"{zone.name}: {areas[zone.zone_id]:.0f} cm², "
            f"{zone.density_per_cm2:g} impressions/cm²",
        )
    drawn = chart_from_surface(chart, hairline_curve_mm(head, design, chart=chart))
    ax.plot(*drawn.T, color="k", lw=0.8)
    ax.set_aspect("equal")
    ax.set_xlabel("u, mm (client's left →)")
    ax.set_ylabel("v, mm (forward ↑)")
    ax.legend(loc="lower center", markerscale=12, fontsize=8, frameon=True)
    ax.set_title("default zones in the scalp chart (grey: not treated; black: the hairline)")
    _save_with_ict_credit(fig, "design-zones.png", 0.02)


def head_frame_figure() -> None:
    ellipsoid = fit_ellipsoid_head()
    ict = ict_head()
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.6), dpi=110)
    for ax, (i, j, name) in zip(
        axes,
        [
            (2, 1, "side (client's right)"),
            (0, 1, "front (facing the client: their left is on your right)"),
        ],
        strict=True,
    ):
        for head, colour, label in [
            (ict, "#c8a48c", "ICT head (approx. placed)"),
            (ellipsoid, "#4a78b0", "ANSUR II ellipsoid (the model)"),
        ]:
            v = head.vertices_mm
            ax.plot(v[:, i], v[:, j], ",", color=colour, label=label)
        template = face_template_mm(ANSUR_MALE.interpupillary_breadth_mm)
        ax.plot(template[:, i], template[:, j], "ko", ms=3, zorder=3, label="face template")
        ax.axhline(0, color="0.4", lw=0.8, ls="--")
        ax.annotate("Frankfort horizontal (y = 0)", (-125, 3), fontsize=8)
        ax.arrow(0, 0, 60, 0, width=1.2, color="#c03020", zorder=4)
        ax.arrow(0, 0, 0, 60, width=1.2, color="#208040", zorder=4)
        ax.annotate(
            "+z forward" if i == 2 else "+x client's left", (62, -9), fontsize=9, color="#c03020"
        )
        ax.annotate("+y up", (4, 64), fontsize=9, color="#208040")
        ax.plot(0, 0, "ko")
        ax.annotate("origin: midway\nbetween the tragia", (4, -24), fontsize=8)
        ax.set_aspect("equal")
        ax.set_xlim(-130, 140)
        ax.set_ylim(-120, 150)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("mm")
    axes[0].legend(loc="lower left", fontsize=7)
    fig.text(0.5, 0.01, CREDIT, ha="center", fontsize=8)
    fig.savefig(OUT / "head-frame.png", bbox_inches="tight")
    plt.close(fig)


def hair_mask_figure() -> None:
    """The hair mask on every congress portrait, bald ones first, dark and light skin."""
    with (CONGRESS / "index.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    order = {"bald_shaved": 0, "bald_top": 1, "balding": 2, "close_cropped": 3, "full_hair": 4}
    rows.sort(key=lambda r: (order.get(r["scalp_status"], 9), r["file"]))
    fig, axes = plt.subplots(3, 6, figsize=(15, 9), dpi=100)
    for ax, row in zip(axes.ravel(), rows, strict=True):
        image, sha = read_photo(CONGRESS / row["file"])
        view = analyse_photo(image, name=row["file"], image_file=row["file"], image_sha256=sha)
        shown = image.astype(np.float64)
        hair = view.masks["hair"]
        shown[hair] = 0.45 * shown[hair] + 0.55 * np.array([255, 190, 0])
        region = view.masks["upper_head"]
        edge = region & ~np.roll(region, 1, axis=0) | region & ~np.roll(region, 1, axis=1)
        shown[edge] = (255, 255, 255)
        top = max(0, int(np.flatnonzero(region.any(axis=1))[0]) - 10)
        ax.imshow(shown[top : top + 300].astype(np.uint8))
        share = view.masks["hair"].sum() / max(1, region.sum())
        skin = row["skin_tone_note"].split(" ")[0]
        status = row["scalp_status"].replace("_", " ")
        ax.set_title(
            f"{row['file'][:-4]}\n{status}, {skin} skin\nhair {share:.0%} of upper head",
            fontsize=8,
        )
        ax.set_axis_off()
    fig.suptitle(
        "Hair (amber) inside the upper-head region (white outline: on the head, above the "
        "brows), every portrait in shared/data",
        fontsize=11,
    )
    fig.text(
        0.5,
        0.01,
        "Photos: official portraits of the 113th US Congress, public domain (US GPO); "
        "they endorse nothing.",
        ha="center",
        fontsize=8,
    )
    fig.savefig(OUT / "hair-masks.png", bbox_inches="tight")
    plt.close(fig)


def scan_figure() -> None:
    """The Lee Perry-Smith scan before and after scalp remeshing, and its scalp chart."""
    scale = mm_per_unit_for_head_breadth(LPS, ANSUR_MALE.head_breadth_mm)
    scanned = head_from_scan(load_scan(LPS, mm_per_unit=scale))
    before = scanned.display
    after = scanned.head
    rotation = view_rotation(25.0, 35.0)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.4), dpi=100)
    for ax, (vertices, faces, title) in zip(
        axes[:2],
        [
            (before.vertices_mm, before.faces, "scan as read (scalp edges ~10 mm)"),
            (after.vertices_mm, after.faces, "scalp remeshed to 1.5 mm"),
        ],
        strict=True,
    ):
        samples = surface_samples(vertices, faces, 1_500_000, seed=3)
        image, _ = splat_render(*samples, rotation, 520, field_mm=380.0)
        ax.imshow(image[10:420, 60:460])
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    chart = scalp_chart(after)
    ax = axes[2]
    shown = ax.tripcolor(
        chart.uv_mm[:, 0],
        chart.uv_mm[:, 1],
        chart.faces,
        facecolors=chart.area_scale,
        cmap="viridis",
        vmin=1.0,
        vmax=1.8,
    )
    ax.set_aspect("equal")
    ax.set_xlabel("u (mm, towards the client's left)")
    ax.set_ylabel("v (mm, forward)")
    summary = chart.summary()
    ax.set_title(
        "scalp chart: area scale per face\n"
        f"median {summary['area_scale_median']:.2f}, p95 {summary['area_scale_p95']:.2f}; "
        f"angle ratio p95 {summary['angle_ratio_p95']:.2f}",
        fontsize=10,
    )
    fig.colorbar(shown, ax=ax, shrink=0.8)
    fig.text(
        0.5,
        0.01,
        "Infinite, 3D Head Scan by Lee Perry-Smith is licensed under a Creative Commons "
        "Attribution 3.0 Unported License. Based on a work at www.triplegangers.com. "
        f"Scaled to the ANSUR II male mean head breadth ({ANSUR_MALE.head_breadth_mm} mm).",
        ha="center",
        fontsize=8,
    )
    fig.savefig(OUT / "scan-remesh-chart.png", bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    head_frame_figure()
    pattern_figure()
    pattern_closeup_figure()
    hairline_figure()
    zones_figure()
    hair_mask_figure()
    scan_figure()
