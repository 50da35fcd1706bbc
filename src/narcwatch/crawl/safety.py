"""SSRF guard: which URLs the crawler may ask for and which addresses it may connect to.

A URL must be ``http``/``https`` without credentials. Its host is resolved and every
address judged: loopback, private (RFC 1918, ``fc00::/7``), link-local (``169.254/16`` with
the cloud metadata address, ``fe80::/10``), multicast, unspecified, reserved, CGNAT
(``100.64/10``) and IPv4 addresses hidden in IPv6 (mapped, NAT64, 6to4) are refused unless an
explicit allow-list names them. Numeric hosts in decimal, octal or hex (``2130706433``,
``0x7f.1``) are read as the address a C resolver would see. ``.onion``/``.i2p`` hosts are
never resolved here: they need a proxy. With a proxy no name is resolved here at all (no
DNS leak): the proxy resolves and connects.

:class:`GuardedBackend` does the check again at connection time and connects to the very
address it checked, so a host whose DNS answer changes (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore

from narcwatch.errors import NarcwatchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HIDDEN_SUFFIXES = (".onion", ".i2p")
SCHEMES = ("http", "https")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.IGNORECASE)


class UnsafeURLError(NarcwatchError):
    """The crawler refuses a URL (scheme, credentials, address) before connecting."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: refused: {reason}")


def _part_value(part: str) -> int | None:
    low = part.lower()
    if low.startswith("0x"):
        return int(low[2:], 16) if len(low) > 2 else 0
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host stands for (dotted, decimal, octal, hex, IPv6), else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    values = [_part_value(p) for p in parts]
    if any(v is None for v in values):
        return None
    *head, last = [v for v in values if v is not None]
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(parts)):
        return None
    number = 0
    for v in head:
        number = number << 8 | v
    number = number << (8 * (5 - len(parts))) | last
    return ipaddress.IPv4Address(number)


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or None when it is."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        why = blocked_reason(inner)
        return f"{why} (inside {ip})" if why else None
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared address space (CGNAT)", ip in _CGNAT),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally routable", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address {ip}"
    return None


def is_hidden_service(host: str) -> bool:
    return host.lower().rstrip(".").endswith(HIDDEN_SUFFIXES)


@dataclass(frozen=True)
class Target:
    """A URL that passed the syntactic checks."""

    url: str
    scheme: str
    host: str  # lowercase, IPv6 without brackets, numeric hosts as dotted addresses
    port: int
    ip: IPAddress | None  # for numeric hosts
    hidden: bool  # .onion / .i2p


@dataclass
class AddressPolicy:
    """The allow-list (addresses or CIDR networks) and the proxy, if any."""

    allow: list[Network] = field(default_factory=list)
    proxy: str | None = None

    @classmethod
    def build(cls, allow: Iterable[str] = (), proxy: str | None = None) -> AddressPolicy:
        nets = []
        for text in allow:
            try:
                nets.append(ipaddress.ip_network(text.strip(), strict=False))
            except ValueError:
                raise UnsafeURLError(text, "not an IP address or CIDR network") from None
        return cls(nets, proxy)

    def allowed(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.allow)

    def judge(self, ip: IPAddress) -> str | None:
        """Why connecting to ``ip`` is refused, or None."""
        if self.allowed(ip):
            return None
        why = blocked_reason(ip)
        return f"{why} (allow it with --allow-address)" if why else None

    def target(self, url: str) -> Target:
        """Check scheme, credentials and host; raise :class:`UnsafeURLError`."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeURLError(url, f"malformed URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise UnsafeURLError(url, f"scheme {scheme or '(none)'!r} is not http or https")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise UnsafeURLError(url, "credentials in URLs are not allowed")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise UnsafeURLError(url, "no host")
        hidden = is_hidden_service(host)
        if hidden and not self.proxy:
            raise UnsafeURLError(url, f"{host} is a hidden service and needs --proxy")
        ip = None if hidden else numeric_host(host)
        if ip is not None:
            host = str(ip)
            why = self.judge(ip)
            if why:
                raise UnsafeURLError(url, why)
        default = 443 if scheme == "https" else 80
        return Target(url, scheme, host, port or default, ip, hidden)

    async def check(self, url: str) -> Target:
        """:meth:`target` plus DNS: refuse when no resolved address may be used.

        Through a proxy nothing is resolved here: the proxy resolves names (``socks5h``,
        HTTP CONNECT), and a lookup on this machine would leak to the local resolver which
        hosts an investigation visits. Numeric hosts are still judged."""
        target = self.target(url)
        if target.ip is None and not target.hidden and not self.proxy:
            await self.resolve(target.host, target.port, url)
        return target

    async def resolve(self, host: str, port: int, url: str | None = None) -> list[str]:
        """The usable addresses of ``host``; raise when there is none."""
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise UnsafeURLError(url or host, f"cannot resolve {host} ({exc})") from None
        good, reasons = [], []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            why = self.judge(ip)
            if why:
                reasons.append(why)
            elif str(ip) not in good:
                good.append(str(ip))
        if not good:
            raise UnsafeURLError(url or host, f"{host} resolves to {'; '.join(reasons)}")
        return good


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, judge and connect to the judged address (the pin against DNS rebinding)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        ip = numeric_host(host)
        if ip is not None:
            why = self.policy.judge(ip)
            if why:
                raise UnsafeURLError(host, why)
            addresses = [str(ip)]
        else:
            addresses = await self.policy.resolve(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
