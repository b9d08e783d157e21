"""Chinese typesetting of generated sentences: ASCII , ; : ( ) next to Chinese set as ，；：（）.

The scoring rules write their explanations once, for the open data (``scores.json``) and for frozen
results, whose words never change.  Pages set those same words with the full-width marks Chinese
text uses; only marks touching a Chinese character (or a full-width mark) change, so ``profile.yml:13``,
``1,000`` and addresses stay as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = "\u3001-\u3011\u4e00-\u9fff\uff01-\uff5e“”‘’…"
_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
_MARK = re.compile(rf"(?<=[{_CJK}])[,;:()]|[,;:(](?=[{_CJK}✓✗—①-⑳])")
_CLOSE = re.compile(r"（([^（）()]*)\)")
_HAS_CJK = re.compile(rf"[{_CJK}]")


def cn_punct(text: object) -> str:
    """``计算:核查①…(全部做到)`` → ``计算：核查①…（全部做到）``; text without Chinese is returned unchanged."""
    return _typeset("" if text is None else str(text))


@lru_cache(maxsize=1 << 16)  # the same explanations and gaps come back for many communities and every render
def _typeset(s: str) -> str:
    if "://" in s or not _HAS_CJK.search(s):
        return s
    for _ in range(2):  # a second pass sees the marks the first one set: "（累计）:16" → "（累计）：16"
        s = _MARK.sub(lambda m: _FULL[m.group(0)], s)
        s = _close(s)
    return re.sub(rf"(?<=[{_CJK}]) +（", "（", s)


def _close(s: str) -> str:
    """A bracket opened full-width closes full-width, whatever precedes it."""
    while True:
        closed = _CLOSE.sub(r"（\1）", s)
        if closed == s:
            return s
        s = closed
