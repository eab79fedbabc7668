"""The real scan's head with its default design, and a sphere, for the pattern tests."""

from pathlib import Path

import numpy as np
import pytest
import trimesh

from smpstudio.core import Design, HeadModel
from smpstudio.design import default_design
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import head_from_scan, load_scan, mm_per_unit_for_head_breadth
from smpstudio.pattern import DensityMap, FollicularUnits, follicular_units, fu_density_map

SCAN = Path(__file__).resolve().parents[1] / "data" / "meshes" / "LeePerrySmith.glb"
SPHERE_RADIUS_MM = 80.0


@pytest.fixture(scope="session")
def scan_head(tmp_path_factory: pytest.TempPathFactory) -> HeadModel:
    """Lee Perry-Smith scaled to the ANSUR II male head breadth, imported as a scan."""
    mesh = trimesh.load(SCAN, force="mesh", process=False)
    mesh.vertices = mesh.vertices * mm_per_unit_for_head_breadth(SCAN, ANSUR_MALE.head_breadth_mm)
    path = tmp_path_factory.mktemp("scan") / "lee_perry_smith_mm.glb"
    mesh.export(path)
    return head_from_scan(load_scan(path, units="mm")).head


@pytest.fixture(scope="session")
def scan_design(scan_head: HeadModel) -> Design:
    return default_design(scan_head)


@pytest.fixture(scope="session")
def scan_map(scan_head: HeadModel, scan_design: Design) -> DensityMap:
    return fu_density_map(scan_head, scan_design)


@pytest.fixture(scope="session")
def scan_units(scan_head: HeadModel, scan_map: DensityMap) -> FollicularUnits:
    return follicular_units(scan_head, scan_map, rng=np.random.default_rng(7))


@pytest.fixture(scope="session")
def sphere() -> tuple[np.ndarray, np.ndarray]:
    """A closed sphere of radius 80 mm (about 1.7 mm edges): vertices and faces."""
    mesh = trimesh.creation.icosphere(subdivisions=6, radius=SPHERE_RADIUS_MM)
    return np.asarray(mesh.vertices, dtype=np.float64), np.asarray(mesh.faces, dtype=np.int64)
