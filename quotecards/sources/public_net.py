"""Connections to public addresses only, for the live preview's image fetches.

A URL typed into the preview must not reach the machine it runs on or its network (the cloud
metadata address, a router's admin page, a database on localhost). The check is made on the
address actually connected to, after DNS, for every connection — so a redirect to an internal
address, or a name that resolves to a public address once and a private one the next time,
is refused as well.

urllib3 opens each connection in `HTTPConnection._new_conn`, the hook its own SOCKS support
overrides; pyproject bounds urllib3 to the major version this was written and tested against.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

__all__ = ["NotPublicError", "is_public", "public_only"]


class NotPublicError(NewConnectionError):
    """The host name leads to an address that is not on the public internet."""

    def __init__(self, conn: HTTPConnection, why: str):
        super().__init__(conn, why)
        self.why = why


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if embedded is not None:
        return is_public(str(embedded))
    return ip.is_global and not ip.is_multicast and not any(ip in network for network in _RESERVED)


# Reserved ranges that Python's own tables (3.11) still call global: site-local IPv6, which some
# routers still keep inside a site (RFC 3879 deprecated it, nothing reassigned it), and two ranges
# set aside since then: IPv6 documentation (RFC 9637) and segment routing's SIDs (RFC 9602).
_RESERVED = tuple(ipaddress.ip_network(n) for n in ("fec0::/10", "3fff::/20", "5f00::/16"))


# IPv6 forms that carry an IPv4 address a router or the host's own stack may deliver to: the
# IPv4 address decides, so ::ffff:127.0.0.1 and 64:ff9b::a00:1 (10.0.0.1 by NAT64) are not public.
_LOW32_NETWORKS = tuple(ipaddress.IPv6Network(n) for n in (
    "::ffff:0:0/96",  # IPv4-mapped
    "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
    "64:ff9b::/96",  # NAT64, well-known prefix (RFC 6052)
    "64:ff9b:1::/48",  # NAT64, local use (RFC 8215)
    "::/96",  # IPv4-compatible (deprecated, still routed by some stacks)
))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:  # 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
        return ip.sixtofour
    if ip.teredo is not None:  # 2001::/32 carries the client's address, inverted
        return ip.teredo[1]
    if any(ip in network for network in _LOW32_NETWORKS) and int(ip) & 0xFFFFFFFF and ip not in _UNSPECIFIED:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


_UNSPECIFIED = (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1"))


def _connect(conn: HTTPConnection) -> socket.socket:
    try:
        infos = socket.getaddrinfo(conn._dns_host, conn.port, type=socket.SOCK_STREAM)  # noqa: SLF001
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    addresses = [str(info[4][0]) for info in infos]
    blocked = [a for a in addresses if not is_public(a)]
    if blocked or not addresses:
        # No port and no connection attempt: the answer cannot tell which internal ports are open.
        raise NotPublicError(conn, f"{conn.host} is not a public address ({blocked[0] if blocked else 'none'})")
    try:
        return connection.create_connection((addresses[0], conn.port), conn.timeout,
                                            source_address=conn.source_address, socket_options=conn.socket_options)
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


def public_only(adapter: HTTPAdapter) -> HTTPAdapter:
    """`adapter`, now connecting to public addresses only."""
    pools: dict[str, Any] = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}
    adapter.poolmanager.pool_classes_by_scheme = pools
    return adapter
