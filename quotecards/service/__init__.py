"""Cards on demand for dynamic sites: an ASGI service (app.py), signed card URLs (signing.py),
the requests it takes (card_requests.py), the posts it serves by slug (pages.py) and its store (store.py)."""

from .app import ServiceConfig, create_app
from .signing import load_secret, sign, signed_path, verify

__all__ = ["ServiceConfig", "create_app", "load_secret", "sign", "signed_path", "verify"]
