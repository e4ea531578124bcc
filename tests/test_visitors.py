"""The parts of a tracking hit on their own: visitor classification, the visitor hash set, click destinations."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mockserver.apis.bannertrackr import redirect
from mockserver.kit import visitors
from mockserver.kit.hashset import HashSet64

from .agents import ANDROID_PHONE, ANDROID_TABLET, CHROME, CURL, IPAD, IPHONE, KINDLE, MAC_SAFARI


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (CHROME, "desktop"), (MAC_SAFARI, "desktop"), (CURL, "desktop"), ("", "desktop"),
        (IPHONE, "mobile"), (ANDROID_PHONE, "mobile"), ("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80)", "mobile"),
        (IPAD, "tablet"), (ANDROID_TABLET, "tablet"), (KINDLE, "tablet"),
    ],
)  # fmt: skip
def test_device_class_from_user_agent(agent: str, device: str) -> None:
    assert visitors.device(agent.encode()) == device
    assert visitors.device(agent.upper().encode()) == device  # tokens match in any case


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)",
        "SomeNewCrawler/0.3",
    ],
)
def test_crawlers_are_not_visitors(agent: str) -> None:
    assert visitors.identify({b"user-agent": agent.encode()}, "192.0.2.1") is None
    assert visitors.identify({b"user-agent": agent.encode() + b" " * 600}, "192.0.2.1") is None  # long: not cached


def test_browsers_command_line_clients_and_email_proxies_are_visitors() -> None:
    gmail_proxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
    for agent in (CHROME, IPHONE, CURL, gmail_proxy, "CUBOT NOTE 7 Build/O11019"):
        assert visitors.identify({b"user-agent": agent.encode()}, "192.0.2.1") is not None, agent


@pytest.mark.parametrize(
    ("headers", "country"),
    [
        ({b"cf-ipcountry": b"US"}, "US"),
        ({b"cf-ipcountry": b"de", b"x-country": b"FR"}, "DE"),  # Cloudflare's header wins, upper-cased
        ({b"cf-ipcountry": b"XX", b"x-country": b"FR"}, "FR"),  # XX is Cloudflare's "unknown"
        ({b"cf-ipcountry": b"T1"}, "ZZ"),  # Tor: not a country
        ({b"x-country": b" gb "}, "GB"),
        ({b"x-country": b"USA"}, "ZZ"),
        ({b"x-country": "é1".encode()}, "ZZ"),
        ({}, "ZZ"),
    ],
)
def test_country_from_headers(headers: dict[bytes, bytes], country: str) -> None:
    assert visitors.country(headers) == country


def test_visitor_is_first_forwarded_address_and_user_agent() -> None:
    forwarded = {b"x-forwarded-for": b"203.0.113.7, 10.0.0.1", b"user-agent": CHROME.encode()}
    assert visitors.client_ip(forwarded, "10.0.0.2") == b"203.0.113.7"
    assert visitors.client_ip({b"x-forwarded-for": b" "}, "10.0.0.2") == b"10.0.0.2"
    same = visitors.identify(forwarded, "10.9.9.9")
    assert same is not None and same == visitors.identify({**forwarded, b"x-forwarded-for": b"203.0.113.7"}, "x")
    other_agent = visitors.identify({**forwarded, b"user-agent": IPHONE.encode()}, "10.9.9.9")
    assert other_agent is not None and other_agent.id != same.id
    # Stable across processes (not Python's salted hash()), so an exported store keeps its visitors.
    assert visitors.visitor_id(b"203.0.113.7", b"x") == visitors.visitor_id(b"203.0.113.7", b"x") == 0x7D81D573734F45B8


def test_a_remembered_visitor_is_the_one_its_headers_make() -> None:
    """`identify` remembers the visitors of recent requests: seen again, from the cache or not (long headers are
    never kept), each is what its agent, forwarding and country headers and peer make, piece by piece."""

    def made(headers: dict[bytes, bytes], peer: str) -> visitors.Visitor | None:
        agent = headers[b"user-agent"]
        kind = visitors.device(agent)
        ip = visitors.client_ip(headers, peer)
        return (
            None if kind is None else visitors.Visitor(kind, visitors.country(headers), visitors.visitor_id(ip, agent))
        )

    agents = [CHROME, IPHONE, "Googlebot/2.1 (+http://www.google.com/bot.html)", "", IPAD + " " * 600]
    forwarded = [{}, {b"x-forwarded-for": b"203.0.113.7, 10.0.0.1"}, {b"x-forwarded-for": b" "},
                 {b"x-forwarded-for": b"198.51.100.9" + b" " * 800}]  # fmt: skip
    countries = [{}, {b"cf-ipcountry": b"de"}, {b"x-country": b"FR"}, {b"cf-ipcountry": b"XX", b"x-country": b" fr "},
                 {b"cf-ipcountry": b"D" * 900}]  # fmt: skip
    for agent in agents:
        for address in forwarded:
            for country in countries:
                headers = {b"user-agent": agent.encode(), **address, **country}
                for peer in ("10.0.0.2", "10.0.0.3", "10.0.0.2"):  # the last from the cache, if it was kept
                    assert visitors.identify(headers, peer) == made(headers, peer), (headers, peer)
    kept = visitors._cached_visitor.cache_info().currsize
    visitors.identify({b"user-agent": CHROME.encode(), b"x-forwarded-for": b"192.0.2.1" + b" " * 1000}, "10.0.0.4")
    assert visitors._cached_visitor.cache_info().currsize == kept  # a long request is not kept


def test_a_remembered_visitor_id_is_the_hash_of_its_visitor() -> None:
    """Ids are remembered for the last few thousand visitors: one seen again, or again after it was forgotten,
    has the id the hash gives, and distinct visitors keep distinct ids (so unique visitors count the same)."""
    agent = CHROME.encode()
    addresses = [f"198.51.{n >> 8}.{n & 255}" for n in range(6000)]  # more than are remembered
    for _ in range(2):
        seen = [
            visitors.identify({b"user-agent": agent, b"x-forwarded-for": a.encode()}, "10.0.0.1") for a in addresses
        ]
        assert [visitor.id for visitor in seen if visitor] == [
            visitors.visitor_id(a.encode(), agent) for a in addresses
        ]
        assert len({visitor.id for visitor in seen if visitor}) == len(addresses)
    assert visitors.identify({b"user-agent": b"x"}, "203.0.113.7").id == 0x7D81D573734F45B8  # type: ignore[union-attr]


def test_hash_set_is_an_exact_set() -> None:
    rng = random.Random(4)
    values = [rng.getrandbits(64) for _ in range(20_000)]
    values += values[:5000] + [0, 1, 2**64 - 1]  # repeats, and the edge values
    hashes, reference = HashSet64(), set()
    for value in values:
        assert hashes.add(value) == (value not in reference and (value or 1) not in reference)
        reference.add(value or 1)
    assert len(hashes) == len(reference)
    assert all(value in hashes for value in reference) and rng.getrandbits(64) not in hashes


PLACEMENT: dict[str, Any] = {
    "destinationUrl": "https://acme.com/landing?ref=nl#offer",
    "utm": {"source": "newsletter", "medium": "email", "campaign": "q1 2024", "term": None, "content": ""},
}


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({}, "https://acme.com/landing?ref=nl&utm_source=newsletter&utm_medium=email&utm_campaign=q1+2024#offer"),
        ({"utm": None}, "https://acme.com/landing?ref=nl#offer"),
        ({"destinationUrl": "https://acme.com/?utm_source=partner"},
         "https://acme.com/?utm_source=partner&utm_medium=email&utm_campaign=q1+2024"),  # the URL's own value wins
        ({"destinationUrl": "http://acme.com"}, "http://acme.com?utm_source=newsletter&utm_medium=email&utm_campaign=q1+2024"),
        ({"destinationUrl": "https://bücher.example/straße?q=ä b", "utm": None}, "https://b%C3%BCcher.example/stra%C3%9Fe?q=%C3%A4%20b"),
        ({"destinationUrl": "https://acme.com/\r\nSet-Cookie:x", "utm": None}, "https://acme.com/Set-Cookie:x"),  # no header injection
        ({"destinationUrl": None}, None),
        ({"destinationUrl": "javascript:alert(1)"}, None),
        ({"destinationUrl": "ftp://acme.com/file"}, None),
        ({"destinationUrl": "https:///no-host"}, None),
        ({"destinationUrl": "//evil.example/"}, None),
        ({"destinationUrl": "http://[::1"}, None),
    ],
)  # fmt: skip
def test_click_destination(changes: dict[str, Any], location: str | None) -> None:
    assert redirect.destination(PLACEMENT | changes) == location
