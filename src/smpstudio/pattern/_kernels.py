# mypy: disable-error-code="no-untyped-def"
"""Compiled kernels of the blue-noise core.

A grid of cells, neighbour lists, sample elimination, pair relaxation and walking on a mesh.

Everything here works on plain arrays (points in millimetres, one length per point) so that
numba compiles it once and caches it on disk; :mod:`smpstudio.pattern._blue_noise` holds the
typed public functions that call these.
"""

import numba
import numpy as np

WALK_HOPS = 64
"""Most faces a point crosses in one move (scans have runs of sliver faces)."""

_ON_EDGE = 1e-12
"""A barycentric weight this small puts a point on the edge opposite its corner."""


@numba.njit(cache=True)
def build_grid(points, cell):
    """Sort points into cubic cells of side ``cell``, cells in (x, y) columns.

    Returns the grid's origin and dims, the points sorted by cell, each occupied cell's
    run [start, end) in that order with its z index, and each (x, y) column's first run.
    """
    n = points.shape[0]
    lo = np.zeros(3)
    dims = np.zeros(3, dtype=np.int64)
    for d in range(3):
        lo[d] = points[:, d].min() - cell
        dims[d] = int((points[:, d].max() + cell - lo[d]) / cell) + 2
    keys = np.zeros(n, dtype=np.int64)
    for i in range(n):
        cx = int((points[i, 0] - lo[0]) / cell)
        cy = int((points[i, 1] - lo[1]) / cell)
        cz = int((points[i, 2] - lo[2]) / cell)
        keys[i] = (cx * dims[1] + cy) * dims[2] + cz
    order = np.argsort(keys)
    runs = 0
    for k in range(n):
        if k == 0 or keys[order[k]] != keys[order[k - 1]]:
            runs += 1
    start = np.zeros(runs + 1, dtype=np.int64)
    run_z = np.zeros(runs, dtype=np.int64)
    column_start = np.zeros(dims[0] * dims[1] + 1, dtype=np.int64)
    r = -1
    for k in range(n):
        key = keys[order[k]]
        if k == 0 or key != keys[order[k - 1]]:
            r += 1
            start[r] = k
            run_z[r] = key % dims[2]
            column_start[key // dims[2] + 1] = r + 1
    start[runs] = n
    # columns without runs end where the previous column ended
    for c in range(1, column_start.shape[0]):
        column_start[c] = max(column_start[c], column_start[c - 1])
    return lo, dims, order, start, run_z, column_start


@numba.njit(cache=True)
def _first_run_from(column_start, run_z, column, z):
    # a column's runs are in z order: the first at height z or above (binary search)
    a = column_start[column]
    b = column_start[column + 1]
    while a < b:
        m = (a + b) // 2
        if run_z[m] < z:
            a = m + 1
        else:
            b = m
    return a


@numba.njit(cache=True)
def _pairs(points, reach, cell, capacity):
    # every pair closer than the mean of its reaches, found once (by the point of larger
    # reach; ties by the larger index); returns the two ends and how many were found, which
    # exceeds ``capacity`` (nothing written past it) when the buffer was too small
    lo, dims, order, start, run_z, column_start = build_grid(points, cell)
    # work on copies in cell order, so that a cell's points sit together in memory
    sp = np.zeros((points.shape[0], 3))
    sr = np.zeros(points.shape[0])
    for k in range(points.shape[0]):
        sp[k] = points[order[k]]
        sr[k] = reach[order[k]]
    first = np.zeros(capacity, dtype=np.int64)
    second = np.zeros(capacity, dtype=np.int64)
    found = 0
    for run in range(start.shape[0] - 1):
        s0 = start[run]
        cx = int((sp[s0, 0] - lo[0]) / cell)
        cy = int((sp[s0, 1] - lo[1]) / cell)
        cz = run_z[run]
        widest = 0.0
        for s in range(s0, start[run + 1]):
            widest = max(widest, sr[s])
        k = int(np.ceil(widest / cell))
        for ax in range(max(cx - k, 0), min(cx + k, dims[0] - 1) + 1):
            for ay in range(max(cy - k, 0), min(cy + k, dims[1] - 1) + 1):
                column = ax * dims[1] + ay
                other = _first_run_from(column_start, run_z, column, cz - k)
                while other < column_start[column + 1] and run_z[other] <= cz + k:
                    for s in range(s0, start[run + 1]):
                        ri = sr[s]
                        for t in range(start[other], start[other + 1]):
                            rj = sr[t]
                            # the point of larger reach (ties: later in cell order) finds it
                            if t == s or rj > ri or (rj == ri and t > s):
                                continue
                            dx = sp[s, 0] - sp[t, 0]
                            dy = sp[s, 1] - sp[t, 1]
                            dz = sp[s, 2] - sp[t, 2]
                            lim = 0.5 * (ri + rj)
                            if dx * dx + dy * dy + dz * dz < lim * lim:
                                if found < capacity:
                                    first[found] = order[s]
                                    second[found] = order[t]
                                found += 1
                    other += 1
    return first, second, found


@numba.njit(cache=True)
def neighbour_lists(points, reach):
    """Every pair closer than the mean of the two points' reaches, as symmetric CSR lists.

    Returns ``offsets`` (n + 1) and ``neighbours``: the neighbours of point i are
    ``neighbours[offsets[i]:offsets[i + 1]]``.
    """
    n = points.shape[0]
    cell = 1.5 * np.median(reach)
    capacity = 8 * n + 16
    first, second, found = _pairs(points, reach, cell, capacity)
    if found > capacity:
        first, second, found = _pairs(points, reach, cell, found)
    count = np.zeros(n, dtype=np.int64)
    for e in range(found):
        count[first[e]] += 1
        count[second[e]] += 1
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(count)
    neighbours = np.zeros(offsets[n], dtype=np.int64)
    cursor = offsets[:n].copy()
    for e in range(found):
        i = first[e]
        j = second[e]
        neighbours[cursor[i]] = j
        cursor[i] += 1
        neighbours[cursor[j]] = i
        cursor[j] += 1
    return offsets, neighbours


@numba.njit(cache=True)
def _distance(points, i, j):
    dx = points[i, 0] - points[j, 0]
    dy = points[i, 1] - points[j, 1]
    dz = points[i, 2] - points[j, 2]
    return np.sqrt(dx * dx + dy * dy + dz * dz)


@numba.njit(cache=True)
def _sift_down(heap, where, weight, k, n):
    while True:
        left = 2 * k + 1
        if left >= n:
            return
        child = left
        if left + 1 < n and weight[heap[left + 1]] > weight[heap[left]]:
            child = left + 1
        if weight[heap[child]] <= weight[heap[k]]:
            return
        heap[k], heap[child] = heap[child], heap[k]
        where[heap[k]] = k
        where[heap[child]] = child
        k = child


@numba.njit(cache=True)
def eliminate(points, reach, keep, offsets, neighbours, alpha):
    """Weighted sample elimination: remove the most crowded point until ``keep`` remain.

    A pair closer than the mean reach r̄ of its points weighs (1 − d / r̄)^alpha; each
    point's weight sums its pairs. Returns the removed points in the order they were
    removed (so its reverse adds points where they are most wanted).
    """
    n = points.shape[0]
    weight = np.zeros(n)
    pair_weight = np.zeros(neighbours.shape[0])
    for i in range(n):
        for e in range(offsets[i], offsets[i + 1]):
            j = neighbours[e]
            r = 0.5 * (reach[i] + reach[j])
            pair_weight[e] = (1.0 - _distance(points, i, j) / r) ** alpha
            weight[i] += pair_weight[e]
    heap = np.arange(n)
    where = np.arange(n)
    for k in range(n // 2 - 1, -1, -1):
        _sift_down(heap, where, weight, k, n)
    alive = np.ones(n, dtype=np.bool_)
    size = n
    removed = np.zeros(max(n - keep, 0), dtype=np.int64)
    for step in range(n - keep):
        i = heap[0]
        removed[step] = i
        alive[i] = False
        size -= 1
        heap[0] = heap[size]
        where[heap[0]] = 0
        _sift_down(heap, where, weight, 0, size)
        for e in range(offsets[i], offsets[i + 1]):
            j = neighbours[e]
            if not alive[j]:
                continue
            weight[j] -= pair_weight[e]
            _sift_down(heap, where, weight, where[j], size)
    return removed


@numba.njit(cache=True)
def _walk(points, face, i, mx, my, mz, corners, dual, normals, adjacency):
    # move point i by (mx, my, mz) along the surface: within its face's plane, across edges
    # into the neighbouring faces, sliding along the border
    f = face[i]
    came_from = -2  # no face (-1 marks the border in ``adjacency``)
    for _ in range(WALK_HOPS):
        nx, ny, nz = normals[f, 0], normals[f, 1], normals[f, 2]
        along = mx * nx + my * ny + mz * nz
        mx -= along * nx
        my -= along * ny
        mz -= along * nz
        px = points[i, 0] - corners[f, 0, 0]
        py = points[i, 1] - corners[f, 0, 1]
        pz = points[i, 2] - corners[f, 0, 2]
        # barycentric weights of the point now (b) and after the move (c)
        b1 = px * dual[f, 0, 0] + py * dual[f, 0, 1] + pz * dual[f, 0, 2]
        b2 = px * dual[f, 1, 0] + py * dual[f, 1, 1] + pz * dual[f, 1, 2]
        b0 = 1.0 - b1 - b2
        m1 = mx * dual[f, 0, 0] + my * dual[f, 0, 1] + mz * dual[f, 0, 2]
        m2 = mx * dual[f, 1, 0] + my * dual[f, 1, 1] + mz * dual[f, 1, 2]
        m0 = -m1 - m2
        # the first edge the move leaves by: where a decreasing weight reaches 0
        t = 1.0
        edge = -1
        if m0 < 0.0 and b0 + m0 < 0.0:
            t = max(b0, 0.0) / -m0
            edge = 0
        if m1 < 0.0 and b1 + m1 < 0.0:
            t1 = max(b1, 0.0) / -m1
            if t1 < t:
                t = t1
                edge = 1
        if m2 < 0.0 and b2 + m2 < 0.0:
            t2 = max(b2, 0.0) / -m2
            if t2 < t:
                t = t2
                edge = 2
        points[i, 0] += t * mx
        points[i, 1] += t * my
        points[i, 2] += t * mz
        if edge < 0:
            break
        mx *= 1.0 - t
        my *= 1.0 - t
        mz *= 1.0 - t
        nxt = adjacency[f, edge]
        if nxt < 0 or (nxt == came_from and t == 0.0):
            # slide along the border, or along a fold so sharp that the move, turned into
            # this face's plane, heads straight back: keep the part along the edge
            a = (edge + 1) % 3
            b = (edge + 2) % 3
            ex = corners[f, b, 0] - corners[f, a, 0]
            ey = corners[f, b, 1] - corners[f, a, 1]
            ez = corners[f, b, 2] - corners[f, a, 2]
            ee = ex * ex + ey * ey + ez * ez
            if ee == 0.0:
                break
            k = (mx * ex + my * ey + mz * ez) / ee
            mx, my, mz = k * ex, k * ey, k * ez
            came_from = -2
            continue
        came_from = f
        f = nxt
    face[i] = f


@numba.njit(cache=True)
def settle(points, anchor, face, corners, dual, normals, adjacency):
    """Walk every point from its ``anchor`` on the mesh by the move it has made since.

    Points moved within a tangent plane drift off the surface and may overshoot the
    border; afterwards ``points`` and ``anchor`` hold positions on the mesh (sliding along
    the border) and ``face`` the faces they lie on.
    """
    for i in range(points.shape[0]):
        mx = points[i, 0] - anchor[i, 0]
        my = points[i, 1] - anchor[i, 1]
        mz = points[i, 2] - anchor[i, 2]
        points[i, 0] = anchor[i, 0]
        points[i, 1] = anchor[i, 1]
        points[i, 2] = anchor[i, 2]
        _walk(points, face, i, mx, my, mz, corners, dual, normals, adjacency)
        anchor[i, 0] = points[i, 0]
        anchor[i, 1] = points[i, 1]
        anchor[i, 2] = points[i, 2]


@numba.njit(cache=True)
def _push(points, face, normals, spacing, share, i, j):
    # push the pair (i, j) apart to share × its mean spacing, each point moving half of it
    # within the plane of its face
    target = share * 0.5 * (spacing[i] + spacing[j])
    dx = points[j, 0] - points[i, 0]
    dy = points[j, 1] - points[i, 1]
    dz = points[j, 2] - points[i, 2]
    dist2 = dx * dx + dy * dy + dz * dz
    if dist2 >= target * target or dist2 == 0.0:
        return False
    dist = np.sqrt(dist2)
    push = 0.5 * (target - dist) / dist
    dx *= push
    dy *= push
    dz *= push
    fi = face[i]
    fj = face[j]
    ni = dx * normals[fi, 0] + dy * normals[fi, 1] + dz * normals[fi, 2]
    nj = dx * normals[fj, 0] + dy * normals[fj, 1] + dz * normals[fj, 2]
    points[i, 0] -= dx - ni * normals[fi, 0]
    points[i, 1] -= dy - ni * normals[fi, 1]
    points[i, 2] -= dz - ni * normals[fi, 2]
    points[j, 0] += dx - nj * normals[fj, 0]
    points[j, 1] += dy - nj * normals[fj, 1]
    points[j, 2] += dz - nj * normals[fj, 2]
    return True


@numba.njit(cache=True)
def relax_pairs(points, face, normals, spacing, share, offsets, neighbours, sweeps):
    """Gauss–Seidel pair repulsion in the tangent planes of the points' faces.

    Every pair closer than ``share`` × its mean spacing is pushed apart to that distance,
    each point moving half of it within the plane of its face (``normals[face]``).
    ``points`` is changed in place; put them back on the mesh with :func:`settle`.
    """
    for _ in range(sweeps):
        for i in range(points.shape[0]):
            for e in range(offsets[i], offsets[i + 1]):
                j = neighbours[e]
                if j > i:
                    _push(points, face, normals, spacing, share, i, j)


@numba.njit(cache=True)
def _push_along(points, face, spacing, share, trigger, i, j, corners, dual, normals, adjacency):
    # like _push, but each point walks its half along the mesh (stopped by the border)
    target = share * 0.5 * (spacing[i] + spacing[j])
    dx = points[j, 0] - points[i, 0]
    dy = points[j, 1] - points[i, 1]
    dz = points[j, 2] - points[i, 2]
    dist2 = dx * dx + dy * dy + dz * dz
    if dist2 >= (trigger * target) ** 2 or dist2 == 0.0:
        return False
    dist = np.sqrt(dist2)
    push = 0.5 * (target - dist) / dist
    _walk(points, face, i, -dx * push, -dy * push, -dz * push, corners, dual, normals, adjacency)
    _walk(points, face, j, dx * push, dy * push, dz * push, corners, dual, normals, adjacency)
    return True


@numba.njit(cache=True)
def relax_active(
    points,
    face,
    spacing,
    share,
    trigger,
    offsets,
    neighbours,
    rounds,
    corners,
    dual,
    normals,
    adjacency,
):
    """Push apart the pairs closer than ``trigger`` × ``share`` × their mean spacing.

    Each such pair is pushed to ``share`` × its mean spacing, each point walking its half
    along the mesh (so that a point at the border stays there and its partner moves
    instead, round after round).

    The first round visits every point, each later one only the points pushed in the
    last. Stops when a round pushes nothing or after ``rounds``; returns the rounds that
    pushed. ``points`` stay on the mesh and ``face`` follows them.
    """
    n = points.shape[0]
    active = np.ones(n, dtype=np.bool_)
    for r in range(rounds):
        pushed = np.zeros(n, dtype=np.bool_)
        moved = False
        for i in range(n):
            if not active[i]:
                continue
            for e in range(offsets[i], offsets[i + 1]):
                j = neighbours[e]
                if _push_along(
                    points, face, spacing, share, trigger, i, j, corners, dual, normals, adjacency
                ):
                    pushed[i] = True
                    pushed[j] = True
                    moved = True
        if not moved:
            return r
        active = pushed
    return rounds


@numba.njit(cache=True)
def morton_keys(points, cell):
    """Z-curve keys of points quantised to cubes of side ``cell`` (21 bits per axis)."""
    n = points.shape[0]
    lo = np.zeros(3)
    for d in range(3):
        lo[d] = points[:, d].min()
    keys = np.zeros(n, dtype=np.int64)
    for i in range(n):
        key = 0
        for d in range(3):
            q = min(int((points[i, d] - lo[d]) / cell), (1 << 21) - 1)
            for bit in range(21):
                key |= ((q >> bit) & 1) << (3 * bit + d)
        keys[i] = key
    return keys


@numba.njit(cache=True)
def face_adjacency(faces):
    """The face across the edge opposite each corner.

    -1 on the border, or where more than two faces share the edge.
    """
    f = faces.shape[0]
    n_vertices = faces.max() + 1 if f else 0
    # faces about each vertex, as CSR
    start = np.zeros(n_vertices + 1, dtype=np.int64)
    for t in range(f):
        for k in range(3):
            start[faces[t, k] + 1] += 1
    for v in range(n_vertices):
        start[v + 1] += start[v]
    ring = np.zeros(3 * f, dtype=np.int64)
    cursor = start[:-1].copy()
    for t in range(f):
        for k in range(3):
            v = faces[t, k]
            ring[cursor[v]] = t
            cursor[v] += 1
    adjacency = np.full((f, 3), -1, dtype=np.int64)
    for t in range(f):
        for k in range(3):
            a = faces[t, (k + 1) % 3]
            b = faces[t, (k + 2) % 3]
            other = -1
            shared = 0
            for e in range(start[a], start[a + 1]):
                u = ring[e]
                if u != t and (faces[u, 0] == b or faces[u, 1] == b or faces[u, 2] == b):
                    other = u
                    shared += 1
            if shared == 1:
                adjacency[t, k] = other
    return adjacency


@numba.njit(cache=True)
def face_frames(vertices, faces):
    """Each face's corners, dual vectors, unit normal and twice its area.

    The dual vectors give the barycentric weights of corners 1 and 2 as dot products with
    p − corner 0; a degenerate face has zero duals and a zero normal.
    """
    f = faces.shape[0]
    corners = np.zeros((f, 3, 3))
    dual = np.zeros((f, 2, 3))
    normals = np.zeros((f, 3))
    double_area = np.zeros(f)
    for t in range(f):
        for k in range(3):
            for d in range(3):
                corners[t, k, d] = vertices[faces[t, k], d]
        ax = corners[t, 1, 0] - corners[t, 0, 0]
        ay = corners[t, 1, 1] - corners[t, 0, 1]
        az = corners[t, 1, 2] - corners[t, 0, 2]
        bx = corners[t, 2, 0] - corners[t, 0, 0]
        by = corners[t, 2, 1] - corners[t, 0, 1]
        bz = corners[t, 2, 2] - corners[t, 0, 2]
        g11 = ax * ax + ay * ay + az * az
        g12 = ax * bx + ay * by + az * bz
        g22 = bx * bx + by * by + bz * bz
        det = g11 * g22 - g12 * g12
        if det > 0.0:
            dual[t, 0, 0] = (g22 * ax - g12 * bx) / det
            dual[t, 0, 1] = (g22 * ay - g12 * by) / det
            dual[t, 0, 2] = (g22 * az - g12 * bz) / det
            dual[t, 1, 0] = (g11 * bx - g12 * ax) / det
            dual[t, 1, 1] = (g11 * by - g12 * ay) / det
            dual[t, 1, 2] = (g11 * bz - g12 * az) / det
        nx = ay * bz - az * by
        ny = az * bx - ax * bz
        nz = ax * by - ay * bx
        length = np.sqrt(nx * nx + ny * ny + nz * nz)
        double_area[t] = length
        if length > 0.0:
            normals[t, 0] = nx / length
            normals[t, 1] = ny / length
            normals[t, 2] = nz / length
    return corners, dual, normals, double_area


@numba.njit(cache=True)
def closest_in_spacings(grid, points, spacing, queries, query_spacing, reach, skip, any_within, k):
    """For each query, the ``k`` points closest to it in the pair's mean spacing.

    ``grid`` is :func:`build_grid` of ``points`` (any cell side). The distance from query q
    to point j is taken over ½ (``query_spacing[q]`` + ``spacing[j]``); only points within
    ``reach[q]`` millimetres are looked at, and never point ``skip[q]`` (a query that is
    itself one of the points). Returns the smallest such ratio and its point (inf and -1
    when none lies within reach). With ``any_within`` a query stops at the first point
    within reach (its ratio is then that point's, not the smallest). The ratios and points
    come as (queries, ``k``) arrays, closest first.
    """
    lo, dims, order, start, run_z, column_start, cell = grid
    n_queries = queries.shape[0]
    best = np.full((n_queries, k), np.inf)
    which = np.full((n_queries, k), -1, dtype=np.int64)
    for q in range(n_queries):
        c = int(np.ceil(reach[q] / cell))
        cx = int((queries[q, 0] - lo[0]) / cell)
        cy = int((queries[q, 1] - lo[1]) / cell)
        cz = int((queries[q, 2] - lo[2]) / cell)
        found = False
        for ax in range(max(cx - c, 0), min(cx + c, dims[0] - 1) + 1):
            if found:
                break
            for ay in range(max(cy - c, 0), min(cy + c, dims[1] - 1) + 1):
                if found:
                    break
                column = ax * dims[1] + ay
                run = _first_run_from(column_start, run_z, column, cz - c)
                while run < column_start[column + 1] and run_z[run] <= cz + c and not found:
                    for s in range(start[run], start[run + 1]):
                        j = order[s]
                        if j == skip[q]:
                            continue
                        dx = queries[q, 0] - points[j, 0]
                        dy = queries[q, 1] - points[j, 1]
                        dz = queries[q, 2] - points[j, 2]
                        d2 = dx * dx + dy * dy + dz * dz
                        if d2 > reach[q] * reach[q]:
                            continue
                        ratio = np.sqrt(d2) / (0.5 * (query_spacing[q] + spacing[j]))
                        # insert into the query's k closest, kept in order
                        slot = k
                        while slot > 0 and ratio < best[q, slot - 1]:
                            slot -= 1
                        if slot < k:
                            for t in range(k - 1, slot, -1):
                                best[q, t] = best[q, t - 1]
                                which[q, t] = which[q, t - 1]
                            best[q, slot] = ratio
                            which[q, slot] = j
                        if any_within:
                            found = True
                            break
                    run += 1
    return best, which


@numba.njit(cache=True)
def point_grid(points, cell):
    """:func:`build_grid` of ``points`` with its cell side, for :func:`closest_in_spacings`."""
    lo, dims, order, start, run_z, column_start = build_grid(points, cell)
    return lo, dims, order, start, run_z, column_start, cell


@numba.njit(cache=True)
def nearest_sample_of_face(sample_face, sample_points, usable, first, faces, points, per_face):
    """Index of the usable sample nearest each point among its face's samples.

    ``sample_face`` is sorted, so the samples of a face are a run starting at ``first``
    (at most ``per_face`` long); a point whose face has no usable sample gets the run's
    first sample.
    """
    m = sample_face.shape[0]
    nearest = np.zeros(points.shape[0], dtype=np.int64)
    for i in range(points.shape[0]):
        pick = min(first[i], m - 1)
        best = np.inf
        for k in range(first[i], min(first[i] + per_face, m)):
            if sample_face[k] != faces[i] or not usable[k]:
                continue
            dx = sample_points[k, 0] - points[i, 0]
            dy = sample_points[k, 1] - points[i, 1]
            dz = sample_points[k, 2] - points[i, 2]
            d = dx * dx + dy * dy + dz * dz
            if d < best:
                best = d
                pick = k
        nearest[i] = pick
    return nearest
