"""Zones of the treated region, their target densities and their areas.

The treated region (behind the drawn hairline, above the lower scalp limit) is divided, in
this order of precedence:

- **hairline band**: within the style's transition depth of the drawn line;
- **temples**: in front of the tragia (z > 0), lateral to and below the frontotemporal
  control points (the second from each end);
- **frontal**: within ``frontal_zone_depth_mm`` of the drawn line, in front of the tragia;
- **crown**: within ``crown_zone_radius_mm`` of the whorl (the design's, or by default
  ``crown_whorl_behind_vertex_mm`` behind the vertex on the midline of the scalp chart);
- **mid-scalp**: the rest.

Distances are straight-line (chord) distances in the head frame; on a sphere the crown is
then a spherical cap of area π r² exactly (Archimedes), which the tests use.

Before all of these comes the **blend** zone, where the photos show hair remaining inside
the treated region: the faces of the head model whose hair share (:attr:`Design.hair_share`)
is at least ``hair_bare_below_fraction``. Its density is matched to the hair there
(:func:`density_of_points`). Above everything come the drawn zones, anywhere on the scalp:
**scars** (filled at their own density) and, over them, **exclusions** (nothing placed).

A design that has no zone of some name (plans made before these zones existed hold a
"hairline band" and a "main" zone) gives that region's points to its "main" zone; a design
without a "blend" zone or without hair shares has no blend.
"""

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.core import Design, HeadModel, Zone
from smpstudio.design._curve import HAIRLINE_STYLES
from smpstudio.design._hairline import (
    POPULATION_FACE,
    FaceReference,
    facial_thirds_mfp_above_glabella_mm,
    frontotemporal_points_mm,
    hairline_curve_mm,
    rule_of_eight_hairline,
    treated_region,
)
from smpstudio.design._outlines import inside_outline
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import ScalpChart, closest_faces, scalp_chart, surface_from_chart

ZONE_NAMES = ("hairline band", "frontal", "mid-scalp", "crown", "temples", "blend")
"""The regions of the treated area, in the order of the default design's zone ids."""
FALLBACK_ZONE = "main"
"""Zone name that takes the regions a design has no zone for."""
_QUADRATURE = 4
"""Each face is split into _QUADRATURE² sub-triangles whose centroids are classified when
zone areas are measured."""


def whorl_point_mm(chart: ScalpChart) -> PointsMM:
    """The default whorl: ``crown_whorl_behind_vertex_mm`` behind the vertex in the chart.

    Parameters
    ----------
    chart : ScalpChart
        The head's scalp chart.

    Returns
    -------
    (3,) ndarray of float
        Head frame millimetres.
    """
    behind = DEFAULTS["crown_whorl_behind_vertex_mm"].value
    return np.asarray(surface_from_chart(chart, np.array([[0.0, -behind]]))[0])


def region_of_points(
    head: HeadModel,
    design: Design,
    points_mm: PointsMM,
    *,
    chart: ScalpChart | None = None,
    face_index: IntArray | None = None,
) -> IntArray:
    """Which region of ``ZONE_NAMES`` each surface point lies in (-1: not treated).

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        Hairline, band depth, lower limit and hair shares.
    points_mm : (n, 3) ndarray of float
        Points on the head surface, head frame millimetres.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.
    face_index : (n,) ndarray of int, optional
        The head face each point lies on, if known (found when the blend needs it).

    Returns
    -------
    (n,) ndarray of int
        Index into ``ZONE_NAMES``, or -1. Drawn zones (scars, exclusions) are not regions:
        :func:`zone_of_points` lays them over.
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    chart = scalp_chart(head) if chart is None else chart
    curve = hairline_curve_mm(head, design, chart=chart)
    region = np.full(len(pts), -1, dtype=np.int64)
    inside = np.flatnonzero(treated_region(design, pts, curve))
    p = pts[inside]
    to_line, _ = cKDTree(curve).query(p)
    temple = np.zeros(len(p), dtype=bool)
    ft = frontotemporal_points_mm(design)
    if ft is not None:
        (right_x, right_y), (left_x, left_y) = ft[:, 0:2]
        temple = (p[:, 2] > 0) & (
            ((p[:, 0] <= right_x) & (p[:, 1] <= right_y))
            | ((p[:, 0] >= left_x) & (p[:, 1] <= left_y))
        )
    whorl = whorl_point_mm(chart) if design.whorl_mm is None else design.whorl_mm
    crown = np.linalg.norm(p - whorl, axis=1) <= (DEFAULTS["crown_zone_radius_mm"].value)
    blend = np.zeros(len(p), dtype=bool)
    if design.hair_share is not None and any(z.name == "blend" for z in design.zones):
        faces = closest_faces(head, p)[1] if face_index is None else face_index[inside]
        blend = design.hair_share[faces] >= DEFAULTS["hair_bare_below_fraction"].value
    label = np.select(
        [
            blend,
            to_line <= design.band_width_mm,
            temple,
            (to_line <= DEFAULTS["frontal_zone_depth_mm"].value) & (p[:, 2] > 0),
            crown,
        ],
        [5, 0, 4, 1, 3],
        default=2,
    )
    region[inside] = label
    return region


def zone_of_points(
    head: HeadModel,
    design: Design,
    points_mm: PointsMM,
    *,
    chart: ScalpChart | None = None,
    face_index: IntArray | None = None,
) -> IntArray:
    """Zone id of each surface point (-1: not treated).

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        Hairline, zones (regions matched by name, then scars and exclusions) and lower
        limit.
    points_mm : (n, 3) ndarray of float
        Points on the head surface, head frame millimetres.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.
    face_index : (n,) ndarray of int, optional
        The head face each point lies on, if known.

    Returns
    -------
    (n,) ndarray of int
        The ``zone_id`` of the design zone each point falls in: an exclusion's id inside an
        exclusion (its density is 0), else a scar's inside a scar, else the region's.

    Raises
    ------
    PlanValidationError
        If a region has no zone of its name and the design has no "main" zone either.
    """
    by_name = {z.name: z.zone_id for z in design.zones if z.kind == "region"}
    lookup = []
    for name in ZONE_NAMES:
        zone_id = by_name.get(name, by_name.get(FALLBACK_ZONE))
        if zone_id is None and name != "blend":
            raise PlanValidationError(
                f"the design has no '{name}' zone and no '{FALLBACK_ZONE}' zone to take it"
            )
        lookup.append(-1 if zone_id is None else zone_id)
    chart = scalp_chart(head) if chart is None else chart
    region = region_of_points(head, design, points_mm, chart=chart, face_index=face_index)
    zone = np.where(region >= 0, np.asarray(lookup)[np.maximum(region, 0)], -1)
    for kind in ("scar", "exclusion"):
        for drawn in (z for z in design.zones if z.kind == kind):
            assert drawn.outline_mm is not None
            zone[inside_outline(chart, drawn.outline_mm, points_mm)] = drawn.zone_id
    return np.asarray(zone)


def density_of_points(
    design: Design, zone: IntArray, face_index: IntArray | None = None
) -> FloatArray:
    """Target impressions per cm² at each point, its zone's density matched to the hair.

    Parameters
    ----------
    design : Design
        Zones and hair shares.
    zone : (n,) ndarray of int
        Zone id of each point (:func:`zone_of_points`; -1 not treated).
    face_index : (n,) ndarray of int, optional
        The head face each point lies on; needed where the design has hair shares.

    Returns
    -------
    (n,) ndarray of float
        Impressions (not follicular units) per cm²; 0 where not treated or excluded.

    Notes
    -----
    The photos measure how much of the scalp hair covers, not how many hairs grow there,
    so the blend zone is matched on coverage: at hair share s its density is the zone's
    times (1 − s) / (1 − s₀), clipped to [0, 1], where s₀ is ``hair_bare_below_fraction``.
    The density then falls continuously from the bare scalp's to none where every photo
    shows hair, so the dots fill what the remaining hair leaves uncovered. This matching
    rule is ours (unsourced).
    """
    densities = np.array([z.density_per_cm2 for z in design.zones] + [0.0])
    density = densities[zone]  # -1 picks the trailing 0
    blend = [z.zone_id for z in design.zones if z.name == "blend" and z.kind == "region"]
    if blend and design.hair_share is not None:
        if face_index is None:
            raise ValueError("face_index is needed to match the blend zone to the hair")
        at = np.flatnonzero(zone == blend[0])
        bare_below = DEFAULTS["hair_bare_below_fraction"].value
        share = np.nan_to_num(design.hair_share[face_index[at]], nan=0.0)
        density[at] *= np.clip((1.0 - share) / (1.0 - bare_below), 0.0, 1.0)
    return np.asarray(density)


def scalp_quadrature(head: HeadModel) -> tuple[PointsMM, IntArray, FloatArray]:
    """Sample points that split every scalp face into 16 sub-triangles of equal area.

    Parameters
    ----------
    head : HeadModel
        The surface, scalp marked.

    Returns
    -------
    points_mm : (m, 3) ndarray of float
        The sub-triangles' centroids, head frame millimetres.
    face_index : (m,) ndarray of int
        The head face of each.
    area_mm2 : (m,) ndarray of float
        The area each stands for, square millimetres (summing to the scalp area).
    """
    n = _QUADRATURE
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    keep = i + j < n
    up = np.column_stack([(i[keep] + 1 / 3), (j[keep] + 1 / 3)]) / n
    i2, j2 = i[i + j < n - 1], j[i + j < n - 1]
    down = np.column_stack([(i2 + 2 / 3), (j2 + 2 / 3)]) / n
    st = np.vstack([up, down])  # centroids of the n² sub-triangles
    weights = np.column_stack([1 - st.sum(axis=1), st])
    faces = np.flatnonzero(head.scalp_faces)
    points = np.einsum("qk,fkd->fqd", weights, head.triangles_mm[faces]).reshape(-1, 3)
    area = np.repeat(head.face_areas_mm2[faces] / len(st), len(st))
    return points, np.repeat(faces, len(st)), area


def zone_areas_cm2(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> dict[int, float]:
    """Surface area of every zone of a design.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        The design.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    dict of int to float
        Square centimetres by zone id (0 for a zone no point falls in). Each scalp face is
        split into 16 sub-triangles of equal area whose centroids are classified.
    """
    points, face_index, area = scalp_quadrature(head)
    zone = zone_of_points(head, design, points, chart=chart, face_index=face_index)
    totals = np.bincount(zone[zone >= 0], weights=area[zone >= 0], minlength=len(design.zones))
    return {z.zone_id: float(totals[z.zone_id]) / 100.0 for z in design.zones}


def default_zones(*, blend: bool = True) -> tuple[Zone, ...]:
    """The default design's zones, one per region of ``ZONE_NAMES``.

    Parameters
    ----------
    blend : bool, optional
        Include the blend zone (only useful where the photos measured the hair). Default
        True.

    Returns
    -------
    tuple of Zone
        Target impressions (not follicular units) per cm²: the band at
        ``hairline_band_density_fraction`` of ``impression_density_per_cm2`` with
        ``hairline_dot_diameter_mm`` dots; frontal, mid-scalp and crown at the main
        density; temples at ``temple_density_fraction`` of it; the blend at the main
        density before matching to the hair (:func:`density_of_points`); each with
        ``impressions_per_follicular_unit`` impressions per follicular unit.
    """
    density = DEFAULTS["impression_density_per_cm2"].value
    fraction = {
        "hairline band": DEFAULTS["hairline_band_density_fraction"].value,
        "temples": DEFAULTS["temple_density_fraction"].value,
    }
    return tuple(
        Zone(
            zone_id,
            name,
            density * fraction.get(name, 1.0),
            DEFAULTS["hairline_dot_diameter_mm" if zone_id == 0 else "dot_diameter_mm"].value,
            impressions_per_fu=DEFAULTS["impressions_per_follicular_unit"].value,
        )
        for zone_id, name in enumerate(ZONE_NAMES if blend else ZONE_NAMES[:-1])
    )


def default_design(
    head: HeadModel,
    *,
    style: str = "natural",
    age: str = "mature",
    mfp_above_glabella_mm: float | None = None,
    middle_third_mm: float | None = None,
    hair_share: FloatArray | None = None,
    client_age_years: float | None = None,
    face: FaceReference = POPULATION_FACE,
) -> Design:
    """A starting design: a rule-of-8 hairline and the default zones.

    Parameters
    ----------
    head : HeadModel
        The surface the hairline is placed on.
    style : {"natural", "soft", "defined"}, optional
        Hairline style preset: its irregularity and the band's depth. Default "natural".
    age : {"mature", "juvenile"}, optional
        Hairline age preset (:func:`rule_of_eight_hairline`). Default "mature".
    mfp_above_glabella_mm : float, optional
        Height of the mid-frontal point above mid-glabella along the forehead, millimetres.
    middle_third_mm : float, optional
        The client's middle third (glabella to subnasale), millimetres: without
        ``mfp_above_glabella_mm``, the mid-frontal point is placed by the facial thirds
        (:func:`facial_thirds_mfp_above_glabella_mm`), less the juvenile offset for a
        juvenile line, instead of by the rule of 8.
    hair_share : (f,) ndarray of float, optional
        Per head face, the share of the photos seeing it that show hair (NaN: unseen), as
        :func:`smpstudio.head.hair_share_of_faces` measures it; with it the design has a blend zone.
    client_age_years : float, optional
        The client's age, years, kept for the hairline check (:func:`check_design`).
    face : FaceReference, optional
        The client's mid-glabella and lateral canthi, which the hairline is measured from
        (:func:`face_reference_from_views`); by default their population places.

    Returns
    -------
    Design
        With :func:`default_zones`.

    Raises
    ------
    ValueError
        If ``style`` is not one of ``HAIRLINE_STYLES`` or ``age`` not one of
        ``HAIRLINE_AGES``.
    """
    if style not in HAIRLINE_STYLES:
        raise ValueError(f"style must be one of {tuple(HAIRLINE_STYLES)}, got {style!r}")
    if mfp_above_glabella_mm is None and middle_third_mm is not None:
        juvenile = DEFAULTS["hairline_juvenile_forward_mm"].value if age == "juvenile" else 0.0
        mfp_above_glabella_mm = (
            facial_thirds_mfp_above_glabella_mm(head, middle_third_mm, face=face) - juvenile
        )
    return Design(
        style=style,
        hairline_mm=rule_of_eight_hairline(
            head, age=age, mfp_above_glabella_mm=mfp_above_glabella_mm, face=face
        ),
        band_width_mm=HAIRLINE_STYLES[style].transition_mm,
        lower_limit_mm=DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value,
        zones=default_zones(blend=hair_share is not None),
        hair_share=hair_share,
        client_age_years=client_age_years,
        glabella_height_mm=None if face == POPULATION_FACE else face.glabella_height_mm,
    )
