"""Head scans from files: PLY, OBJ, STL and glTF, their units, clean-up and texture.

A scan is read with trimesh, converted to millimetres (units detected from its size, or
given), and cleaned into one consistently oriented surface: degenerate, duplicate and
non-manifold faces removed, the largest connected piece kept, small holes closed. The file
as read (in millimetres, with its texture) is kept for display.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh
from scipy import sparse
from scipy.sparse import csgraph

from smpstudio._typing import FloatArray, ImageRGB, IntArray, PointsMM
from smpstudio.domain import ANSUR_FEMALE
from smpstudio.errors import ScanError, UnitsError
from smpstudio.head._topology import (
    boundary_loops,
    compact,
    face_normals_areas,
    neighbouring_faces,
    undirected_edges,
    unique_rows,
)

SCAN_SUFFIXES = (".ply", ".obj", ".stl", ".glb", ".gltf")
"""File types read as head scans."""
MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
"""Length units a scan may be in, millimetres per unit."""
HEAD_SCAN_EXTENT_MM = (0.8 * ANSUR_FEMALE.head_breadth_mm, 800.0)
"""Plausible largest side of a head scan's bounding box, millimetres: from a scalp-only cap
(0.8 × the ANSUR II female mean head breadth) to head, neck and shoulders (800 mm, an
unsourced bound). The range spans less than a factor of 10, so a scan in metres, centimetres
or millimetres is recognised from its size alone; inches must be given."""
MAX_HOLE_PERIMETER_MM = 60.0
"""Holes up to this perimeter are closed (a scanner's missed patch); larger openings, such
as the cut at the neck, are left open. Unsourced default."""
MAX_SCAN_FACES = 5_000_000
"""Largest number of triangles accepted (about 250 MB of mesh)."""
_WELD_MM = 1e-4


@dataclass(frozen=True, slots=True)
class ScanMesh:
    """A triangle mesh in millimetres, with its texture where the file has one.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres, in the axes of the frame stated by the owner.
    faces : (f, 3) ndarray of int
        Vertex indices.
    uv : (v, 2) ndarray of float, optional
        Texture coordinates per vertex, 0–1.
    texture : (h, w, 3) ndarray of uint8, optional
        Base-colour texture image, sRGB.
    """

    vertices_mm: PointsMM
    faces: IntArray
    uv: FloatArray | None = None
    texture: ImageRGB | None = None


@dataclass(frozen=True, slots=True)
class ImportedScan:
    """A head scan read from a file, in millimetres, in the scan's own axes.

    Parameters
    ----------
    path : pathlib.Path
        The file read.
    original : ScanMesh
        The mesh as the file holds it (scaled to millimetres), texture included: for display.
    surface : ScanMesh
        The cleaned surface (geometry only): one connected piece, outward faces.
    units : str
        The unit the file was read in (a key of ``MM_PER_UNIT``), or the scale given.
    units_detected : bool
        True when the unit was inferred from the scan's size rather than given.
    repairs : tuple of str
        What the clean-up changed, one sentence each.
    """

    path: Path
    original: ScanMesh
    surface: ScanMesh
    units: str
    units_detected: bool
    repairs: tuple[str, ...]


def scan_units(extent: float, units: str | None = None) -> tuple[str, bool]:
    """The length unit of a scan from its size, or the unit given, checked.

    Parameters
    ----------
    extent : float
        Largest side of the scan's bounding box, in file units.
    units : str, optional
        The unit if known (``"mm"``, ``"cm"``, ``"m"`` or ``"in"``).

    Returns
    -------
    units : str
        The unit.
    detected : bool
        True when the unit was inferred.

    Raises
    ------
    UnitsError
        If the unit is unknown, or no unit makes the scan the size of a head.

    Examples
    --------
    >>> scan_units(0.31)
    ('m', True)
    >>> scan_units(31.0)
    ('cm', True)
    """
    low, high = HEAD_SCAN_EXTENT_MM
    if units is not None:
        if units not in MM_PER_UNIT:
            raise UnitsError(f"unknown scan unit '{units}'; use one of {sorted(MM_PER_UNIT)}")
        size = extent * MM_PER_UNIT[units]
        if not low <= size <= high:
            raise UnitsError(
                f"read in {units}, the scan is {size:.0f} mm across, which fits no human head "
                f"({low:.0f}–{high:.0f} mm); check the unit"
            )
        return units, False
    fits = [u for u in ("mm", "cm", "m") if low <= extent * MM_PER_UNIT[u] <= high]
    if len(fits) != 1:
        sizes = ", ".join(f"{extent * MM_PER_UNIT[u]:.4g} mm if in {u}" for u in ("mm", "cm", "m"))
        raise UnitsError(
            f"the scan's size ({extent:.4g} file units across: {sizes}) fits no human head "
            f"({low:.0f}–{high:.0f} mm) in any unit; give the unit, or scale the file"
        )
    return fits[0], True


def _texture(mesh: trimesh.Trimesh) -> tuple[FloatArray | None, ImageRGB | None]:
    visual = mesh.visual
    uv = getattr(visual, "uv", None)
    if uv is None or len(uv) != len(mesh.vertices):
        return None, None
    material = getattr(visual, "material", None)
    image = getattr(material, "baseColorTexture", None) or getattr(material, "image", None)
    texture = None if image is None else np.asarray(image.convert("RGB"), dtype=np.uint8)
    return np.asarray(uv, dtype=np.float64), texture


def load_scan(
    path: Path, *, units: str | None = None, mm_per_unit: float | None = None
) -> ImportedScan:
    """Read a head scan and clean it into one surface, in millimetres.

    Parameters
    ----------
    path : pathlib.Path
        A ``.ply``, ``.obj``, ``.stl``, ``.glb`` or ``.gltf`` file.
    units : str, optional
        The file's length unit; by default inferred from the size (see :func:`scan_units`).
    mm_per_unit : float, optional
        A scale for a file without units (e.g. from :func:`mm_per_unit_for_head_breadth`);
        it replaces ``units``, and the scaled size must still fit a head.

    Returns
    -------
    ImportedScan
        The file's mesh and its cleaned surface, both in millimetres and in the file's axes.

    Raises
    ------
    ScanError
        If the file is missing, of another type, unreadable, holds no triangles or too many.
    UnitsError
        If the size fits no human head in the unit given or in any unit.
    """
    if not path.is_file():
        raise ScanError(path, "no such file")
    if path.suffix.lower() not in SCAN_SUFFIXES:
        raise ScanError(path, f"unsupported type '{path.suffix}'; use one of {SCAN_SUFFIXES}")
    try:
        mesh = trimesh.load(path, force="mesh", process=False)
    except Exception as exc:  # trimesh raises many kinds for malformed files
        raise ScanError(path, f"the file cannot be parsed ({type(exc).__name__}: {exc})") from exc
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise ScanError(path, "the file holds no triangles (a point cloud is not a surface)")
    if len(mesh.faces) > MAX_SCAN_FACES:
        raise ScanError(
            path, f"{len(mesh.faces):,} triangles; at most {MAX_SCAN_FACES:,} are accepted"
        )
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    if not np.isfinite(vertices).all():
        raise ScanError(path, "some vertex coordinates are not finite numbers")
    extent = float(np.ptp(vertices, axis=0).max())
    if mm_per_unit is None:
        unit, detected = scan_units(extent, units)
        scale = MM_PER_UNIT[unit]
    else:
        scan_units(extent * mm_per_unit, "mm")  # the scaled scan must fit a head
        unit, detected, scale = f"{mm_per_unit:.4g} mm per file unit", False, mm_per_unit
    vertices_mm = vertices * scale
    faces = np.asarray(mesh.faces, dtype=np.int64)
    uv, texture = _texture(mesh)
    surface, repairs = clean_surface(vertices_mm, faces)
    return ImportedScan(
        path=path,
        original=ScanMesh(vertices_mm, faces, uv, texture),
        surface=surface,
        units=unit,
        units_detected=detected,
        repairs=repairs,
    )


def _largest_piece(
    faces: IntArray, areas: FloatArray, edges: tuple[IntArray, IntArray, IntArray]
) -> tuple[IntArray, int]:
    """Faces of the largest edge-connected piece (by area), and how many pieces there were."""
    pairs = neighbouring_faces(faces, edges)
    graph = sparse.coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(faces), len(faces))
    )
    n, labels = csgraph.connected_components(graph, directed=False)
    area = np.bincount(labels, weights=areas, minlength=n)
    return faces[labels == np.argmax(area)], int(n)


def _orient_outward(vertices: PointsMM, faces: IntArray) -> tuple[IntArray, bool]:
    """Flip every face if the surface's normals point inwards (signed volume about the centre)."""
    t = vertices[faces] - vertices.mean(axis=0)
    volume = float(np.einsum("ij,ij->", t[:, 0], np.cross(t[:, 1], t[:, 2])))
    return (faces[:, ::-1].copy(), True) if volume < 0 else (faces, False)


def clean_surface(
    vertices_mm: PointsMM, faces: IntArray, *, max_hole_perimeter_mm: float = MAX_HOLE_PERIMETER_MM
) -> tuple[ScanMesh, tuple[str, ...]]:
    """One clean, outward-facing surface from a raw scan mesh.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.
    max_hole_perimeter_mm : float, optional
        Holes up to this perimeter are closed with a fan about their centroid, millimetres.

    Returns
    -------
    surface : ScanMesh
        Coincident vertices welded; degenerate, duplicate and non-manifold faces removed;
        the largest connected piece; small holes closed; unused vertices dropped; normals
        pointing out of the head.
    repairs : tuple of str
        What was changed, one sentence each (empty for a clean mesh).

    Examples
    --------
    >>> box = trimesh.creation.box((10.0, 10.0, 10.0))
    >>> surface, repairs = clean_surface(box.vertices, box.faces[1:])
    >>> len(surface.faces), repairs
    (14, ('closed 1 hole(s) up to 60 mm in perimeter',))
    """
    repairs: list[str] = []
    key = np.round(np.asarray(vertices_mm, dtype=np.float64) / _WELD_MM).astype(np.int64)
    first, weld = unique_rows(key)
    vertices = np.asarray(vertices_mm, dtype=np.float64)[first]
    f = weld[np.asarray(faces, dtype=np.int64)]
    _, areas = face_normals_areas(vertices, f)
    degenerate = (f[:, 0] == f[:, 1]) | (f[:, 1] == f[:, 2]) | (f[:, 0] == f[:, 2]) | (areas < 1e-9)
    if degenerate.any():
        repairs.append(f"removed {int(degenerate.sum())} degenerate face(s)")
        f, areas = f[~degenerate], areas[~degenerate]
    unique, _ = unique_rows(np.sort(f, axis=1))
    if len(unique) < len(f):
        repairs.append(f"removed {len(f) - len(unique)} duplicate face(s)")
        keep = np.sort(unique)
        f, areas = f[keep], areas[keep]
    edges = undirected_edges(f)
    _, corner_edge, counts = edges
    crowded = (counts[corner_edge] > 2).reshape(-1, 3).any(axis=1)
    if crowded.any():
        repairs.append(
            f"removed {int(crowded.sum())} face(s) on {int((counts > 2).sum())} non-manifold "
            "edge(s) (edges shared by more than two faces)"
        )
        f, areas = f[~crowded], areas[~crowded]
        edges = undirected_edges(f)
    if len(f) == 0:
        raise ScanError(Path("<mesh>"), "no usable triangles are left after clean-up")
    f, pieces = _largest_piece(f, areas, edges)
    if pieces > 1:
        repairs.append(f"kept the largest of {pieces} separate pieces")
    f, flipped = _orient_outward(vertices, f)
    if flipped:
        repairs.append("reversed the face winding so that normals point out of the head")
    extra: list[PointsMM] = []
    fans: list[IntArray] = []
    for loop in boundary_loops(f):
        ring = vertices[loop]
        perimeter = float(np.linalg.norm(ring - np.roll(ring, -1, axis=0), axis=1).sum())
        if perimeter <= max_hole_perimeter_mm:
            centre = len(vertices) + len(extra)
            extra.append(ring.mean(axis=0, keepdims=True))
            fans.append(np.column_stack([np.roll(loop, -1), loop, np.full(len(loop), centre)]))
    if fans:
        repairs.append(
            f"closed {len(fans)} hole(s) up to {max_hole_perimeter_mm:.0f} mm in perimeter"
        )
        vertices = np.vstack([vertices, *extra])
        f = np.vstack([f, *fans])
    return ScanMesh(*compact(vertices, f)), tuple(repairs)
