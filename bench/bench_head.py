"""Scan import with the scalp remeshed to 1.5 mm: ours vs MeshLab's isotropic remeshing.

The scan is the real Lee Perry-Smith head scan (CC BY 3.0), which has no units: it is scaled
so that its head breadth is the ANSUR II male mean, then Loop-subdivided by MeshLab
(``meshing_surface_subdivision_loop``, edges over 1 mm, 3 passes) to about 515k faces — a
subdivided real scan, not a scan of that resolution. Ours is timed end to end (read the PLY,
clean, align from the face, measure, mark and remesh the scalp); the baseline,
``meshing_isotropic_explicit_remeshing`` with an absolute 1.5 mm target and MeshLab's other
defaults (10 iterations, surface-distance check on), remeshes the same scalp faces only.

The photo fit is timed on five renders of an ICT-FaceKit head (front, left, right, back,
top; analysed once beforehand, cameras unknown to the fit): :func:`fit_head_to_views` alone.
No baseline is named for it; the target is 5 s.
"""

import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pymeshlab
import trimesh

from bench._harness import Figure, time_call
from smpstudio.analysis import analyse_photo
from smpstudio.core import HeadModel
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import (
    edge_lengths_mm,
    fit_head_to_views,
    head_from_scan,
    ict_identity_basis,
    load_scan,
    mark_scalp,
    mm_per_unit_for_head_breadth,
    normal_steps_deg,
    remesh_scalp,
)
from smpstudio.render import render_camera_view, studio_camera

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
SUBDIVISION_EDGE_MM = 1.0
EDGE_MM = 1.5
BASELINE = "pymeshlab 2025.7 meshing_isotropic_explicit_remeshing (1.5 mm, defaults)"
STUDIO = {
    "front": (0.0, 0.0),
    "left": (-84.0, 6.0),
    "right": (97.0, -5.0),
    "back": (174.0, 4.0),
    "top": (188.0, 82.0),
}
"""Directions (azimuth, elevation, degrees) of the five renders the photo fit is timed on."""


def _photo_fit_figure() -> Figure:
    basis = ict_identity_basis()
    vertices = basis.vertices(np.random.default_rng(7).normal(0.0, 1.0, 100))
    truth = HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "ICT")
    views = []
    for side, (azimuth, elevation) in STUDIO.items():
        camera = studio_camera(600, 800, azimuth_deg=azimuth, elevation_deg=elevation)
        image, _ = render_camera_view(truth, camera, 600, 800)
        view = analyse_photo(
            image, name=side, image_file=f"{side}.png", image_sha256="0" * 64, view_kind=side
        )
        views.append(dataclasses.replace(view, focal_px=camera.fx_px))
    timing = time_call(
        lambda: fit_head_to_views(views, interpupillary_mm=63.0, interpupillary_sd_mm=3.6)
    )
    _, registered, _ = timing.result
    placed = sum(v.camera is not None for v in registered)
    return Figure(
        "photo fit, 5 views (renders of an ICT head)",
        "time",
        timing.median_s,
        "s",
        "none named",
        None,
        None,
        f"IQR {timing.iqr_s:.2f} s; {placed} of 5 views registered; target ≤ 5 s",
    )


def _scan_file(folder: Path) -> Path:
    mesh = trimesh.load(SCAN, force="mesh", process=False)
    assert isinstance(mesh, trimesh.Trimesh)
    scale = mm_per_unit_for_head_breadth(SCAN, ANSUR_MALE.head_breadth_mm)
    ms = pymeshlab.MeshSet()
    ms.add_mesh(pymeshlab.Mesh(mesh.vertices * scale, np.asarray(mesh.faces, dtype=np.int32)))
    ms.meshing_remove_duplicate_vertices()
    ms.meshing_surface_subdivision_loop(
        iterations=3, threshold=pymeshlab.PureValue(SUBDIVISION_EDGE_MM)
    )
    path = folder / "lee_perry_smith_subdivided.ply"
    ms.save_current_mesh(str(path), binary=True, save_vertex_normal=False)
    return path


def _edges_and_steps(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return edge_lengths_mm(vertices, faces), normal_steps_deg(vertices, faces)


def run() -> list[Figure]:
    """Time the import of a ~515k-face scan and both scalp remeshings."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _scan_file(Path(tmp))
        faces_in = len(load_scan(path, units="mm").original.faces)
        ours = time_call(lambda: head_from_scan(load_scan(path, units="mm")))
        scanned = ours.result
        surface = load_scan(path, units="mm").surface
    vertices = scanned.head_from_scan.apply(surface.vertices_mm)
    aligned = HeadModel(
        vertices_mm=vertices,
        faces=surface.faces,
        scalp_faces=mark_scalp(vertices, surface.faces),
        source="aligned scan",
    )
    ours_remesh = time_call(lambda: remesh_scalp(aligned, edge_mm=EDGE_MM))
    used, inverse = np.unique(aligned.faces[aligned.scalp_faces], return_inverse=True)

    def meshlab() -> tuple[np.ndarray, np.ndarray]:
        ms = pymeshlab.MeshSet()
        ms.add_mesh(pymeshlab.Mesh(vertices[used], inverse.reshape(-1, 3).astype(np.int32)))
        ms.meshing_isotropic_explicit_remeshing(targetlen=pymeshlab.PureValue(EDGE_MM))
        m = ms.current_mesh()
        return np.asarray(m.vertex_matrix()), np.asarray(m.face_matrix(), dtype=np.int64)

    base = time_call(meshlab, repeats=3, warmup=0)
    new = scanned.head
    ours_edges, ours_jumps = _edges_and_steps(new.vertices_mm, new.faces[new.scalp_faces])
    base_edges, base_jumps = _edges_and_steps(*base.result)
    name = f"scan import {faces_in / 1000:.0f}k faces, scalp to {EDGE_MM} mm"
    remesh_name = f"scalp remesh only ({aligned.scalp_faces.sum() / 1000:.0f}k faces in)"
    return [
        _photo_fit_figure(),
        Figure(
            name,
            "time (ours end to end)",
            ours.median_s,
            "s",
            BASELINE + " (remeshing only)",
            base.median_s,
            ours.median_s / base.median_s,
            f"IQR ours {ours.iqr_s:.2f} s, baseline {base.iqr_s:.2f} s; target ≤ 10 s",
        ),
        Figure(
            remesh_name,
            "time",
            ours_remesh.median_s,
            "s",
            BASELINE,
            base.median_s,
            ours_remesh.median_s / base.median_s,
        ),
        Figure(
            remesh_name,
            "edge p5–p95 spread",
            float(np.percentile(ours_edges, 95) - np.percentile(ours_edges, 5)),
            "mm",
            BASELINE,
            float(np.percentile(base_edges, 95) - np.percentile(base_edges, 5)),
            None,
            f"ours median {np.median(ours_edges):.2f} mm, baseline {np.median(base_edges):.2f}",
        ),
        Figure(
            remesh_name,
            "normal step p95",
            float(np.percentile(ours_jumps, 95)),
            "deg",
            BASELINE,
            float(np.percentile(base_jumps, 95)),
            None,
        ),
    ]
