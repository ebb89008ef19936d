"""The SSRF policy, unit-level: every forbidden URL is refused at registration and at connection,
and no connection is ever attempted to it (the network backend underneath records every connect)."""

from __future__ import annotations

from typing import Any

import httpcore
import httpx
import pytest

from underway.webhooks.addresses import AddressPolicy, UnsafeUrl
from underway.webhooks.transport import GuardedTransport

FORBIDDEN = [
    "http://127.0.0.1/hook",
    "http://127.1/",
    "http://localhost/",
    "http://LOCALHOST:8000/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://2130706433/",  # decimal 127.0.0.1
    "http://0x7f000001/",  # hex
    "http://0x7f.0.0.1/",  # dotted hex
    "http://017700000001/",  # octal
    "http://0177.0.0.1/",  # dotted octal
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::ffff:a9fe:a9fe]/",  # the same, IPv4-mapped
    "http://[fd00:ec2::254]/",  # AWS metadata over IPv6
    "http://100.100.100.200/",  # Alibaba metadata
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://192.0.0.8/",
    "http://198.18.0.1/",  # benchmarking
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[64:ff9b::808:808]/",  # NAT64 of a public address: still a translator
    "http://[64:ff9b:1::1]/",
    "http://[2002:7f00:1::]/",  # 6to4
    "http://[2001::1]/",  # Teredo
    "ftp://8.8.8.8/",
    "file:///etc/passwd",
    "gopher://8.8.8.8/",
]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Stands where the real sockets would be opened: records, connects nowhere."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("the test backend connects nowhere")

    async def connect_unix_socket(self, path: str, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise AssertionError("no Unix sockets")

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("no sleeping")


def _client(policy: AddressPolicy, backend: RecordingBackend) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=GuardedTransport(policy, backend), follow_redirects=False, trust_env=False
    )


@pytest.mark.parametrize("url", FORBIDDEN)
async def test_a_forbidden_url_is_refused_without_any_connection(url: str) -> None:
    policy = AddressPolicy.of([], [])
    with pytest.raises(UnsafeUrl):
        await policy.check(url)
    backend = RecordingBackend()
    async with _client(policy, backend) as client:
        with pytest.raises((UnsafeUrl, httpx.UnsupportedProtocol, httpx.InvalidURL)):
            await client.post(url, content=b"{}")
    assert backend.connects == []


async def test_allowed_networks_and_hosts_open_exactly_what_they_name() -> None:
    loopback = AddressPolicy.of([], ["127.0.0.1/32"])
    assert (await loopback.check("http://127.0.0.1:9/hook")).addresses == ("127.0.0.1",)
    assert (await loopback.check("http://[::ffff:127.0.0.1]/")).addresses == ("::ffff:7f00:1",)
    with pytest.raises(UnsafeUrl, match="loopback"):
        await loopback.check("http://127.0.0.2/")  # only the /32 named
    with pytest.raises(UnsafeUrl, match="private"):
        await loopback.check("http://10.0.0.1/")
    by_name = AddressPolicy.of(["localhost"], [])
    assert "127.0.0.1" in (await by_name.check("http://localhost:8080/")).addresses
    with pytest.raises(UnsafeUrl, match="credentials"):
        await by_name.check("http://user:secret@localhost/")
    # A public address needs no allowance (checked only: nothing connects in this test).
    assert (await AddressPolicy.of([], []).check("https://8.8.8.8/hook")).addresses == ("8.8.8.8",)


async def test_a_name_with_one_inward_address_is_refused_and_the_checked_address_is_the_one_dialled() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": ["93.184.216.34", "10.1.2.3"], "public.test": ["93.184.216.34"]}[host]

    policy = AddressPolicy.of([], [], resolver)
    with pytest.raises(UnsafeUrl, match=r"mixed\.test \(10\.1\.2\.3\) is a private address"):
        await policy.check("https://mixed.test/hook")
    backend = RecordingBackend()
    async with _client(policy, backend) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post("https://public.test/hook", content=b"{}")
    # Connected to the checked address (no second lookup that a rebinding name could answer
    # differently); TLS would still verify the name.
    assert backend.connects == [("93.184.216.34", 443)]
