"""Make the pictures in README.md and docs/ from the head meshes in shared/data/meshes.

Run: ``.venv/bin/python docs/figures.py`` (needs the test extras, for matplotlib).

The ICT-FaceKit generic neutral head (USC ICT, MIT licence) is in centimetres with y up and
z forward. It is placed in the head frame *approximately*: its eye midpoint is moved onto
the eye midpoint of SMP Studio's face template, with no rotation. Its scalp is the
head-and-neck part of the mesh. The same design and pattern functions as for a client then
run on it; the design's hairline, not the mesh, decides where the scalp begins.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from smpstudio.core import HeadModel
from smpstudio.design import default_design, hairline_curve_mm
from smpstudio.domain import ANSUR_MALE, DEFAULTS
from smpstudio.head import face_template_mm, fit_ellipsoid_head
from smpstudio.pattern import synthesize_impressions

ROOT = Path(__file__).resolve().parents[1]
ICT = (
    ROOT.parent / "shared" / "data" / "meshes" / "ict_facekit" / "ict_face_head_identity_basis.npz"
)
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


def _rotation(elev_deg: float, azim_deg: float) -> np.ndarray:
    """View rotation: turn the head by azim about y, then tilt by elev about x."""
    a, e = np.radians(azim_deg), np.radians(elev_deg)
    turn = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    tilt = np.array([[1, 0, 0], [0, np.cos(e), -np.sin(e)], [0, np.sin(e), np.cos(e)]])
    return tilt @ turn


def render_view(head, points, normals, curve, elev, azim, size=700, mm=260.0):
    """Orthographic z-buffer render (viewer on +z): shaded mesh, depth-tested dots, curve."""
    rot = _rotation(elev, azim)
    scale = size / mm
    v = head.vertices_mm @ rot.T
    xy = np.column_stack([v[:, 0] * scale + size / 2, size / 2 - (v[:, 1] - 40) * scale])
    depth = np.full((size, size), -np.inf)
    shade = np.ones((size, size))
    normals_view = head.face_normals @ rot.T
    light = np.array([0.35, 0.5, 0.8]) / np.linalg.norm([0.35, 0.5, 0.8])
    lum = 0.3 + 0.7 * np.clip(normals_view @ light, 0, 1)
    for f, tri in enumerate(head.faces):
        p = xy[tri]
        z = v[tri, 2]
        x0, y0 = np.floor(p.min(axis=0)).astype(int)
        x1, y1 = np.ceil(p.max(axis=0)).astype(int)
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, size - 1), min(y1, size - 1)
        d = (p[1, 1] - p[2, 1]) * (p[0, 0] - p[2, 0]) + (p[2, 0] - p[1, 0]) * (p[0, 1] - p[2, 1])
        if x1 < x0 or y1 < y0 or abs(d) < 1e-12:
            continue
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
        w0 = ((p[1, 1] - p[2, 1]) * (gx - p[2, 0]) + (p[2, 0] - p[1, 0]) * (gy - p[2, 1])) / d
        w1 = ((p[2, 1] - p[0, 1]) * (gx - p[2, 0]) + (p[0, 0] - p[2, 0]) * (gy - p[2, 1])) / d
        w2 = 1 - w0 - w1
        inside = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
        zz = w0 * z[0] + w1 * z[1] + w2 * z[2]
        block = depth[y0 : y1 + 1, x0 : x1 + 1]
        win = inside & (zz > block)
        block[win] = zz[win]
        shade[y0 : y1 + 1, x0 : x1 + 1][win] = lum[f]
    image = np.ones((size, size, 3))
    on = np.isfinite(depth)
    image[on] = shade[on, None] * np.array([0.87, 0.73, 0.63])

    def splat(pts, colour, radius_px, keep):
        q = pts @ rot.T
        u = np.round(q[:, 0] * scale + size / 2).astype(int)
        w = np.round(size / 2 - (q[:, 1] - 40) * scale).astype(int)
        ok = keep & (u >= 0) & (u < size) & (w >= 0) & (w < size)
        ok[ok] &= q[ok, 2] >= depth[w[ok], u[ok]] - 1.5
        for du in range(-radius_px, radius_px + 1):
            for dv in range(-radius_px, radius_px + 1):
                uu, ww = np.clip(u[ok] + du, 0, size - 1), np.clip(w[ok] + dv, 0, size - 1)
                image[ww, uu] = colour

    splat(points, (0.13, 0.12, 0.13), 0, (normals @ rot.T)[:, 2] > 0.1)
    splat(curve, (0.85, 0.2, 0.1), 1, np.ones(len(curve), dtype=bool))
    return image


def pattern_figure() -> None:
    head = ict_head()
    design = default_design(head)
    pattern = synthesize_impressions(head, design, rng=np.random.default_rng(1))
    curve = hairline_curve_mm(head, design)
    curve = curve[np.all(np.isfinite(curve), axis=1)]
    views = [(15, -35, "front three-quarter view"), (70, 0, "from above, face at the bottom")]
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.4), dpi=110)
    for ax, (elev, azim, title) in zip(axes, views, strict=True):
        ax.imshow(render_view(head, pattern.positions_mm, pattern.normals, curve, elev, azim))
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    fig.suptitle(
        f"{len(pattern):,} impressions behind a rule-of-8 hairline (red); "
        "hairline band at half density",
        fontsize=11,
    )
    fig.text(
        0.5, 0.02, CREDIT + "; placed in the head frame approximately.", ha="center", fontsize=8
    )
    fig.savefig(OUT / "pattern-on-ict-head.png", bbox_inches="tight")
    plt.close(fig)


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


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    head_frame_figure()
    pattern_figure()
