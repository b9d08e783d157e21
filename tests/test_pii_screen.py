"""The personal-information detector's fast path finds exactly what the plain character-by-character scan finds.

``pii.find`` scans only the lines that ``pii_screen.lines`` picks (by one regular expression over the text
as written), finds runs of digits by a regular expression and tries only the 18-digit windows that can be
a birth date.  ``pii_reference`` is the detector as it was before; here the two are compared on the
characters the screen relies on (checked against Python's Unicode tables) and on many generated texts.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pii_reference import find as reference_find
from pii_reference import plain as reference_plain

from generator.records import pii, pii_screen

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


ID = resident_id("32050219900307123")
ID_X = next(i for i in (resident_id(f"1101051949123100{n}") for n in range(10)) if i.endswith("X"))
MOBILE = "13812345678"
CARD = "4111111111111111"
OLD_ID = "320502900307123"  # first generation: 15 digits, born 1990-03-07
ALLOW = ["138 1234 5678", "a@example.com", "+86 139 0000 1111"]
SCREENED = re.compile(f"[{pii_screen.PLAIN_CHARS}]")


def facts(text: str, allow: list[str]) -> list[tuple[str, str, int, int]]:
    return [(h.kind, h.masked, h.start, h.end) for h in pii.find(text, allow)]


def reference(text: str, allow: list[str]) -> list[tuple[str, str, int, int]]:
    return [(h.kind, h.masked, h.start, h.end) for h in reference_find(text, allow)]


# --- the characters the screen lets through normalise one by one --------------------------------------


def _second_of_a_pair() -> set[str]:
    """Every character that canonical composition may join to the character before it."""
    out = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}  # Hangul V, T
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            out.add(chr(int(decomposition.split()[1], 16)))
    return out


SCREENED_CHARS = [chr(c) for c in range(sys.maxunicode + 1) if SCREENED.fullmatch(chr(c))]


def test_screened_characters_normalise_one_by_one() -> None:
    """A line the screen passes over may only hold characters that NFKC maps alone: to themselves (ASCII,
    Chinese, common punctuation, the invisible ones), or to one ASCII character (full-width forms), never
    to several characters, never combining with a neighbour."""
    second = _second_of_a_pair()
    for ch in SCREENED_CHARS:
        nfkc = unicodedata.normalize("NFKC", ch)
        assert unicodedata.combining(ch) == 0 and ch not in second, f"U+{ord(ch):04X} combines"
        assert nfkc == ch or (len(nfkc) == 1 and nfkc.isascii()), f"U+{ord(ch):04X} becomes {nfkc!r}"
        assert unicodedata.decomposition(ch) in ("", f"<wide> {ord(nfkc):04X}"), f"U+{ord(ch):04X} decomposes"
    assert len(SCREENED_CHARS) > 20000  # Chinese characters are screened, not all sent to the precise scan


def test_screened_classes_cover_what_the_characters_become() -> None:
    """Whatever becomes a digit, a separator, an '@' or nothing is counted as that by the screen."""
    classes = {"digit": re.compile(pii_screen.DIGITS), "gap": re.compile(pii_screen.GAP),
               "@": re.compile(pii_screen.AT), "hidden": re.compile(pii_screen.HIDDEN)}
    for ch in SCREENED_CHARS:
        becomes = reference_plain(ch)
        kind = ("hidden" if becomes == "" else "digit" if "0" <= becomes <= "9" else
                "gap" if becomes in pii_screen.SEPARATORS else "@" if becomes == "@" else None)
        if kind is not None:
            assert classes[kind].fullmatch(ch), f"U+{ord(ch):04X} ({kind}) is not screened as such"


def test_normalising_a_line_alone_is_normalising_it_in_the_text() -> None:
    """``find`` normalises the lines it scans one by one: NFKC never joins or reorders across a line break."""
    rnd = random.Random(14)
    pieces = ["\n", "e", "\u0301", "\u0308", "\u1100", "\u1161", "\u11a8", "\u3099", "\u304b", "ｶ", "\uff9e", "①",
              "…", "ﬁ", "\u200b", "A", "\u0327", "\u0f71", "\u0f72"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert reference_plain(text) == "\n".join(reference_plain(line) for line in text.split("\n")), repr(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(SCREENED_CHARS[:200] + SCREENED_CHARS[-300:] + list("\uff10\uff19\uff20\u3000\u200b")),
                max_size=30).map("".join))
def test_a_screened_text_normalises_character_by_character(text: str) -> None:
    assert reference_plain(text) == "".join(reference_plain(ch) for ch in text)


# --- the screen ---------------------------------------------------------------------------------------


def spans(text: str) -> list[str]:
    return [text[s:e] for s, e in pii_screen.lines(text)]


@pytest.mark.parametrize(("text", "picked"), [
    ("价格 10 元，共 3 期\n手机 138 1234 5678\n2026-03-07 至 2026-04-01", ["手机 138 1234 5678"]),
    ("１３８１２３４５６７８", ["１３８１２３４５６７８"]),  # full-width digits
    ("1\u200b3\u200b8\u200b1234\u200b\u200b5678", ["1\u200b3\u200b8\u200b1234\u200b\u200b5678"]),
    ("138－1234－5678\n", ["138－1234－5678"]),  # full-width dashes
    ("1234567890\n12 34 56 78 90", []),  # ten digits: no number the detector reports is that short
    ("123 4567 890    1", []),  # four spaces end a number
    ("138 - 1234 -\u200b 5678", ["138 - 1234 -\u200b 5678"]),  # three separators do not
    ("1234567890\u00a01", ["1234567890\u00a01"]),  # a character NFKC changes: scanned precisely
    ("联系 zhang@example.com\n电话", ["联系 zhang@example.com"]),
    ("联系 zhang＠example.com", ["联系 zhang＠example.com"]),
    ("……\n“六位一体”、《办法》〔2026〕", ["……"]),  # an ellipsis is three dots after NFKC
    ("", []),
])
def test_screen_picks_the_lines_that_may_hold_something(text: str, picked: list[str]) -> None:
    assert spans(text) == picked


def test_only_picked_lines_are_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The precise scan sees the one line with a number, not the thousand lines of plain text around it."""
    seen: list[str] = []
    scan = pii._hits
    monkeypatch.setattr(pii, "_hits", lambda text, allowed: seen.append(text) or scan(text, allowed))
    text = "\n".join(["第一期项目，2026-03-07 完成，投入 12 万元（“六位一体”）。"] * 500
                     + [f"手机：{MOBILE}"] + ["ＡＢＣ，１２３。"] * 500)
    assert facts(text, []) == reference(text, [])
    assert seen == [f"手机:{MOBILE}"]  # normalised


# --- the fast detector is the plain one -----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    f"……\n⑳号楼 ﬁ\u200b\u200b\n手机 {MOBILE}",  # earlier lines change length when normalised
    f"①②③\n{MOBILE}\n…\n{ID}\n\u00a0\n{MOBILE[:3]}\u200b{MOBILE[3:]}",
    f"{MOBILE}@qq.com，{ID}x，{ID}X1，A{MOBILE}，{MOBILE}B",
    f"{ID_X[:6]} {ID_X[6:14]} {ID_X[14:17]}  X 后", f"{ID_X[:17]} - X", "138 - 1234 - 5678",
    f"{ID_X[:17]}\u3000x", f"{ID_X[:17]}    X，{MOBILE}",
    f"77{ID}99 {'8' * 40}{ID}",
    f"{CARD[:4]}－{CARD[4:8]}．{CARD[8:12]}／{CARD[12:]}", f"卡号{CARD}，旧身份证{OLD_ID}",
    f"+86 {MOBILE}\n0086{MOBILE}\n86{MOBILE}", "张三@example.com；a@example.com；b@ex-ample.co.uk",
    "e\u0301\n\u0301" + MOBILE + "\n" + "ｶ\uff9e" + ID,
])
def test_fast_detector_matches_the_plain_one(text: str) -> None:
    for allow in ([], ALLOW):
        assert facts(text, allow) == reference(text, allow)
    assert pii.find(text)  # each case holds something


PIECES = [*"0123456789", *"0123456789", "０", "５", "９", " ", "  ", "-", ".", "/", "_", "·", "—", "\u3000", "－",
          "．", "\u00a0", "\u2009", "\u200b", "\u00ad", "\ufeff", "\u202e", "X", "x", "a", "Z", "ｘ", "@", "＠",
          "example.com", ".cn", "mail", "\n", "\n", "张", "，", "。", "（", "①", "⑳", "…", "\u0301", "e", "ℌ", "㉑",
          MOBILE, MOBILE, ID, ID_X, CARD, OLD_ID, "86", "0086", "+86 ", "19900307", "3205", "138", "1234"]


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), max_size=40).map("".join),
       st.sampled_from([[], ALLOW]))
def test_fast_detector_matches_the_plain_one_on_generated_texts(text: str, allow: list[str]) -> None:
    assert facts(text, allow) == reference(text, allow)


def test_fast_detector_matches_the_plain_one_on_many_random_texts() -> None:
    rnd = random.Random(2026)
    found = 0
    for _ in range(20000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 25)))
        expected = reference(text, [])
        assert facts(text, []) == expected, repr(text)
        found += bool(expected)
    assert found > 2000  # the texts do hold numbers and addresses, the comparison is not of empty lists


def test_redact_still_masks_in_place() -> None:
    """Redaction places the masks by the hits' positions, which the line screen computes for the whole text."""
    text = f"……联系人手机 {MOBILE}，邮箱 zhang@example.com\n⑳号 {ID}"
    assert pii.redact(text) == f"……联系人手机 138****5678，邮箱 z***@example.com\n⑳号 3205{'*' * 10}{ID[-4:]}"
