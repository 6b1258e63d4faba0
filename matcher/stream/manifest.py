"""The record of a register run's finished work, so an interrupted run resumes where it stopped.

Owns `_manifest.json` in the output folder: what the run is (its inputs with size and modification
time, and its options — a rerun with anything different is another run, not a resume) and every unit
finished so far (shards read, key groups resolved, batches scored, merge buckets scored, the run
finished). Every file a unit writes is written under a temporary name and renamed into place
(`atomic_path`) before the unit is recorded, and the manifest itself is replaced in one rename, so
after a crash at any moment the manifest lists only units whose files are complete.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

MANIFEST = "_manifest.json"
VERSION = 1


class Manifest:
    def __init__(self, folder: Path, run: dict, state: dict | None = None):
        self.folder = Path(folder)
        self.run = run
        self.state = state if state is not None else {"version": VERSION, "run": run, "done": {}}

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def load(cls, folder: Path) -> dict | None:
        try:
            return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def units(self, kind: str) -> dict:
        return self.state["done"].setdefault(kind, {})

    def is_done(self, kind: str, unit: str) -> bool:
        return unit in self.state["done"].get(kind, {})

    def record(self, kind: str, unit: str, info=True) -> None:
        self.units(kind)[unit] = info
        self.save()

    def save(self) -> None:
        tmp = self.path.with_name("." + MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.state, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


@contextlib.contextmanager
def atomic_path(path: Path):
    """A temporary path beside `path` (hidden, so dataset readers skip it) renamed to `path` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
