"""The shipped TFLite models, loaded once per process with LiteRT."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources

from ai_edge_litert.interpreter import Interpreter


@cache
def litert_model(file_name: str) -> Interpreter:
    """A ready interpreter for a model in ``analysis/models/`` (2 threads, tensors allocated).

    Parameters
    ----------
    file_name : str
        File name inside ``smpstudio/analysis/models``.

    Returns
    -------
    Interpreter
        Shared by every caller in the process.
    """
    model = resources.files("smpstudio.analysis").joinpath(f"models/{file_name}")
    with resources.as_file(model) as path, _runtime_banner_silenced():
        interpreter = Interpreter(model_path=str(path), num_threads=2)
        interpreter.allocate_tensors()
    return interpreter


@contextmanager
def _runtime_banner_silenced() -> Iterator[None]:
    """Keep LiteRT's C++ start-up line off the practitioner's terminal.

    The line is "INFO: Created TensorFlow Lite XNNPACK delegate for CPU."; Python exceptions
    still propagate.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
