"""Print how far apart the automatic alignments of one scan turned at random are.

Run from the repository root: ``.venv/bin/python scripts/scan_alignment_spread.py [turns]``.
The Lee Perry-Smith scan (``tests/data/meshes``, CC BY 3.0; no units in the file, read at
48 mm per unit) is aligned once as read and once per random turn; each turned alignment,
undone by the turn, should give the same head frame. Prints the rotation (degrees) and the
origin shift (mm) between them.
"""

import sys
from pathlib import Path

import numpy as np
import trimesh
from scipy.spatial.transform import Rotation

from smpstudio.head import align_scan_by_face, clean_surface

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
MM_PER_UNIT = 48.0


def alignment_difference(
    turned_alignment: np.ndarray, turn: np.ndarray, reference: np.ndarray
) -> tuple[float, float]:
    """Rotation (degrees) and origin shift (mm) between two alignments of one scan.

    ``turned_alignment`` (4 × 4, head from scan) was found for the scan's vertices turned by
    ``turn`` (3 × 3); ``reference`` for the scan as read.
    """
    undone = turned_alignment.copy()
    undone[:3, :3] = undone[:3, :3] @ turn
    delta = undone @ np.linalg.inv(reference)
    angle = np.degrees(np.arccos(np.clip((np.trace(delta[:3, :3]) - 1) / 2, -1, 1)))
    return float(angle), float(np.linalg.norm(delta[:3, 3]))


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    mesh = trimesh.load(SCAN, force="mesh", process=False)
    assert isinstance(mesh, trimesh.Trimesh)
    surface, _ = clean_surface(np.asarray(mesh.vertices) * MM_PER_UNIT, np.asarray(mesh.faces))
    reference = align_scan_by_face(surface.vertices_mm, surface.faces).head_from_scan.matrix
    rng = np.random.default_rng(5)
    print(f"{'turn':>4}{'rotation °':>12}{'origin mm':>11}")
    worst = np.zeros(2)
    for k in range(turns):
        turn = Rotation.random(random_state=rng).as_matrix()
        found = align_scan_by_face(surface.vertices_mm @ turn.T, surface.faces)
        angle, shift = alignment_difference(found.head_from_scan.matrix, turn, reference)
        worst = np.maximum(worst, [angle, shift])
        print(f"{k:>4}{angle:>12.2f}{shift:>11.2f}")
    print(f"worst: {worst[0]:.2f}° and {worst[1]:.2f} mm over {turns} turns")


if __name__ == "__main__":
    main()
