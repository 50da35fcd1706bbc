import pytest

from narcwatch.analyze.language import default_detector


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Je vends de la coke pure, livraison dans toute la France", "fr"),
        ("Vendo cocaína de la mejor calidad, envíos a toda España", "es"),
        ("Ich verkaufe Gras, diskreter Versand nach ganz Deutschland", "de"),
        ("We ship worldwide, the best quality on the market", "en"),
        ("Vendo erba di qualità, spedizione in tutta Italia con corriere", "it"),
        ("Продам мефедрон, закладки по городу", "ru"),
        ("Продаю якісний товар, доставка по всій Україні", "uk"),
        ("大麻出售，全国包邮", "zh"),
        ("大麻を販売しています", "ja"),
        ("weed eater", None),  # too short to tell
        ("", None),
        ("12345 !!!", None),
    ],
)
def test_language(text, lang):
    assert default_detector()(text) == lang
