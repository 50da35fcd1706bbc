"""Actors on real data (issue 16), each case as the issue tells it: onion mirrors of one
shop, a government site, documents with nothing to link by, the rebuild summary, one
number under three messengers, and lookups written as an analyst pastes them."""

from __future__ import annotations

import json

from narcwatch.link import Linker, list_actors, non_linking, parse_key, rebuild
from narcwatch.model import SelectorHit
from tests.link.market import listing

EMAIL = ("email", "orders@pharma-shop.example")
PHONES = [("phone", "+33612345678"), ("phone", "+4915123456789")]


def page(platform: str, *selectors: tuple[str, str], substance: str | None = "oxycodone"):
    """A web page with no vendor field (``platform``: its host)."""
    found = listing(platform, None, *selectors, substance=substance or "x")
    if substance is None:
        found.substances = []
    return found


def test_mirrors_of_one_shop_are_one_actor(store):
    """A pharmacy shop (one e-mail, two phones) on 24 onion mirrors became 30 actors: the
    e-mail was on more than 6 "platforms" (each mirror host), so it was judged a market's."""
    pages = []
    for i in range(24):
        host = f"mirror{i:02d}{'x' * 46}.onion"
        pages.append(page(host, EMAIL, *PHONES))  # the shop's listing
        pages.append(page(host, EMAIL))  # its contact page: the e-mail only
        if i < 3:
            pages.append(page(host, EMAIL, PHONES[i % 2]))  # one phone only
    store.save(pages)
    result = Linker(store).link()
    assert result.market_keys == []
    (actor,) = list_actors(store, top=100)
    assert len(actor.documents) == len(pages) == 51
    assert len(actor.platforms) == 24
    assert non_linking(store) == []
    # The same after a rebuild.
    assert rebuild(Linker(store)).market_keys == []
    assert len(list_actors(store, top=100)) == 1


def test_a_market_address_quoted_by_many_shops_still_links_nobody(store):
    """What the platform count caught, counted by seller: a support address next to a
    different shop's wallet on every page (no vendor names) is a market's."""
    support = ("email", "support@market.example")
    shops = [page(f"shop{i}.example", support, ("btc", f"bc1qshop{i}wallet")) for i in range(7)]
    store.save(shops)
    assert Linker(store).link().market_keys == ["email:support@market.example"]
    assert len(list_actors(store, top=100)) == 7
    # --max-sellers (and its former name --max-platforms) moves the limit.
    assert rebuild(Linker(store, max_sellers=7)).market_keys == []
    assert len(list_actors(store, top=100)) == 1
    assert rebuild(Linker(store, max_platforms=6)).market_keys == ["email:support@market.example"]


def test_documents_about_nothing_drug_related_found_no_actor(store):
    """A government site linked by its own e-mail addresses became the top actor of a
    20,000-document home, with no substance anywhere."""
    gov = [
        page("www.gov.example", ("email", "info@gov.example"), ("email", "press@gov.example"))
        for _ in range(30)
    ]
    for doc in gov:
        doc.substances = []
    shop = page("shop.example", ("telegram", "pharma_direct"))
    offer = page("shop2.example", ("telegram", "pills_now"), substance=None)
    offer.offer, offer.risk = True, 0.8  # an offer, though no substance is named
    store.save([*gov, shop, offer])
    result = Linker(store).link()
    assert result.documents == 2 and result.created == 2
    assert {a.documents[0] for a in list_actors(store)} == {shop.doc.id, offer.doc.id}
    assert list_actors(store)[0].documents == [offer.doc.id]  # the riskier first
    # --all-documents takes them in (the next run, or a rebuild).
    linked = Linker(store, all_documents=True).link()
    assert (linked.documents, linked.created) == (30, 1)
    assert len(list_actors(store, top=100)) == 3
    assert len(rebuild(Linker(store)).market_keys) == 0
    assert len(list_actors(store, top=100)) == 2  # a rebuild without it drops them again


def test_a_document_with_nothing_to_link_by_founds_no_actor(store):
    """18,780 actors came from 19,997 documents, almost all single documents with no
    selector. A weak selector (a URL, a domain) is nothing to link by either."""
    bare = page("forum.example")
    weak = page("forum.example")
    weak.selectors = [
        SelectorHit(
            type="url", value="http://x.example/a", matched="x", span=(0, 1), strength="weak"
        )
    ]
    named = listing("dream", "SoloSeller")  # a vendor name: an actor, even alone
    store.save([bare, weak, named])
    result = Linker(store).link()
    assert (result.documents, result.created) == (1, 1)
    assert [a.documents for a in list_actors(store)] == [[named.doc.id]]
    assert Linker(store, all_documents=True).link().documents == 0
    assert rebuild(Linker(store)).documents == 1


def test_rebuild_counts_its_merges_and_splits(market):
    """`link --rebuild` reported "0 merges" when it did merge."""
    store, _ids = market
    Linker(store).link()
    merged = rebuild(Linker(store, max_vendors=10))  # the escrow wallet links again
    assert (merged.merges, merged.splits) == (4, 0)
    assert "4 merges" in merged.summary()
    split = rebuild(Linker(store))
    assert (split.merges, split.splits) == (0, 4)
    assert (split.created, rebuild(Linker(store)).merges) == (4, 0)


def _scan_posts(cli, tmp_path, texts):
    posts = tmp_path / "posts.jsonl"
    rows = [{"id": str(i), "text": t, "platform": "telegram"} for i, t in enumerate(texts)]
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scanned = cli("scan", str(posts), "-q", "-o", str(tmp_path / "out.jsonl"))
    assert scanned.code == 0, scanned.stderr


def test_one_number_under_three_messengers_is_one_actor(cli, tmp_path):
    """ "Signal: +27 71 123 4567" gave signal:+27711234567 only: the same number on
    WhatsApp, Signal and as a plain phone must link as one identifier."""
    _scan_posts(
        cli,
        tmp_path,
        [
            "Cocaine 1g 80 euro, order on WhatsApp +27 71 123 4567",
            "MDMA pills 10 for 50, Signal: +27711234567",
            "Weed 10g 60 euro, call +27 71 123 4567",
        ],
    )
    (actor,) = json.loads(cli("actors", "list", "--format", "json").stdout)["actors"]
    assert len(actor["documents"]) == 3
    assert [(ln["type"], ln["value"]) for ln in actor["links"]] == [("phone", "+27711234567")]
    # Whichever messenger an analyst names, it is that one number.
    for typed in ("signal:+27 71 123 4567", "whatsapp:+27711234567", "phone:+27711234567"):
        assert parse_key(typed).label == "phone:+27711234567"
    found = json.loads(cli("selectors", "search", "signal:+27 71 123 4567", "-f", "json").stdout)
    assert len({f["doc_id"] for f in found}) == 3
    rejected = cli("link", "reject", "whatsapp:+27 71 123 4567", "--reason", "courier")
    assert rejected.code == 0 and "phone:+27711234567 rejected; 2 actors split" in rejected.stderr
    restored = cli("link", "restore", "signal:+27711234567")
    assert "2 actors merged" in restored.stderr


def test_lookups_take_what_an_analyst_pastes(cli, tmp_path):
    """`selectors search "+33 6 12 34 56 78"`, a PGP fingerprint with spaces and the
    `telegram:handle` form found nothing."""
    fpr = "2F8A 1C3B 9D44 E7A1 0B56  C9D2 7E31 4F60 A8B9 C2D1"
    _scan_posts(
        cli,
        tmp_path,
        [
            "Cocaine 5g 300 euro. Appel +33612345678",
            f"Ketamine 10g, PGP fingerprint: {fpr}",
            "Cannabis 20g 100 euro, Telegram @Green_Shop_FR",
        ],
    )

    def search(query: str) -> list[dict]:
        result = cli("selectors", "search", query, "--format", "json")
        assert result.code == 0, result.stderr
        return json.loads(result.stdout)

    assert [f["value"] for f in search("+33 6 12 34 56 78")] == ["+33612345678"]
    assert [f["value"] for f in search(fpr)] == [fpr.replace(" ", "")]
    assert [f["value"] for f in search(f"pgp-fingerprint:{fpr.lower()}")] == [fpr.replace(" ", "")]
    stored = search("@Green_Shop_FR")[0]
    assert stored["type"] == "telegram"
    for query in ("telegram:green_shop_fr", "telegram:@Green_Shop_FR", "Green_Shop_FR"):
        assert [f["value"] for f in search(query)] == [stored["value"]], query
    assert search("btc:" + stored["value"]) == []  # a named type narrows the search
    # The same reading for verdicts.
    rejected = cli("link", "reject", f"pgp-fingerprint:{fpr}")
    assert rejected.code == 0 and fpr.replace(" ", "") in rejected.stderr
    assert cli("link", "reject", "telegram:@Green_Shop_FR").code == 0
