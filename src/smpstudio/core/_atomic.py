"""Crash-safe file writes: a temporary file in the same folder, fsync, then rename."""

import contextlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    Parameters
    ----------
    path : Path
        Destination file; its folder must exist.
    data : bytes
        The complete new content.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> write_bytes_atomic(p, b"hello")
    >>> p.read_bytes()
    b'hello'
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def npz_bytes(arrays: dict[str, NDArray[np.generic]]) -> bytes:
    """Encode arrays as ``.npz`` bytes that depend only on the arrays (no timestamps).

    Parameters
    ----------
    arrays : dict of str to ndarray
        Arrays by name, written in sorted name order.

    Returns
    -------
    bytes
        A zip archive readable by ``numpy.load``.

    Examples
    --------
    >>> a = {"x": np.arange(3)}
    >>> npz_bytes(a) == npz_bytes(a)
    True
    >>> np.load(io.BytesIO(npz_bytes(a)))["x"]
    array([0, 1, 2])
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=6)
    return buffer.getvalue()
