"""The reviewer web page and JSON API (FastAPI). Imported only by ``govtext serve`` and the tests."""

from __future__ import annotations

from .app import create_app
from .intake import DEFAULT_MAX_UPLOAD_BYTES

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "create_app"]
