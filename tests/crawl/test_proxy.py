"""Onion sites through a SOCKS5 proxy, as with Tor: the crawler hands the .onion name to the
proxy (socks5h) and never resolves it. The test proxy is a minimal SOCKS5 server on
127.0.0.1 that sends every hidden-service name to the local test site."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator

import pytest

from .conftest import crawl

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


class _Socks(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target: tuple[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _SocksHandler)
        self.target = target
        self.names: list[str] = []


class _SocksHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        server: _Socks = self.server  # type: ignore[assignment]
        _version, n_methods = conn.recv(2)
        conn.recv(n_methods)
        conn.sendall(b"\x05\x00")  # no authentication
        _, _command, _, atyp = conn.recv(4)
        if atyp == 3:  # a domain name: what socks5h sends
            name = conn.recv(conn.recv(1)[0]).decode()
        else:  # an address: the client resolved the name itself
            name = "ADDRESS:" + conn.recv(4 if atyp == 1 else 16).hex()
        conn.recv(2)  # port
        server.names.append(name)
        upstream = socket.create_connection(server.target)
        conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", 0))
        _pipe(conn, upstream)


def _pipe(a: socket.socket, b: socket.socket) -> None:
    def pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    t = threading.Thread(target=pump, args=(b, a), daemon=True)
    t.start()
    pump(a, b)
    t.join(timeout=5)


@pytest.fixture
def socks(site) -> Iterator[_Socks]:
    host, port = site.base.removeprefix("http://").split(":")
    server = _Socks((host, int(port)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_onion_is_crawled_through_the_proxy_by_name(site, socks, store, crawl_home, fast):
    fast.proxy = f"socks5h://127.0.0.1:{socks.server_address[1]}"
    fast.max_pages = 3
    summary = crawl(crawl_home, [f"http://{ONION}/"], fast, job="onion")
    assert summary.pages == 3
    assert socks.names and all(name == ONION for name in socks.names)  # never resolved here
    urls = {f.doc.url or "" for f in store.findings()}
    assert urls and all(u.startswith(f"http://{ONION}/") for u in urls)


def test_an_onion_without_a_proxy_is_refused(site, store, crawl_home, fast):
    summary = crawl(crawl_home, [f"http://{ONION}/"], fast, job="no-proxy")
    assert summary.pages == 0 and summary.errors == 1


def test_clearnet_names_go_to_the_proxy_unresolved(
    site, socks, store, crawl_home, fast, monkeypatch
):
    # With a proxy, a local DNS lookup would tell the local resolver what is investigated.
    looked_up: list[str] = []

    async def no_dns(self, host, *args, **kwargs):
        looked_up.append(host)
        raise OSError("no local DNS in this test")

    monkeypatch.setattr("asyncio.base_events.BaseEventLoop.getaddrinfo", no_dns)
    fast.proxy = f"socks5h://127.0.0.1:{socks.server_address[1]}"
    fast.max_pages = 2
    summary = crawl(crawl_home, ["http://shop.example.test/"], fast, job="clear")
    assert summary.pages == 2
    assert set(socks.names) == {"shop.example.test"} and looked_up == []
