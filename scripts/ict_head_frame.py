"""Write ``head/models/ict_head_frame.json``: where the ICT-FaceKit head sits in the head frame.

Run from the repository root: ``.venv/bin/python scripts/ict_head_frame.py``. The neutral
ICT head (centimetres, read as millimetres × 10) is aligned to the head frame the way a scan
is (:func:`smpstudio.head.align_scan_by_face`: the face found in renders of it, MediaPipe's
canonical face fitted to the lifted landmarks). The file records that rigid transform and,
for each of the five registration points, the ICT vertices nearest to its Face Mesh
landmarks, so that every identity of the basis carries its own five points.
"""

import json
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from smpstudio.head import FIVE_POINT_LANDMARKS, align_scan_by_face

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "smpstudio" / "head" / "models"


def main() -> None:
    basis = np.load(MODELS / "ict_face_head_identity_basis.npz")
    vertices = basis["neutral"].astype(np.float64) * 10.0
    faces = basis["triangles"].astype(np.int64)
    found = align_scan_by_face(vertices, faces)
    in_head = found.head_from_scan.apply(vertices)
    face_only = int(basis["head_neck_vertex_start"])  # landmarks lie on the face part
    tree = cKDTree(in_head[:face_only])
    groups = [[int(tree.query(found.landmarks_mm[i])[1]) for i in g] for g in FIVE_POINT_LANDMARKS]
    record = {
        "description": "ICT-FaceKit neutral head (identity basis in this folder, vertices in "
        "cm × 10 = mm) placed in the head frame by scripts/ict_head_frame.py: "
        "head = head_from_ict · ict_mm. five_point_vertices: ICT vertices standing for the "
        "Face Mesh landmarks of each registration point (right eye corners, left eye "
        "corners, nose tip, right and left mouth corner).",
        "head_from_ict": found.head_from_scan.matrix.round(6).tolist(),
        "five_point_vertices": groups,
        "fit_residual_mm": round(found.residual_mm, 3),
    }
    (MODELS / "ict_head_frame.json").write_text(json.dumps(record, indent=1) + "\n")
    offsets = [
        np.linalg.norm(in_head[g].mean(axis=0) - p)
        for g, p in zip(groups, found.face_points_mm, strict=True)
    ]
    print(f"written; vertex stand-ins within {max(offsets):.2f} mm of the lifted points")


if __name__ == "__main__":
    main()
