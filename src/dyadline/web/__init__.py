"""dyadline's web face: the REST API (``api``) and the dashboard (``dashboard``).

FastAPI, uvicorn, Jinja2 and plotly come with the ``web`` extra; they are
imported only here, when a server is built.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UsageError

INSTALL_HINT = "pip install 'dyadline[web]'"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def create_app(db: str | Path, *, allow_code: bool = False, model: str | None = None) -> Any:
    """The FastAPI application serving database ``db`` read-only."""
    from ..storage import Store

    Store(db, read_only=True).close()        # a missing or foreign file fails here, not per request
    try:
        from .api import build_app
    except ImportError as exc:
        raise UsageError(f"the web extra is not installed ({exc.name} is missing): "
                         f"{INSTALL_HINT}", code="E530") from None
    return build_app(Path(db), allow_code=allow_code, model=model)


def serve(db: str | Path, *, host: str = "127.0.0.1", port: int = 8000, allow_code: bool = False,
          model: str | None = None) -> None:
    """Serve ``db`` with uvicorn until interrupted (on 127.0.0.1 unless ``host`` says otherwise)."""
    app = create_app(db, allow_code=allow_code, model=model)
    if host not in LOCAL_HOSTS:
        import sys

        what = "read the database" + (" and have text coded (--allow-code)" if allow_code else "")
        print(f"warning: serving on {host}: anyone who can reach this address can {what}; "
              "there is no authentication", file=sys.stderr)
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")
