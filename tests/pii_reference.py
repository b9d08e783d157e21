"""The personal-information detector as it was before its fast path: the specification the fast one must match.

:func:`find` normalises the whole text and walks it character by character (``generator.records.pii``
before the line screen, the run regex and the ID window pre-filter).  Only the pieces that did not change
(the checks of one number, masking, the allow-list comparison, the address pattern) come from the module.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from generator.records import pii
from generator.records.pii_screen import INVISIBLE, MAX_GAP, SEPARATORS

_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def runs(text: str) -> Iterator[tuple[str, list[int]]]:
    i, n = 0, len(text)
    while i < n:
        if not "0" <= text[i] <= "9":
            i += 1
            continue
        digits, where = [text[i]], [i]
        j = i + 1
        while True:
            k = j
            while k < n and text[k] in SEPARATORS and k - j < MAX_GAP:
                k += 1
            if k < n and "0" <= text[k] <= "9":
                digits.append(text[k])
                where.append(k)
                j = k + 1
                continue
            if k < n and text[k] in "Xx" and len(digits) >= 17 and (
                    k + 1 >= n or text[k + 1] not in pii._ASCII_LETTERS):
                digits.append("X")
                where.append(k)
            break
        yield "".join(digits), where
        i = where[-1] + 1


def number_hits(text: str) -> Iterator[tuple[str, int, int, str]]:
    letters = pii._ASCII_LETTERS
    for digits, where in runs(text):
        begin, end = where[0], where[-1] + 1
        alone = (begin == 0 or text[begin - 1] not in letters) and (end >= len(text) or text[end] not in letters)
        found = False
        for off in range(len(digits) - 17):
            window = digits[off:off + 18]
            if pii._id_valid(window):
                yield "resident ID number", where[off], where[off + 17] + 1, window
                found = True
                break
        if found or not alone or "X" in digits:
            continue
        n = len(digits)
        national = digits[2:] if n == 13 and digits.startswith("86") else digits[4:] if n == 15 and \
            digits.startswith("0086") else digits
        if len(national) == 11 and national[0] == "1" and national[1] in "3456789":
            yield "mobile number", begin, end, national
        elif n == 15 and digits[0] in "12345678" and pii._birth_date("19" + digits[6:12]):
            yield "resident ID number", begin, end, digits
        elif 16 <= n <= 19 and digits[0] in "3456" and pii._luhn(digits):
            yield "bank card number", begin, end, digits


def find(text: str, allow: Iterable[str] = ()) -> list[pii.Hit]:
    allowed = {pii.normalise(a) for a in allow}
    text = plain(text)
    hits: list[pii.Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, value: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        if pii.normalise(value) not in allowed:
            hits.append(pii.Hit(kind, pii.mask(value), start, end))

    for kind, start, end, digits in number_hits(text):
        add(kind, start, end, digits)
    for m in pii._EMAIL_RE.finditer(text):
        add("e-mail address", m.start(), m.end(), m.group(0))
    return sorted(hits, key=lambda h: h.start)
