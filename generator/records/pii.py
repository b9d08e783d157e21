"""Personal-information guard: find ID, mobile, bank-card numbers and e-mail addresses.

The detector is deliberately precise, because every hit stops the build:

* resident ID numbers need 18 characters, a real birth date and the GB 11643
  check digit (so an arbitrary 18-digit number is not one);
* mobile numbers are 11 digits ``1[3-9]x`` with an optional ``+86``/``0086``
  prefix and spaces or dashes in the usual 3-4-4 grouping;
* bank card numbers are 16–19 digits, written in one run or in groups of four,
  starting with 3–6 (UnionPay, Visa, Mastercard, JCB, Amex) and passing Luhn;
  dates, counts and 文号 such as 青组通〔2026〕8号 never look like that;
* e-mail addresses.

Hits are reported masked (``3205**********1234``) so that the error message
itself does not spread the number.  ``site_config.yml: pii_allow`` lists
numbers and addresses that may be published (an office phone, a public
mailbox); entries are compared ignoring spaces, dashes and a ``+86`` prefix.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from generator.errors import ErrorLog
from generator.messages import Msg, msg
from generator.records.schema import Record
from generator.records.yamlio import PathKey, YamlDoc, format_path

if TYPE_CHECKING:
    from generator.records.config import SiteConfig
    from generator.records.model import District

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Numbers stand alone: no ASCII letter or digit right before or after (Chinese text around them is fine).
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_ID_RE = re.compile(_B + r"[1-9][0-9]{5}[ -]?(?:19|20)[0-9]{6}[ -]?[0-9]{3}[0-9Xx]" + _E)
_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}" + _E)
_CARD_RE = re.compile(_B + r"(?:[3-6][0-9]{15,18}|[3-6][0-9]{3}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?"
                      r"|[3-6][0-9]{5}[ -][0-9]{10,13})(?![0-9A-Za-z]|[ -][0-9])")
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                       r"(?![A-Za-z0-9-])")
# Characters that hide a number from a reader's eye but not from a copy-paste: zero-width spaces etc.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class Hit:
    kind: str  # "resident ID number", "mobile number", "bank card number", "e-mail address"
    masked: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.kind} {self.masked}"

    def message(self) -> Msg:
        """The hit as staff read it: ``手机号码 138****5678`` (``mobile number 138****5678`` in English)."""
        return msg("pii.hit", kind=msg(_KINDS[self.kind]), masked=self.masked)


_KINDS = {"resident ID number": "pii.kind.id", "bank card number": "pii.kind.card", "mobile number": "pii.kind.mobile",
          "e-mail address": "pii.kind.email"}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch in "0123456789Xx").upper()


def _id_valid(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:  # the pattern already limits the year to 19xx/20xx
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(value: str) -> str:
    """``320502199001011234`` -> ``3205**********1234``; e-mail keeps the first letter and the domain."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = normalise(value)
    keep_head = 3 if len(digits) == 11 else 4
    return digits[:keep_head] + "*" * max(len(digits) - keep_head - 4, 0) + digits[-4:]


def normalise(value: str) -> str:
    """The comparable form of an allow-list entry or a hit: digits only (no +86), or a lower-case address."""
    value = unicodedata.normalize("NFKC", value).strip()
    if "@" in value:
        return value.lower()
    digits = _digits(value)
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    if len(digits) == 15 and digits.startswith("0086"):
        return digits[4:]
    return digits


def find(text: str, allow: Iterable[str] = ()) -> list[Hit]:
    """Every piece of personal information in ``text`` that is not allow-listed."""
    allowed = {normalise(a) for a in allow}
    # Full-width digits (１３８…) and letters become ASCII; invisible characters go.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match[str]) -> None:
        if any(s < m.end() and m.start() < e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        if normalise(m.group(0)) not in allowed:
            hits.append(Hit(kind, mask(m.group(0)), m.start(), m.end()))

    for m in _ID_RE.finditer(text):
        if _id_valid(_digits(m.group(0))):
            add("resident ID number", m)
    for m in _CARD_RE.finditer(text):
        if _luhn(_digits(m.group(0))):
            add("bank card number", m)
    for m in _MOBILE_RE.finditer(text):
        add("mobile number", m)
    for m in _EMAIL_RE.finditer(text):
        add("e-mail address", m)
    return sorted(hits, key=lambda h: h.start)


def redact(text: str, allow: Iterable[str] = ()) -> str:
    """``text`` with every hit replaced by its masked form (for logs, which may be public in CI).

    The rest of ``text`` is kept as written (a message's full-width ``，`` stays), so each character is
    normalised on its own to find where a hit lies in the original.
    """
    normalised = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    hits = find(normalised, allow)
    if not hits:
        return text
    pieces = [unicodedata.normalize("NFKC", ch).translate(_INVISIBLE) for ch in text]
    if "".join(pieces) != normalised:  # characters that combine: mask the normalised text instead
        for hit in reversed(hits):
            normalised = normalised[: hit.start] + hit.masked + normalised[hit.end:]
        return normalised
    starts = list(itertools.accumulate((len(p) for p in pieces), initial=0))  # piece i starts at starts[i]
    out, done = [], 0
    for hit in hits:
        first, end = bisect.bisect_right(starts, hit.start) - 1, bisect.bisect_left(starts, hit.end)
        out += [text[done:first], hit.masked]
        done = end
    return "".join(out) + text[done:]


def _in_text(hit: Hit) -> Msg:
    return msg("pii.in_text", hit=hit.message())


# --- scanning the published site model ---------------------------------------------------


def _strings(value: Any, doc: YamlDoc | None, path: PathKey) -> Iterator[tuple[YamlDoc | None, PathKey, str]]:
    """Every string in ``value`` with the document and YAML path it was read from.

    A record carries its own :class:`~generator.records.schema.Source`, so items
    that passed the publication gate keep their place in the file even though
    held-back neighbours are gone.
    """
    if isinstance(value, str):
        yield doc, path, value
    elif isinstance(value, BaseModel):
        origin = value.origin if isinstance(value, Record) else None
        if origin is not None:
            doc, path = origin.doc, origin.path
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), doc, (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, doc, (*path, i))


def _scan_model(model: BaseModel, rel: str, allow: list[str], log: ErrorLog) -> None:
    """Report every personal-information hit in the strings of ``model`` at its place in its file."""
    for doc, path, text in _strings(model, None, ()):
        for hit in find(text, allow):
            log.add(doc.path if doc is not None else rel, doc.line(path) if doc is not None else 0,
                    format_path(path), _in_text(hit))


def scan_published(project: Path, config: SiteConfig, d: District) -> ErrorLog:
    """Scan every published string: config, records, content/ pages and file names."""
    log = ErrorLog()
    allow = list(config.pii_allow)
    _scan_model(config.model_copy(update={"pii_allow": []}), config.source_path, allow, log)
    _scan_model(d.info, "communities/district.yml", allow, log)
    for town in d.towns:
        _scan_model(town.info, f"communities/{town.id}/town.yml", allow, log)
        for c in town.communities:
            for name, model in (("profile.yml", c.profile), ("members.yml", c.members), ("pledges.yml", c.pledges),
                                ("brands.yml", c.brands), ("activities.yml", c.activities),
                                ("assessments.yml", c.assessments)):
                _scan_model(model, f"{c.rel_dir}/{name}", allow, log)
    _scan_content(project / "content", project, allow, log)
    return log


def _scan_content(folder: Path, project: Path, allow: list[str], log: ErrorLog) -> None:
    """Hand-written pages line by line (text, links, image alt texts) and every file name."""
    if not folder.is_dir():
        return
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(project).as_posix()
        for hit in find(file.relative_to(folder).as_posix(), allow):
            log.add(rel, 0, "file name", msg("pii.in_file_name", hit=hit.message()))
        if not file.is_file() or file.suffix not in (".md", ".markdown", ".txt", ".html", ".csv", ".json"):
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the renderer that reads it
        for n, line in enumerate(text.splitlines(), start=1):
            for hit in find(line, allow):
                log.add(rel, n, "", _in_text(hit))
