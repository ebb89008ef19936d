"""Where webhooks may connect: the SSRF policy, applied at registration and at every connection.

Only ``http`` and ``https`` URLs without credentials. The host is resolved once; every address it
resolves to must be public, or the URL is refused: loopback, private, shared (CGNAT), link-local
(cloud metadata), multicast, reserved, unspecified and documentation ranges, in IPv4 and IPv6,
including IPv4 written inside IPv6 (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96`` and
``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo). Python's ``is_global`` alone lets NAT64, 6to4,
``192.0.0.0/24`` and multicast through, so those are listed explicitly. Decimal, octal and hex
spellings of an address (``2130706433``, ``0x7f.1``) need no special case: they are resolved like
any name and the addresses they stand for are checked.

Administrators may allow specific host names (``UNDERWAY_WEBHOOK_ALLOWED_HOSTS``) or networks
(``UNDERWAY_WEBHOOK_ALLOWED_NETWORKS``) for on-premise receivers.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_S = 5.0

# Blocked although some of them count as global (or are not covered by one of ipaddress's flags).
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "192.0.0.0/24",  # IETF protocol assignments (is_global allows parts of it)
        "224.0.0.0/4",  # multicast (is_global says True)
        "240.0.0.0/4",  # reserved
        "64:ff9b::/96",  # NAT64: reaches any IPv4 address, private ones too
        "64:ff9b:1::/48",  # local-use NAT64
        "2002::/16",  # 6to4: embeds any IPv4 address
        "2001::/32",  # Teredo: embeds an IPv4 address
        "ff00::/8",  # multicast
        "fec0::/10",  # deprecated site-local
    )
)
# Cloud metadata services, named so the refusal says what they are (some are public addresses).
CLOUD_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)


class UnsafeUrl(Exception):
    """A webhook URL that may not be used; the message says why, for the user."""


def blocked_reason(address: IPAddress) -> str | None:
    """Why a connection to ``address`` is refused, or None for a public address."""
    if address in CLOUD_METADATA:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return blocked_reason(address.ipv4_mapped)
        address = ipaddress.IPv6Address(int(address))  # drop a %scope, which ip_network ignores
    for flag in (
        "is_loopback",
        "is_unspecified",
        "is_link_local",
        "is_multicast",
        "is_private",
        "is_reserved",
    ):
        if getattr(address, flag):
            return f"a {flag.removeprefix('is_').replace('_', '-')} address"
    for network in _BLOCKED_NETWORKS:
        if address in network:
            return f"in the blocked range {network}"
    if not address.is_global:
        return "not a public address"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host``, as the system resolver gives them (once, with a deadline)."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_S):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """A checked URL: the host as written, and the addresses a connection may use."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class AddressPolicy:
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def of(
        cls, hosts: Iterable[str], networks: Iterable[str], resolver: Resolver = system_resolver
    ) -> AddressPolicy:
        return cls(
            frozenset(h.lower().rstrip(".") for h in hosts),
            tuple(ipaddress.ip_network(n, strict=False) for n in networks),
            resolver,
        )

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be reached under this policy (None: it may)."""
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        if any(a in network for network in self.allowed_networks for a in (address, mapped) if a):
            return None
        return blocked_reason(address)

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address of ``host``, all of them allowed; raises UnsafeUrl otherwise.

        One blocked address refuses the host: connecting to "the public one" would still let a
        name that also points inwards decide where a retry lands."""
        name = host.strip("[]")
        try:
            addresses = [str(ipaddress.ip_address(name))]
        except ValueError:
            try:
                addresses = await self.resolver(name, port)
            except (OSError, TimeoutError, UnicodeError) as exc:
                raise UnsafeUrl(f"{name} cannot be resolved ({exc})") from None
        if not addresses:
            raise UnsafeUrl(f"{name} resolves to no address")
        if name.lower().rstrip(".") in self.allowed_hosts:
            return addresses
        for text in addresses:
            reason = self.refusal(ipaddress.ip_address(text))
            if reason is not None:
                shown = name if name == text else f"{name} ({text})"
                raise UnsafeUrl(f"{shown} is {reason}; webhooks only reach public addresses")
        return addresses

    async def check(self, url: str) -> Target:
        """Check a URL as a user gave it: its form, then where it resolves to now."""
        parsed = parse_url(url)
        host = parsed.host
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        return Target(url, host, port, tuple(await self.resolve(host, port)))


def parse_url(url: str) -> httpx.URL:
    """The URL's form alone (no resolution): http(s), a host, no credentials, not too long."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise UnsafeUrl(f"not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeUrl("only http:// and https:// URLs can receive webhooks")
    if not parsed.host:
        raise UnsafeUrl("the URL has no host")
    if parsed.userinfo:
        raise UnsafeUrl("credentials in the URL are not accepted; verify the signature instead")
    return parsed
