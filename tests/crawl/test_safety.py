"""The SSRF guard: hostile URLs refused before any connection, numeric hosts normalized."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from narcwatch.crawl import AddressPolicy, UnsafeURLError, canonicalize, numeric_host
from narcwatch.crawl.scope import Scope

HOSTILE = [
    ("http://10.0.0.1/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]/", "loopback"),
    ("http://127.0.0.1:8080/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://017700000001/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://100.64.0.1/", "CGNAT"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://[fc00::1]/", "private"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
    ("http://user:pw@example.com/", "credentials"),
    ("http://user@example.com/", "credentials"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://example.com:70/_SSRF", "scheme 'gopher'"),
    ("ftp://example.com/", "scheme 'ftp'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("http://abcdefghijklmnop.onion/", "needs --proxy"),
    ("http://market.i2p/", "needs --proxy"),
    ("http:///nohost", "no host"),
    ("http://example.com:99999/", "malformed"),
]


@pytest.mark.parametrize(("url", "reason"), HOSTILE)
def test_hostile_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError) as info:
        AddressPolicy().target(url)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("3232235777", "192.168.1.1"),
        ("[::1]", "::1"),
        ("8.8.8.8", "8.8.8.8"),
        ("example.com", None),
        ("256.1.1.1", None),
        ("1.2.3.4.5", None),
        ("0xfoo", None),
    ],
)
def test_numeric_hosts(host: str, address: str | None) -> None:
    ip = numeric_host(host)
    assert (str(ip) if ip else None) == address


def test_allow_list_admits_exactly_what_it_names() -> None:
    policy = AddressPolicy.build(["127.0.0.1", "10.0.0.0/8"])
    assert policy.target("http://127.0.0.1:8000/").ip == ipaddress.ip_address("127.0.0.1")
    assert policy.target("http://0x7f000001/").host == "127.0.0.1"
    assert policy.target("http://10.9.8.7/").ip is not None
    with pytest.raises(UnsafeURLError, match="loopback"):
        policy.target("http://127.0.0.2/")
    with pytest.raises(UnsafeURLError, match="link-local"):
        policy.target("http://169.254.169.254/")


def test_bad_allow_list_entry() -> None:
    with pytest.raises(UnsafeURLError, match="not an IP address"):
        AddressPolicy.build(["localhost"])


def test_onion_with_proxy_is_not_resolved() -> None:
    policy = AddressPolicy.build(proxy="socks5h://127.0.0.1:9050")
    target = asyncio.run(policy.check("http://abcdefghijklmnop.onion/shop"))
    assert target.hidden and target.ip is None


def test_names_resolving_to_private_addresses_are_refused() -> None:
    # "localhost" resolves (from /etc/hosts, no network) to loopback addresses only
    with pytest.raises(UnsafeURLError, match="resolves to loopback"):
        asyncio.run(AddressPolicy().check("http://localhost/"))
    allowed = AddressPolicy.build(["127.0.0.0/8", "::1"])
    assert asyncio.run(allowed.resolve("localhost", 80))


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM:80/a?b=2&a=1#frag", "http://example.com/a?a=1&b=2"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com/a%2fb c", "http://example.com/a/b%20c"),
        ("mailto:x@example.com", None),
    ],
)
def test_canonical_urls(url: str, canonical: str | None) -> None:
    assert canonicalize(url) == canonical


def test_scope_rules() -> None:
    scope = Scope.build(
        ["http://a.example/"],
        hosts=["b.example"],
        include=[r"/shop/"],
        exclude=[r"logout"],
        max_depth=2,
    )
    assert scope.refuse("http://a.example/shop/1", 1) is None
    assert scope.refuse("http://b.example/shop/1", 1) is None
    assert "out of scope" in (scope.refuse("http://c.example/shop/1", 1) or "")
    assert "include" in (scope.refuse("http://a.example/forum", 1) or "")
    assert "exclude" in (scope.refuse("http://a.example/shop/logout", 1) or "")
    assert "max-depth" in (scope.refuse("http://a.example/shop/1", 3) or "")
    assert Scope.build(["http://a.example/"], same_host=False).refuse("http://z.example/") is None
