"""An httpx transport that connects only where the address policy allows, to the address it checked.

httpcore asks its network backend to connect to the URL's host; this backend resolves the host
once, checks every address (see :mod:`.addresses`) and connects to a checked address itself, so
a name cannot resolve to a public address for the check and to a private one for the connection
(DNS rebinding). TLS is still started by httpcore with the URL's host name, so certificates are
verified against the name, not the address. No proxies (``trust_env=False`` on the client), no
Unix sockets, no connection reuse: every request makes, and checks, its own connection.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from underway.webhooks.addresses import AddressPolicy

SocketOption = Any


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._policy.resolve(host, port)  # raises UnsafeUrl
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks do not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx exposes no network backend option; its pool is rebuilt here with ours. Keep-alive
        # is off so that every request connects (and is checked) anew.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=100,
            max_keepalive_connections=0,
            network_backend=GuardedBackend(policy, inner),
        )


def guarded_client(policy: AddressPolicy, timeout_s: float, user_agent: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=GuardedTransport(policy),
        follow_redirects=False,
        trust_env=False,
        timeout=timeout_s,
        headers={"User-Agent": user_agent},
    )
