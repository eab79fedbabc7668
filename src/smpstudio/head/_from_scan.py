"""A head model from an imported scan: aligned to the head frame, scalp marked and remeshed."""

import contextlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from smpstudio._typing import PointsMM
from smpstudio.core import HeadModel, RigidTransform
from smpstudio.errors import PlanValidationError, ScanError
from smpstudio.head._align import align_scan_by_face, head_frame_from_points
from smpstudio.head._measure import HeadMeasures, measure_head
from smpstudio.head._remesh import SCALP_EDGE_MM, ScalpRemesh, mark_scalp, remesh_scalp
from smpstudio.head._scan import ImportedScan, ScanMesh, load_scan

PROVISIONAL_EXTENT_MM = 400.0
"""Size a scan without units is first read at, to measure it (a head and shoulders)."""
HEAD_BREADTH_RANGE_MM = (120.0, 190.0)
"""Head breadths accepted as a human head: the ANSUR II means (147.8 mm women, 154.3 mm men)
± about 6 standard deviations (5.5 mm). A scan outside it is refused."""


@dataclass(frozen=True, slots=True)
class ScanHead:
    """A scan turned into the plan's head model.

    Parameters
    ----------
    head : HeadModel
        The remeshed head in the head frame (scalp faces first).
    display : ScanMesh
        The scan as read, moved into the head frame, with its texture: for display.
    head_from_scan : RigidTransform
        How the scan was placed.
    alignment : str
        ``"picked points"`` or ``"face in a render"``, with the fit residual.
    measures : HeadMeasures
        Head breadth, length, circumference and height of the scan.
    remesh : ScalpRemesh
        Figures of the scalp remeshing.
    face_points_mm : (5, 3) ndarray of float, optional
        The scan's eye centres, nose tip and mouth corners, head frame millimetres (None
        when no face was found, e.g. picked points on a scan without a face).
    """

    head: HeadModel
    display: ScanMesh
    head_from_scan: RigidTransform
    alignment: str
    measures: HeadMeasures
    remesh: ScalpRemesh
    face_points_mm: PointsMM | None


def head_from_scan(
    scan: ImportedScan,
    *,
    picked_mm: PointsMM | None = None,
    edge_mm: float = SCALP_EDGE_MM,
) -> ScanHead:
    """Align a scan to the head frame, check it is a head, mark and remesh its scalp.

    Parameters
    ----------
    scan : ImportedScan
        A scan from :func:`load_scan`.
    picked_mm : (3, 3) ndarray of float, optional
        Right tragion, left tragion and an orbitale picked on the scan (scan millimetres);
        without them the face is found in renders of the scan.
    edge_mm : float, optional
        Edge length of the remeshed scalp, millimetres.

    Returns
    -------
    ScanHead
        The head model and what was done to make it.

    Raises
    ------
    ScanError
        If the scan cannot be aligned, or it is not the size of a human head.
    """
    surface = scan.surface
    found = None
    try:
        if picked_mm is not None:
            picked = np.asarray(picked_mm, dtype=np.float64)
            if picked.shape != (3, 3):
                raise PlanValidationError(
                    "three picked points are needed: right tragion, left tragion, orbitale"
                )
            transform = head_frame_from_points(picked[0], picked[1], picked[2])
            alignment = "picked points (tragia and orbitale)"
            with contextlib.suppress(PlanValidationError):
                found = align_scan_by_face(surface.vertices_mm, surface.faces)
        else:
            found = align_scan_by_face(surface.vertices_mm, surface.faces)
            transform = found.head_from_scan
            alignment = (
                f"face in a render (canonical face fitted to {found.residual_mm:.1f} mm RMS, "
                f"face {found.face_scale:.2f}× average size)"
            )
        vertices = transform.apply(surface.vertices_mm)
        measures = measure_head(vertices, surface.faces)
    except (PlanValidationError, ValueError) as exc:
        raise ScanError(scan.path, str(exc)) from exc
    low, high = HEAD_BREADTH_RANGE_MM
    if not low <= measures.head_breadth_mm <= high:
        raise ScanError(
            scan.path,
            f"its head breadth is {measures.head_breadth_mm:.0f} mm, outside a human head's "
            f"{low:.0f}–{high:.0f} mm; check the unit and the alignment",
        )
    aligned = HeadModel(
        vertices_mm=vertices,
        faces=surface.faces,
        scalp_faces=mark_scalp(vertices, surface.faces),
        source=f"scan {scan.path.name} ({scan.units}), aligned by {alignment.split(' (')[0]}",
    )
    try:
        head, remesh = remesh_scalp(aligned, edge_mm=edge_mm)
    except PlanValidationError as exc:
        raise ScanError(scan.path, str(exc)) from exc
    original = scan.original
    display = ScanMesh(
        transform.apply(original.vertices_mm), original.faces, original.uv, original.texture
    )
    face_points = None
    if found is not None:  # lifted in the face-found frame: move into the one used
        to_used = transform @ found.head_from_scan.inverse()
        face_points = to_used.apply(found.face_points_mm)
    return ScanHead(head, display, transform, alignment, measures, remesh, face_points)


def mm_per_unit_for_head_breadth(path: Path, head_breadth_mm: float) -> float:
    """The scale that gives a scan without units a chosen head breadth.

    Parameters
    ----------
    path : pathlib.Path
        The scan file.
    head_breadth_mm : float
        The breadth wanted (e.g. the ANSUR II mean; say so wherever the scan is shown).

    Returns
    -------
    float
        Millimetres per file unit, for :func:`load_scan`.

    Notes
    -----
    The scan is read at a provisional scale that makes its largest side 400 mm, aligned and
    measured (:func:`measure_head`); the breadth scales with the scale.
    """
    try:
        mesh = trimesh.load(path, force="mesh", process=False)
        extent = float(
            np.ptp(np.asarray(getattr(mesh, "vertices", np.zeros((1, 3)))), axis=0).max()
        )
    except Exception as exc:  # trimesh raises many kinds for malformed files
        raise ScanError(path, f"the file cannot be parsed ({type(exc).__name__}: {exc})") from exc
    if not extent > 0:
        raise ScanError(path, "the file holds no extent to scale")
    provisional = PROVISIONAL_EXTENT_MM / extent
    scanned = head_from_scan(load_scan(path, mm_per_unit=provisional))
    return provisional * head_breadth_mm / scanned.measures.head_breadth_mm
