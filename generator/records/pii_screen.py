"""Which lines of a text may hold personal information: a cheap, exact screen before the precise scan.

No number or address that :mod:`generator.records.pii` finds spans a line break, and every one of them
needs either an ``@`` or a run of at least :data:`MIN_DIGITS` digits (with at most three separators
between two of them) in the text as a reader sees it (NFKC, invisible characters dropped).  Most text
is ASCII, Chinese and full-width punctuation, which normalise character by character (``，`` is ``,``,
``１`` is ``1``, a zero-width space is nothing), so one regular expression over the text as written finds
every line where such a run or an ``@`` may be: :data:`SCREEN` matches

* any character outside :data:`PLAIN_CHARS` (an unusual one may normalise into anything: the line is
  scanned precisely);
* an ``@`` or ``＠``;
* :data:`MIN_DIGITS` digits (ASCII or full-width), each two with at most three separators (ASCII or
  full-width) between them, and any number of invisible characters anywhere in the gap.

A line without a match has no hit: its characters are all in :data:`PLAIN_CHARS`, so it normalises
character by character, and then it holds neither an ``@`` nor a long enough run.  The character
classes are checked against the Unicode tables by the tests (``tests/test_pii_screen.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# What people put between the digits of a number: spaces, dashes of every width, dots, slashes.
SEPARATORS = frozenset(" \t\u00a0\u2002\u2003\u2009\u202f\u3000-_/.\u00b7\u30fb\uff0e"
                       "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\uff3f")
MAX_GAP = 3  # separator characters between two digits of one number
MIN_DIGITS = 11  # the shortest number the detector reports (a mobile number)
# Characters that hide a number from a reader's eye but not from a copy-paste: zero-width spaces, soft
# hyphens, direction marks and isolates, the Mongolian vowel separator.
INVISIBLE = ("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
             "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
# Characters that NFKC leaves as they are, that have no decomposition and that never combine with the
# character before them: Chinese characters, and the punctuation and symbols common in Chinese text.
STABLE = ("\u00b7\u00d7\u00f7\u2013-\u2016\u2018\u2019\u201c\u201d\u2020-\u2022\u2030\u203b\u2190-\u2199"
          "\u2264\u2265\u25a0-\u25ff\u2713-\u2717\u3001-\u3003\u3005-\u3007\u3008-\u301f\u3400-\u4dbf\u4e00-\u9fff")
# Characters that NFKC turns into one ASCII character: the full-width forms and the ideographic space.
FOLDED = "\uff01-\uff5e\u3000"
# Every character of a line that may be screened: ASCII, the above, and the invisible ones (dropped).
PLAIN_CHARS = f"\x00-\x7f{STABLE}{FOLDED}{re.escape(INVISIBLE)}"


def fold(ch: str) -> str:
    """What NFKC makes of a character of :data:`FOLDED`."""
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def _chars(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


_FULL_WIDTH = [chr(o) for o in range(0xFF01, 0xFF5F)]
DIGITS = _chars(set("0123456789") | {c for c in _FULL_WIDTH if fold(c).isdigit()})
GAP = _chars(set(SEPARATORS) | {c for c in _FULL_WIDTH if fold(c) in SEPARATORS})
HIDDEN = _chars(set(INVISIBLE))
AT = _chars({"@"} | {c for c in _FULL_WIDTH if fold(c) == "@"})
# The classes are disjoint, so the quantifiers are possessive: a gap character is never a digit.
SCREEN = re.compile(f"[^{PLAIN_CHARS}]|{AT}|{DIGITS}(?:{HIDDEN}*+(?:{GAP}{HIDDEN}*+){{0,{MAX_GAP}}}+{DIGITS})"
                    f"{{{MIN_DIGITS - 1}}}")


def lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` that may hold personal information, in order (``end``
    is the line's ``\\n`` or the end of the text)."""
    search = SCREEN.search
    pos = 0
    while (m := search(text, pos)) is not None:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if end < 0:
            end = len(text)
        yield start, end
        pos = end + 1
