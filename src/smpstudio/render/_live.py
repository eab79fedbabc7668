"""A low-resolution preview that redraws only what a design edit changed (issue 9, item 5).

The web studio re-plans the impressions after each edit (a hairline control point moved,
a zone's density changed); most impressions stay where they were. :class:`LivePreview`
keeps the dots it drew, keyed by position and session; an update projects only the new
ones, and recomposites only the tiles whose dots came or went — from all the dots that
touch them, in one fixed order, so the result is the same image a full render gives.
"""

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, IntArray
from smpstudio.core import Camera, HeadModel, Pattern
from smpstudio.render._composite import (
    GAUSSIAN_REACH,
    PIXEL_MOMENT_PX2,
    apply_transmittance,
)
from smpstudio.render._head_view import photo_geometry, scaled_camera
from smpstudio.render._healed import (
    DEFAULT_RENDER,
    DotLayer,
    RenderModel,
    photo_dots,
    position_hash,
)
from smpstudio.render._splats import Splats

LIVE_MAX_PIXELS = 1_000_000
"""Largest live preview, pixels (the photo is scaled down to it)."""
TILE_PX = 32
"""Side of the square tiles an update recomposites."""


class LivePreview:
    """The healed look of a pattern on one photo, updated incrementally.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The photo (or its clipped-hair version), sRGB.
    camera : Camera
        Its camera, registered to ``head``.
    head : HeadModel
        The surface (occlusion).
    ratios : (sessions, 3) ndarray of float
        Each session's healed dot reflectance over the skin's
        (:func:`session_reflectance`).
    hidden : (h, w) ndarray of bool, optional
        Pixels where no dot shows besides those off the scalp (background; long hair
        kept).
    max_pixels : int, optional
        The preview is the photo scaled down to at most this many pixels.
    seed : int, optional
        Seed of the per-dot variation.
    render : RenderModel, optional
        How dots look.

    Attributes
    ----------
    image : (h', w', 3) ndarray of uint8
        The current preview.
    """

    def __init__(
        self,
        image: ImageRGB,
        camera: Camera,
        head: HeadModel,
        ratios: FloatArray,
        *,
        hidden: BoolArray | None = None,
        max_pixels: int = LIVE_MAX_PIXELS,
        seed: int = 0,
        render: RenderModel = DEFAULT_RENDER,
    ) -> None:
        h, w = image.shape[:2]
        scale = min(1.0, float(np.sqrt(max_pixels / (h * w))))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        self._photo: ImageRGB = np.asarray(
            image if scale == 1.0 else cv2.resize(image, size, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
        self._camera = scaled_camera(camera, size[0] / w)
        self._head = head
        geometry = photo_geometry(head, self._camera, size[0], size[1])
        self._depth = geometry.depth
        self._hidden: BoolArray = ~geometry.scalp(head)
        if hidden is not None:
            small = cv2.resize(hidden.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
            self._hidden |= np.asarray(small) > 0
        self._ratios = np.asarray(ratios, dtype=np.float64)
        self._seed = seed
        self._render = render
        self._transmit = np.ones(self._photo.shape, dtype=np.float32)
        self.image = self._photo.copy()
        self._keys = np.zeros(0, np.uint64)  # per impression drawn, sorted
        self._layer = _empty_layer()
        self._layer_keys = np.zeros(0, np.uint64)  # per splat of the layer, sorted
        self._boxes = np.zeros((0, 4), np.int64)

    def update(self, pattern: Pattern) -> int:
        """Show ``pattern``, redrawing only the tiles whose dots changed.

        Parameters
        ----------
        pattern : Pattern
            The new impressions (all sessions drawn, healed).

        Returns
        -------
        int
            Tiles recomposited (0 when nothing changed).
        """
        keys = impression_keys(pattern)
        gone = ~np.isin(self._layer_keys, keys)
        new_rows = np.flatnonzero(~np.isin(keys, self._keys))
        h, w = self._photo.shape[:2]
        added = photo_dots(
            self._head,
            self._camera,
            w,
            h,
            _rows(pattern, new_rows),
            self._ratios,
            sessions_done=len(self._ratios),
            seed=self._seed,
            hidden=self._hidden,
            depth=self._depth,
            render=self._render,
        )
        added_keys = keys[new_rows][added.splats.rows]
        added_boxes = _reach_boxes(added.splats)
        dirty = np.zeros(((h + TILE_PX - 1) // TILE_PX, (w + TILE_PX - 1) // TILE_PX), bool)
        _mark_tiles(dirty, self._boxes[gone])
        _mark_tiles(dirty, added_boxes)
        # the drawn set: kept splats and new ones, in key order
        keep = ~gone
        layer = self._layer.subset(keep).joined(added)
        layer_keys = np.concatenate([self._layer_keys[keep], added_keys])
        boxes = np.concatenate([self._boxes[keep], added_boxes])
        order = np.argsort(layer_keys, kind="stable")
        self._layer = layer.subset(order)
        self._layer_keys = layer_keys[order]
        self._boxes = boxes[order]
        self._keys = np.sort(keys)
        for ty, tx in zip(*np.nonzero(dirty), strict=True):
            self._redraw_tile(int(tx), int(ty))
        return int(dirty.sum())

    def _redraw_tile(self, tx: int, ty: int) -> None:
        h, w = self._photo.shape[:2]
        box = (
            tx * TILE_PX,
            ty * TILE_PX,
            min((tx + 1) * TILE_PX, w) - 1,
            min((ty + 1) * TILE_PX, h) - 1,
        )
        b = self._boxes
        touch = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0])
        touch &= (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
        tile = (slice(box[1], box[3] + 1), slice(box[0], box[2] + 1))
        self._transmit[tile] = 1.0
        self._layer.subset(touch).composite(self._transmit, box=box)
        self._transmit[tile][self._hidden[tile]] = 1.0
        apply_transmittance(self._photo, self._transmit, out=self.image, box=box)


def impression_keys(pattern: Pattern) -> np.ndarray:
    """(n,) uint64 key of each impression: its position (to the µm) and session."""
    session = pattern.session[:, None].astype(np.float64) / 1000.0
    return np.asarray(position_hash(pattern.positions_mm, 0) ^ position_hash(session, 1))


def _rows(pattern: Pattern, rows: IntArray) -> Pattern:
    return Pattern(
        pattern.positions_mm[rows],
        pattern.normals[rows],
        pattern.dot_diameter_mm[rows],
        pattern.fu_id[rows],
        pattern.zone_id[rows],
        pattern.session[rows],
    )


def _empty_layer() -> DotLayer:
    return DotLayer(
        Splats(
            np.zeros(0, np.int64),
            np.zeros((0, 2)),
            np.zeros((0, 2, 2)),
            np.zeros(0),
            np.zeros(0),
        ),
        np.zeros((0, 3)),
    )


def _reach_boxes(splats: Splats) -> IntArray:
    """(m, 4) inclusive pixel bounds each splat can touch (as the compositor reaches)."""
    m = splats.moment_px2
    spread = np.maximum(m[:, 0, 0], m[:, 1, 1]) + PIXEL_MOMENT_PX2
    reach = np.maximum(GAUSSIAN_REACH * np.sqrt(spread), 2.0 * np.sqrt(spread) + 1.5) + 1.0
    c = splats.centre_px
    return np.column_stack(
        [
            np.floor(c[:, 0] - reach),
            np.floor(c[:, 1] - reach),
            np.ceil(c[:, 0] + reach),
            np.ceil(c[:, 1] + reach),
        ]
    ).astype(np.int64)


def _mark_tiles(dirty: BoolArray, boxes: IntArray) -> None:
    rows, cols = dirty.shape
    for x0, y0, x1, y1 in boxes:
        c0, c1 = max(x0 // TILE_PX, 0), min(x1 // TILE_PX, cols - 1)
        r0, r1 = max(y0 // TILE_PX, 0), min(y1 // TILE_PX, rows - 1)
        if c0 <= c1 and r0 <= r1:
            dirty[r0 : r1 + 1, c0 : c1 + 1] = True
