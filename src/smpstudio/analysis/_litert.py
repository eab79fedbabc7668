"""The shipped TFLite models, loaded once per process with LiteRT."""

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
    with resources.as_file(model) as path:
        interpreter = Interpreter(model_path=str(path), num_threads=2)
    interpreter.allocate_tensors()
    return interpreter
