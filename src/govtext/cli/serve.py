"""``govtext serve``: the reviewer web page and JSON API (FastAPI + uvicorn)."""

from __future__ import annotations

import click

from ..errors import UsageError
from ..extras import require
from .group import cli


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--max-upload-mb",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Largest file or pasted text accepted, in MB.",
)
def serve(host: str, port: int, max_upload_mb: float) -> None:
    """Start the web page and JSON API (paste or upload a summary, see its review).

    Pages: / (paste or upload) and the review. API: POST /api/check, /api/placeholders, /api/outline
    with JSON {"text": …, "kind": …} or a multipart file; schema at /openapi.json. Nothing is stored.
    """
    require("web", "govtext serve")
    import uvicorn

    from ..web import create_app

    _check_can_listen(host, port)

    app = create_app(max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"govtext: serving on http://{shown}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def _check_can_listen(host: str, port: int) -> None:
    """Fail with one line (exit 2) when the address is unknown or the port is taken."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot resolve: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
