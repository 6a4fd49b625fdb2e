"""Files that web uploads leave under ``VAR_DIR``, and how long they are kept.

A web import stores the uploaded file (for the confirmation step) and its rejects file
(for download). They hold companies' and people's data, so they are not kept forever:
files older than ``MAPSTER_UPLOAD_RETENTION_DAYS`` are removed on the next upload and by
``mapster uploads purge --apply``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Relative to VAR_DIR: directory imports, survey answer uploads, rejects of both.
FOLDERS = ("imports/web", "uploads/surveys", "rejects")


@dataclass(frozen=True)
class Expired:
    path: Path
    age_days: float
    size: int


def folders() -> list[Path]:
    return [Path(settings.VAR_DIR) / name for name in FOLDERS]


def expired(now: float | None = None, days: int | None = None) -> list[Expired]:
    """Files of the upload folders older than the retention period, oldest first."""
    now = time.time() if now is None else now
    days = settings.MAPSTER_UPLOAD_RETENTION_DAYS if days is None else days
    found = []
    for folder in folders():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed meanwhile by another request
                continue
            age = (now - stat.st_mtime) / 86400
            if path.is_file() and age > days:
                found.append(Expired(path, age, stat.st_size))
    return sorted(found, key=lambda e: -e.age_days)


def purge(*, apply: bool, now: float | None = None, days: int | None = None) -> list[Expired]:
    """Remove (``apply``) or list the expired files; returns them."""
    gone = expired(now, days)
    if apply:
        for entry in gone:
            entry.path.unlink(missing_ok=True)
    return gone
