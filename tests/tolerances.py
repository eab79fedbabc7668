"""Every test tolerance, named, in one table."""

SURFACE_MM = 0.01
"""Impressions must lie this close to the head surface (the issue's requirement)."""
DENSITY_FRACTION = 0.08
"""Realised impression density must be within this fraction of the zone's target."""
ANSUR_MEAN_MM = 0.01
"""Recomputed ANSUR II means must match the constants to this many millimetres."""
REGISTRATION_PX = 6.0
"""Landmarks re-projected by a registered camera must fall this close to the detections."""
PREVIEW_MEAN_ABS_LEVELS = 0.5
"""Mean absolute difference from the reference render, 8-bit levels (error threshold)."""
PREVIEW_CHANGED_PIXEL_FRACTION = 0.002
"""Share of pixels that may differ by more than 16 levels from the reference render."""
REGISTRATION_MOUTH_PX = 12.0
"""Mouth corners may miss by more: the template is a neutral face, portraits smile."""
HAIR_BOUNDARY_TOLERANCE_PX = 3.0
"""A hair boundary pixel matches within this distance (the issue's boundary F-score)."""
CHART_SKIN_DELTA_E = 2.0
"""Skin colour recovered through a colour chart, CIE76 ΔE*ab from the photo as taken (about
one just-noticeable difference, 2.3)."""
BACKDROP_SKIN_DELTA_E = 1.0
"""Change of the measured skin colour when the backdrop's colour changes, CIE76 ΔE*ab (under
half a just-noticeable difference: the backdrop mask's edge moves a little)."""
GCODE_MM = 1e-5
"""G-code holds positions to 1e-6 mm; the 5-axis round trip adds the pivot arithmetic."""
GCODE_UNIT = 1e-6
"""Tool-axis components after a G-code round trip."""
TOUR_VS_OPTIMUM = 1.05
"""Tours on small random instances may be this much longer than the brute-force optimum."""
SMOOTH_NORMAL_DEG = 2.0
"""Approach vectors against the smooth normal re-derived here from vertex normals."""
