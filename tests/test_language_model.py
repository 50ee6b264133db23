"""The language model kept uncompressed in the user's cache: the same answers as py3langid's
own, written once, read back by later processes, and never a reason to fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import py3langid
import pytest

from scrubwatch import language_model
from scrubwatch.extract import language
from scrubwatch.language_model import cache_path, load_identifier

TEXTS = (
    "The ministry said the corridor would be built by Chinese companies within three years.",
    "Das Ministerium erklärte, der Korridor werde innerhalb von drei Jahren gebaut.",
    "Le ministère a déclaré que le corridor serait construit d'ici trois ans.",
    "Министерство заявило, что коридор будет построен в течение трёх лет.",
    "Nazirlik dəhlizin üç il ərzində tikiləcəyini bildirib.",
    "外交部表示，该走廊将在三年内由中国公司建设。",
    "",
    "1234 5678 !!!",
)


def test_the_cached_model_answers_as_py3langid_does(tmp_path: Path) -> None:
    built = load_identifier(tmp_path)  # decompresses py3langid's model, keeps a copy
    read = load_identifier(tmp_path)  # reads the copy
    for text in TEXTS:
        assert built.classify(text) == read.classify(text) == py3langid.classify(text)
    assert py3langid.classify(TEXTS[4])[0] == "az"


def test_later_loads_read_the_copy_not_the_packaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_identifier(tmp_path)
    assert cache_path(tmp_path).stat().st_size > 10_000_000

    def unavailable() -> None:
        raise AssertionError("the packaged model was decompressed again")

    monkeypatch.setattr(language_model, "_packaged_arrays", unavailable)
    assert load_identifier(tmp_path).classify(TEXTS[1])[0] == "de"


def test_a_damaged_copy_is_replaced(tmp_path: Path) -> None:
    load_identifier(tmp_path)
    path = cache_path(tmp_path)
    whole = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(whole // 2)
    assert load_identifier(tmp_path).classify(TEXTS[2])[0] == "fr"
    assert path.stat().st_size == whole
    path.write_bytes(path.read_bytes() + b"junk")
    assert load_identifier(tmp_path).classify(TEXTS[2])[0] == "fr"
    assert path.stat().st_size == whole


def test_a_copy_whose_arrays_do_not_fit_together_is_replaced(tmp_path: Path) -> None:
    load_identifier(tmp_path)
    path = cache_path(tmp_path)
    whole = path.stat().st_size
    with path.open("rb") as file:
        arrays = [np.load(file) for _ in range(6)]
    arrays[-1] = arrays[-1][:-10]  # one output slot per automaton state no longer holds
    with path.open("wb") as file:
        for array in arrays:
            np.save(file, array)
    assert load_identifier(tmp_path).classify(TEXTS[5])[0] == "zh"
    assert path.stat().st_size == whole


def test_a_loader_that_fails_leaves_py3langids_own(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> language.Classifier:
        raise MemoryError("no room for the model")

    classify = language.load(broken)
    assert classify(TEXTS[1]) == py3langid.classify(TEXTS[1])
    assert "using py3langid's own" in caplog.text


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    assert load_identifier(blocked).classify(TEXTS[3])[0] == "ru"
    assert list(tmp_path.iterdir()) == [blocked]


def test_no_copy_is_kept_on_a_disk_that_it_would_nearly_fill(tmp_path: Path) -> None:
    whole_disk = shutil.disk_usage(tmp_path).total
    assert load_identifier(tmp_path, keep_free=whole_disk).classify(TEXTS[1])[0] == "de"
    assert list(tmp_path.iterdir()) == []


def test_a_copy_for_another_py3langid_goes_when_the_new_one_is_written(tmp_path: Path) -> None:
    older = tmp_path / "py3langid-0.3.0-4000000.npy"
    older.write_bytes(b"an older model")
    load_identifier(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [cache_path(tmp_path).name]


@pytest.mark.parametrize("declared", ["", ' lang="de"'])
def test_the_extract_command_keeps_the_copy_in_the_user_cache(
    tmp_path: Path, declared: str
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f"<html{declared}><body><article><h1>Bericht</h1><p>{TEXTS[1]} {TEXTS[1]}</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-m", "scrubwatch", "extract", str(page), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert '"language": "de"' in run.stdout
    kept = list((tmp_path / "cache").glob("scrubwatch/py3langid-*.npy"))
    # Only a page that declares no language needs the model.
    assert len(kept) == (0 if declared else 1)
