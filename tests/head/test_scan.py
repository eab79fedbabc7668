"""Head scans: reading, units, clean-up, alignment to the head frame and scalp remeshing.

The scans are real: the Lee Perry-Smith head scan (CC BY 3.0, no units in the file: it is
scaled here so that its head breadth is the ANSUR II male mean, and the tests say so) and the
ICT-FaceKit neutral head (MIT, centimetres).
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
import trimesh
from scipy.spatial.transform import Rotation
from typer.testing import CliRunner

from scripts.scan_alignment_spread import MM_PER_UNIT, alignment_difference
from smpstudio.cli import app
from smpstudio.core import HeadModel, RigidTransform
from smpstudio.domain import ANSUR_MALE
from smpstudio.errors import PlanValidationError, ScanError, UnitsError
from smpstudio.head import (
    ScanHead,
    align_scan_by_face,
    clean_surface,
    distance_to_surface_mm,
    head_frame_from_points,
    head_from_scan,
    load_scan,
    mm_per_unit_for_head_breadth,
    scan_units,
)
from tests.conftest import EXAMPLE, ROOT

MESHES = ROOT / "tests" / "data" / "meshes"
ICT = MESHES / "generic_neutral_mesh.obj"
LPS = MESHES / "LeePerrySmith.glb"
ALIGNMENT_DEG = 2.0
"""Largest rotation between alignments of the same scan turned arbitrarily."""
ALIGNMENT_MM = 2.0
"""Largest shift of the head-frame origin between those alignments (the origin lies about
80 mm behind the eyes, so 1° of rotation moves it 1.4 mm)."""
PROFILE_ALIGNMENT_DEG = 3.5
PROFILE_ALIGNMENT_MM = 3.5
"""Alignments that start from a profile settle a little further off (2.8°, 2.7 mm for one
over twelve turns in ``scripts/scan_alignment_spread.py 12``)."""
SCALP_EDGE_RANGE_MM = (1.0, 2.0)
"""The issue's near-uniform edge length, 1–2 mm (checked at the 5th and 95th percentiles)."""
SMOOTH_NORMAL_P95_DEG = 2.0
"""Largest 95th-percentile angle between neighbouring scalp face normals after remeshing."""
SCALP_AREA_CHANGE = 0.03
SURFACE_DEVIATION_MM = 1.0
"""How far the smoothed scalp may depart from the scan's own facets (10 mm facets sag ~1 mm
over a head's curvature, and Loop subdivision pulls corners in by about as much)."""


def _write(mesh: trimesh.Trimesh, path: Path) -> Path:
    mesh.export(path)
    return path


def _raw_lps() -> trimesh.Trimesh:
    return trimesh.load(LPS, force="mesh", process=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scans")


@pytest.fixture(scope="module")
def lps_file(folder: Path) -> Path:
    """Lee Perry-Smith scaled so that its head breadth is the ANSUR II male mean."""
    mesh = _raw_lps()
    mesh.vertices = mesh.vertices * mm_per_unit_for_head_breadth(LPS, ANSUR_MALE.head_breadth_mm)
    return _write(mesh, folder / "lee_perry_smith_mm.glb")


@pytest.fixture(scope="module")
def lps(lps_file: Path) -> ScanHead:
    return head_from_scan(load_scan(lps_file, units="mm"))


@pytest.fixture(scope="module")
def ict() -> ScanHead:
    return head_from_scan(load_scan(ICT))


def test_units_are_inferred_from_size_or_refused() -> None:
    assert scan_units(0.24) == ("m", True)
    assert scan_units(24.0) == ("cm", True)
    assert scan_units(240.0) == ("mm", True)
    assert scan_units(9.5, "in") == ("in", False)
    with pytest.raises(UnitsError, match="fits no human head"):
        scan_units(8.55)  # the Lee Perry-Smith file: no unit makes it a head
    with pytest.raises(UnitsError, match="read in mm, the scan is 24 mm across"):
        scan_units(24.0, "mm")
    with pytest.raises(UnitsError, match="unknown scan unit 'ft'"):
        scan_units(1.0, "ft")


def test_every_format_reads_the_same_surface_in_millimetres(tmp_path: Path) -> None:
    reference = load_scan(ICT)
    assert reference.units == "cm" and reference.units_detected
    area = HeadModel(
        vertices_mm=reference.surface.vertices_mm,
        faces=reference.surface.faces,
        scalp_faces=np.zeros(len(reference.surface.faces), bool),
        source="",
    ).face_areas_mm2.sum()
    mesh = trimesh.Trimesh(reference.surface.vertices_mm / 1000.0, reference.surface.faces)
    for suffix in (".ply", ".stl", ".glb", ".obj"):
        scan = load_scan(_write(mesh, tmp_path / f"head_in_metres{suffix}"))
        assert scan.units == "m" and scan.units_detected, suffix
        s = scan.surface
        again = (
            0.5
            * np.linalg.norm(
                np.cross(
                    s.vertices_mm[s.faces[:, 1]] - s.vertices_mm[s.faces[:, 0]],
                    s.vertices_mm[s.faces[:, 2]] - s.vertices_mm[s.faces[:, 0]],
                ),
                axis=1,
            ).sum()
        )
        assert again == pytest.approx(area, rel=1e-4), suffix


def test_texture_is_kept_for_display(tmp_path: Path) -> None:
    box = trimesh.creation.box((150.0, 200.0, 180.0))
    uv = np.random.default_rng(0).random((len(box.vertices), 2))
    image = np.zeros((8, 8, 3), np.uint8)
    image[..., 0] = 200
    from PIL import Image

    box.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.fromarray(image))
    scan = load_scan(_write(box, tmp_path / "textured.glb"))
    assert scan.original.texture is not None and scan.original.texture[0, 0, 0] == 200
    assert scan.original.uv is not None and scan.original.uv.shape == (len(box.vertices), 2)


def test_bad_files_get_specific_errors(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="no such file"):
        load_scan(tmp_path / "missing.ply")
    (tmp_path / "head.fbx").write_bytes(b"x")
    with pytest.raises(ScanError, match=r"unsupported type '\.fbx'"):
        load_scan(tmp_path / "head.fbx")
    (tmp_path / "garbage.glb").write_bytes(b"glTF" + bytes(range(256)) * 4)
    with pytest.raises(ScanError, match="cannot be parsed"):
        load_scan(tmp_path / "garbage.glb")
    cloud = tmp_path / "cloud.ply"
    points = np.random.default_rng(1).random((500, 3)) * 200
    cloud.write_text(
        "ply\nformat ascii 1.0\nelement vertex 500\nproperty float x\nproperty float y\n"
        "property float z\nend_header\n" + "\n".join(" ".join(map(str, p)) for p in points)
    )
    with pytest.raises(ScanError, match="no triangles"):
        load_scan(cloud)
    with pytest.raises(UnitsError, match="fits no human head"):
        load_scan(LPS)


def test_clean_up_closes_small_holes_and_drops_non_manifold_faces() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=4, radius=90.0)
    faces = np.asarray(sphere.faces)
    top = np.argsort(-sphere.triangles_center[:, 1])[:4]  # a small hole at the top
    holed = np.delete(faces, top, axis=0)
    fin = np.array([[holed[0, 0], holed[0, 1], len(sphere.vertices)]])  # a third face on an edge
    vertices = np.vstack([sphere.vertices, [[0.0, 0.0, 200.0]]])
    surface, repairs = clean_surface(vertices, np.vstack([holed, fin]))
    text = "; ".join(repairs)
    assert "non-manifold" in text and "closed" in text, text
    edges = np.sort(surface.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert (counts == 2).all()  # closed and manifold again
    assert np.abs(np.linalg.norm(surface.vertices_mm, axis=1) - 90.0).max() < 3.0


def test_three_picked_points_give_the_head_frame() -> None:
    rng = np.random.default_rng(3)
    truth = RigidTransform.from_rotation_translation(
        Rotation.random(random_state=rng).as_matrix(), rng.normal(0, 100, 3), "scan", "head"
    )
    picked = truth.apply(np.array([[-72.0, 0, 0], [72.0, 0, 0], [-33.0, 0, 75.0]]))
    found = head_frame_from_points(*picked)
    assert np.allclose(found.matrix, truth.inverse().matrix, atol=1e-9)
    with pytest.raises(PlanValidationError, match="line through the tragia"):
        head_frame_from_points(picked[0], picked[1], (picked[0] + picked[1]) / 2)


def test_scan_is_aligned_from_its_face_whatever_its_orientation(
    lps: ScanHead, lps_file: Path, tmp_path: Path
) -> None:
    mesh = trimesh.load(lps_file, force="mesh", process=False)
    turn = Rotation.from_euler("xyz", [80, -30, 140], degrees=True).as_matrix()
    mesh.vertices = mesh.vertices @ turn.T + [30.0, -50.0, 10.0]
    turned = head_from_scan(load_scan(_write(mesh, tmp_path / "turned.ply"), units="mm"))
    # head_from_turned @ turned_from_scan should equal head_from_scan
    turned_from_scan = RigidTransform.from_rotation_translation(
        turn, np.array([30.0, -50.0, 10.0]), "scan", "scan"
    )
    combined = turned.head_from_scan @ turned_from_scan
    delta = combined.matrix @ lps.head_from_scan.inverse().matrix
    angle = np.degrees(np.arccos(np.clip((np.trace(delta[:3, :3]) - 1) / 2, -1, 1)))
    shift = float(np.linalg.norm(delta[:3, 3]))
    print(f"alignment of the turned scan differs by {angle:.2f}° and {shift:.2f} mm")
    assert angle < ALIGNMENT_DEG and shift < ALIGNMENT_MM


def test_alignment_recovers_when_the_best_face_found_is_a_profile() -> None:
    """Turns 5 and 8 of ``scripts/scan_alignment_spread.py``: in the first, the best-scoring
    face of the axis renders was a profile whose refits lost the face; in the second, the only
    face found was a profile and refits turned towards the front a few degrees at a time (when
    written; a change to the renders may move such cases to other turns)."""
    mesh = _raw_lps()
    surface, _ = clean_surface(np.asarray(mesh.vertices) * MM_PER_UNIT, np.asarray(mesh.faces))
    draws = np.random.default_rng(5)
    turns = [Rotation.random(random_state=draws).as_matrix() for _ in range(9)]
    reference = align_scan_by_face(surface.vertices_mm, surface.faces).head_from_scan.matrix
    for turn in (turns[5], turns[8]):
        found = align_scan_by_face(surface.vertices_mm @ turn.T, surface.faces)
        angle, shift = alignment_difference(found.head_from_scan.matrix, turn, reference)
        print(f"profile-first alignment differs by {angle:.2f}° and {shift:.2f} mm")
        assert angle < PROFILE_ALIGNMENT_DEG and shift < PROFILE_ALIGNMENT_MM


@pytest.mark.parametrize("name", ["lps", "ict"])
def test_scalp_is_remeshed_smooth_and_near_uniform(name: str, request) -> None:
    scanned: ScanHead = request.getfixturevalue(name)
    r = scanned.remesh
    print(
        f"{name}: edges {r.edge_p5_mm:.2f}–{r.edge_p95_mm:.2f} mm (median {r.edge_median_mm:.2f}),"
        f" normal step p95 {r.normal_jump_before_p95_deg:.1f}° → {r.normal_jump_p95_deg:.1f}°,"
        f" scalp area {r.area_change:+.1%}"
    )
    low, high = SCALP_EDGE_RANGE_MM
    assert low <= r.edge_p5_mm and r.edge_p95_mm <= high, r
    assert r.normal_jump_p95_deg < SMOOTH_NORMAL_P95_DEG < r.normal_jump_before_p95_deg, r
    assert abs(r.area_change) < SCALP_AREA_CHANGE, r
    # the new scalp is stitched to the kept face, ears and neck: no seam is left open
    # (1,701 mm was, on the Lee Perry-Smith scan, before stitching)
    assert r.open_seam_mm == 0.0, r
    head = scanned.head
    directed = head.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)
    assert len(np.unique(directed, axis=0)) == len(directed)  # the strip is wound as its sides
    scalp_vertices = np.unique(head.faces[head.scalp_faces])
    display = HeadModel(
        vertices_mm=scanned.display.vertices_mm,
        faces=scanned.display.faces,
        scalp_faces=np.zeros(len(scanned.display.faces), bool),
        source="",
    )
    deviation = distance_to_surface_mm(display, head.vertices_mm[scalp_vertices])
    assert np.percentile(deviation, 99) < SURFACE_DEVIATION_MM
    # the scan is an adult head: each measure within 4 SD of the ANSUR II male mean
    m = scanned.measures
    assert abs(m.head_breadth_mm - ANSUR_MALE.head_breadth_mm) < 4 * 5.5
    assert abs(m.head_length_mm - ANSUR_MALE.head_length_mm) < 4 * 7.0
    assert abs(m.tragion_to_top_of_head_mm - ANSUR_MALE.tragion_to_top_of_head_mm) < 4 * 6.2


def test_something_that_is_not_a_head_is_refused(tmp_path: Path) -> None:
    ball = trimesh.creation.icosphere(subdivisions=4, radius=95.0)
    with pytest.raises(ScanError, match="no face was found"):
        head_from_scan(load_scan(_write(ball, tmp_path / "ball.stl")))


def test_smp_head_builds_the_head_from_a_scan(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "plan"
    assert runner.invoke(app, ["analyse", str(EXAMPLE), "--out", str(out)]).exit_code == 0
    shutil.copy(ICT, tmp_path / "head.obj")
    result = runner.invoke(app, ["head", str(out), "--scan", str(tmp_path / "head.obj")])
    assert result.exit_code == 0, result.output
    assert "read in cm (inferred from its size)" in result.output
    assert "aligned by face in a render" in result.output
    assert (out / "head" / "scan.glb").stat().st_size > 100_000
    back = trimesh.load(out / "head" / "scan.glb", force="mesh")
    assert np.ptp(back.vertices[:, 0]) == pytest.approx(248.4, abs=1.0)  # mm, head frame
    bad = runner.invoke(app, ["head", str(out), "--scan", str(LPS)])
    assert bad.exit_code == 2 and "fits no human head" in bad.output
    picked = runner.invoke(app, ["head", str(out), "--scan", str(ICT), "--picked", "1,2;3"])
    assert picked.exit_code == 2 and "three points" in picked.output
