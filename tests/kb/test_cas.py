import pytest

from narcwatch.kb.cas import find_cas, is_valid_cas


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("50-00-0", True),  # formaldehyde
        ("7732-18-5", True),  # water
        ("437-38-7", True),  # fentanyl
        ("437-38-8", False),
        ("561-27-3", True),  # heroin
        ("561-27-4", False),
        ("12-3", False),
        ("1234567-12-3", False),  # body too long is still matched, check digit decides
        ("", False),
    ],
)
def test_check_digit(value, valid):
    assert is_valid_cas(value) is valid


def test_find_cas_skips_bad_check_digits_and_dates():
    text = "CAS 437-38-7, also 437-38-8; shipped 2024-05-01; tel 06-12-34"
    assert [c for c, _, _ in find_cas(text)] == ["437-38-7"]
    ((cas, s, e),) = find_cas(text)
    assert text[s:e] == cas
