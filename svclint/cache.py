"""Where svclint keeps files between runs (the lark table cache today)."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """`$SVCLINT_CACHE_DIR`, else the platform's per-user cache directory."""
    override = os.environ.get("SVCLINT_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("svclint", appauthor=False)
