"""Loaded by every Python process the tests run (conftest puts this folder on PYTHONPATH), and
imported by conftest itself: no test looks up a name outside this machine.

The seed post links a real site's image; a test that renders it must neither send a packet
there nor start failing the day that site answers. A name that is not this machine's fails as
a dead domain does, at once.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_real_getaddrinfo = socket.getaddrinfo


def _local(host: str) -> bool:
    name = host.strip("[]").split("%")[0].rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback or ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or _local(str(name)):
        return _real_getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


if getattr(socket.getaddrinfo, "__module__", "") != __name__:
    socket.getaddrinfo = _getaddrinfo
