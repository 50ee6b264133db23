"""py3langid's model kept uncompressed in the user's cache, so a process loads it in ~50 ms.

py3langid ships one LZMA file and decompresses it (68 MB) in every process that classifies a
text: ~0.5 s of CPU per command and per analysis worker. The first process to need the model
writes its arrays, as they are, to one file in the cache directory (named after py3langid's
version and the packaged file's size, so an upgrade gets a fresh copy and the old one goes);
later processes read that. A cache that cannot be written, or a damaged copy, costs only the
slow load: the classifier is the same either way. The copy is not written where it would
leave less than `KEEP_FREE_BYTES` on the disk: the cache often shares a disk with the
archive, and a capture that cannot be written is worth more than half a second.
"""

from __future__ import annotations

import contextlib
import logging
import lzma
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrubwatch import config
from scrubwatch.extract import language

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# The arrays of py3langid's model (its `modelio` layout), in the order the cache holds them.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_PREFIX = "py3langid-"
KEEP_FREE_BYTES = 1 << 30


def use_user_cache() -> None:
    """Have `extract.language` load the model through the user's cache when a text first
    needs it (every command and every analysis worker start with this)."""
    folder = config.cache_dir()
    language.use_loader(lambda: load_identifier(folder).classify)


def load_identifier(cache_dir: Path, *, keep_free: int = KEEP_FREE_BYTES) -> Any:
    """py3langid's `LanguageIdentifier`, from the cached copy when there is a sound one."""
    path = cache_path(cache_dir)
    try:
        arrays = _read(path)
    except (OSError, ValueError, EOFError) as exc:
        log.debug("no usable cached language model at %s (%s): loading py3langid's", path, exc)
        arrays = _packaged_arrays()
        _write(path, arrays, keep_free)
    return _identifier(arrays)


def cache_path(cache_dir: Path) -> Path:
    """Where the uncompressed model of the installed py3langid lives in `cache_dir`."""
    import py3langid

    size = _packaged_model().stat().st_size
    return cache_dir / f"{_PREFIX}{py3langid.__version__}-{size}.npy"


def _packaged_model() -> Path:
    from py3langid import langid

    return Path(langid.MODEL_DIR) / str(langid.MODEL_FILE)


def _packaged_arrays() -> dict[str, np.ndarray]:
    import numpy as np

    # Through a temporary file, as py3langid does: the 68 MB never sit in memory twice.
    with tempfile.TemporaryFile() as unpacked:
        with lzma.open(_packaged_model()) as compressed:
            shutil.copyfileobj(compressed, unpacked, length=1 << 20)
        unpacked.seek(0)
        with np.load(unpacked, allow_pickle=False) as stored:
            return {name: stored[name] for name in _ARRAYS}


def _read(path: Path) -> dict[str, np.ndarray]:
    import numpy as np

    with path.open("rb") as file:
        arrays = {name: np.load(file, allow_pickle=False) for name in _ARRAYS}
        if file.read(1):
            raise ValueError("trailing bytes after the model's arrays")
    _check_shapes(arrays)
    return arrays


def _check_shapes(arrays: dict[str, np.ndarray]) -> None:
    """The arrays fit together as py3langid uses them (a copy from another layout does not)."""
    ptc, pc, classes = arrays["ptc"], arrays["pc"], arrays["classes"]
    rows, states = arrays["nextmove"], arrays["nextmove_row"]
    fits = (
        ptc.ndim == 2
        and ptc.shape[1] == len(pc) == len(classes)
        and len(states) == len(arrays["out_feat"])
        and rows.size % 256 == 0
        and (not states.size or int(states.max()) < rows.size // 256)
    )
    if not fits:
        raise ValueError("the cached model's arrays do not fit together")


def _write(path: Path, arrays: dict[str, np.ndarray], keep_free: int) -> None:
    """Write the copy whole or not at all: another process may be reading or writing it."""
    import numpy as np

    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    size = sum(array.nbytes for array in arrays.values())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(path.parent).free < size + keep_free:
            log.debug("not keeping the language model in %s: the disk is nearly full", path.parent)
            return
        with partial.open("wb") as file:
            for name in _ARRAYS:
                np.save(file, arrays[name], allow_pickle=False)
        os.replace(partial, path)
    except OSError as exc:
        log.debug("could not keep the language model in %s: %s", path.parent, exc)
        with contextlib.suppress(OSError):
            partial.unlink()
        return
    for older in path.parent.glob(f"{_PREFIX}*.npy"):
        if older != path:
            with contextlib.suppress(OSError):
                older.unlink()


def _identifier(arrays: dict[str, np.ndarray]) -> Any:
    """The identifier py3langid's own `from_model_file` builds from the same arrays."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    return LanguageIdentifier(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        arrays["classes"].tolist(),
        _stdlib_array(arrays["nextmove"]),
        arrays["out_feat"].tolist(),
        tk_row=_stdlib_array(arrays["nextmove_row"]),
    )


def _stdlib_array(values: np.ndarray) -> array[int]:
    """py3langid walks its automaton through `array` objects (fast item access)."""
    import numpy as np

    typecode = {2: "H", 4: "I", 8: "Q"}[values.dtype.itemsize]
    converted = array(typecode)
    converted.frombytes(np.ascontiguousarray(values).data.cast("B"))  # one copy, not two
    return converted
