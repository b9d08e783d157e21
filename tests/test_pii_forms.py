"""The PII guard reads numbers as people write them: generated IDs, mobiles and cards with any mix of
separators, full-width digits and invisible characters are found; dates, counts and 文号 are not."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.records.pii import find

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Between two digits: nothing, separators people type, invisible characters, direction marks.
GAPS = st.sampled_from(["", "", "", " ", "  ", "-", "–", "—", "－", ".", "·", "/", " - ", "\u200b", "\u200e",
                        "\u2066", "\ufeff", "\u00ad", "\u3000"])
CHINESE = st.text(alphabet="联系电话身份证号码账户请拨打银行卡本人为：，。（）的是", max_size=6)


def _check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    area = draw(st.integers(110000, 829999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    first = f"{area}{born:%Y%m%d}{seq:03d}"
    return first + _check(first)


@st.composite
def old_ids(draw: st.DrawFn) -> str:
    area = draw(st.integers(110000, 829999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)))
    return f"{area}{born:%y%m%d}{draw(st.integers(0, 999)):03d}"


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))


@st.composite
def cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(16, 19))
    body = str(draw(st.integers(3, 6))) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                 min_size=length - 2, max_size=length - 2)))
    for last in "0123456789":
        digits = [int(c) for c in body + last][::-1]
        if sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0:
            return body + last
    raise AssertionError


@st.composite
def written(draw: st.DrawFn, numbers: st.SearchStrategy[str]) -> str:
    """A number as someone might type it: separators, full-width digits, invisible marks, in a sentence."""
    number = draw(numbers)
    wide = draw(st.booleans())
    out = []
    for i, ch in enumerate(number):
        if i:
            out.append(draw(GAPS))
        out.append(chr(ord(ch) + 0xFEE0) if wide and ch.isdigit() else ch)
    return draw(CHINESE) + "".join(out) + draw(CHINESE)


@settings(max_examples=400)
@given(written(resident_ids()))
def test_a_resident_id_however_written_is_found(text: str) -> None:
    assert [h.kind for h in find(text)] == ["resident ID number"], repr(text)


@settings(max_examples=200)
@given(written(old_ids()))
def test_a_first_generation_id_is_found(text: str) -> None:
    assert [h.kind for h in find(text)] == ["resident ID number"], repr(text)


@settings(max_examples=400)
@given(written(mobiles))
def test_a_mobile_number_however_written_is_found(text: str) -> None:
    assert [h.kind for h in find(text)] == ["mobile number"], repr(text)


def _holds_an_id(digits: str) -> bool:
    """Some 18 consecutive digits of ``digits`` form a resident ID (real birth date, right check digit)."""
    for i in range(len(digits) - 17):
        window = digits[i:i + 18]
        try:
            born = dt.date(int(window[6:10]), int(window[10:12]), int(window[12:14]))
        except ValueError:
            continue
        if born.year >= 1900 and window[17] == _check(window[:17]):
            return True
    return False


@settings(max_examples=300)
@given(cards(), st.data())
def test_a_bank_card_however_written_is_found(card: str, data: st.DataObject) -> None:
    assume(not _holds_an_id(card))  # a card that holds an ID as well is reported as the ID (next test)
    text = data.draw(written(st.just(card)))
    assert [h.kind for h in find(text)] == ["bank card number"], repr(text)


def test_a_card_number_that_is_also_an_id_is_reported_once_as_the_id() -> None:
    number = "300011201210020108"  # Luhn-valid, and an ID born 2012-10-02 with the right check digit
    assert _holds_an_id(number)
    assert [h.kind for h in find(f"卡号{number}")] == ["resident ID number"]


@settings(max_examples=200)
@given(st.integers(0, 999999), st.integers(0, 999999), resident_ids())
def test_an_id_padded_with_digits_is_found(before: int, after: int, number: str) -> None:
    assert "resident ID number" in [h.kind for h in find(f"编号{before}{number}{after}")]


@settings(max_examples=200)
@given(st.text(alphabet="张王李赵刘陈杨黄吴周", min_size=1, max_size=4),
       st.sampled_from(["example.com", "qq.com", "163.com", "xxx.gov.cn"]))
def test_an_e_mail_address_in_any_script_is_found(local: str, domain: str) -> None:
    assert [h.kind for h in find(f"请发邮件 {local}@{domain} 联系")] == ["e-mail address"]


@settings(max_examples=300)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 100000), st.integers(1, 60))
def test_dates_counts_and_document_numbers_are_not_personal(day: dt.date, count: int, no: int) -> None:
    text = (f"{day.isoformat()} 至 {day:%Y}年{day.month}月{day.day}日，共{count}人次，"
            f"青组通〔{day.year}〕{no}号，第{no}项 {count}/{count + 1}，{day:%Y.%m.%d}")
    assert find(text) == [], repr(text)
