"""Personal-information guard: find ID, mobile, bank-card numbers and e-mail addresses.

The detector is deliberately precise, because every hit stops the build:

* text is read as a reader sees it: full-width digits are digits (NFKC), invisible characters
  (zero-width spaces, direction marks) are dropped, and a number may be written with up to three
  separators (spaces, dashes of any width, dots, slashes) between any two digits — ``138 1234 5678``,
  ``138.1234.5678``, ``1 3 8 1 2 3 4 5 6 7 8`` and ``3205-0219-9003-0712-3X`` are all numbers;
* resident ID numbers: 18 characters with a real birth date and the GB 11643 check digit, found even
  inside a longer run of digits; or the first-generation 15 digits with a real birth date;
* mobile numbers: 11 digits ``1[3-9]x``, with an optional ``86``/``0086`` prefix;
* bank card numbers: 16–19 digits starting with 3–6 (UnionPay, Visa, Mastercard, JCB, Amex) that pass
  Luhn; dates, counts and 文号 such as 青组通〔2026〕8号 never look like that;
* e-mail addresses, whatever the local part is written in (张三@example.com too).

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
from generator.records.pii_screen import INVISIBLE, MAX_GAP, MIN_DIGITS, SEPARATORS, lines
from generator.records.schema import Record
from generator.records.yamlio import PathKey, YamlDoc, format_path

if TYPE_CHECKING:
    from generator.records.config import SiteConfig
    from generator.records.model import Community, District

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Any local part (张三@example.com too); a domain in ASCII letters, digits and hyphens.
_EMAIL_RE = re.compile(r"[^\s@<>()\[\]{},;:\"'，。；：、（）《》“”‘’|]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                       r"(?![A-Za-z0-9-])")
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_HIDDEN = re.compile(f"[{re.escape(INVISIBLE)}]")
_GAP = "[" + "".join(re.escape(c) for c in sorted(SEPARATORS)) + "]"
# A run of digits, at most MAX_GAP separators between two (possessive: a separator is never a digit).
_RUN = re.compile(f"[0-9](?:{_GAP}{{0,{MAX_GAP}}}+[0-9]){{{MIN_DIGITS - 1},}}+")
_FINAL_X = re.compile(f"{_GAP}{{0,{MAX_GAP}}}+[Xx]")
# The 18-character windows of a run that may be a resident ID: no leading 0, born 19xx or 20xx on a
# month 01-12 and a day 01-31 (the check digit and the calendar are checked by _id_valid).
_ID_WINDOW = re.compile(r"(?=[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X])")


def _plain(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC), invisible characters gone."""
    if text.isascii():
        return text  # NFKC keeps ASCII as it is, and none of it is invisible
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_INVISIBLE) if _HIDDEN.search(text) else text


def _runs(text: str) -> Iterator[tuple[str, list[int]]]:
    """Each number of at least :data:`MIN_DIGITS` digits in ``text`` as people write it: its digits, with
    separators between them allowed, and the position of every digit (a resident ID's final X counts as
    a digit).  Shorter numbers are none of the kinds found."""
    n = len(text)
    for m in _RUN.finditer(text):
        first, run = m.start(), m.group()
        if run.isdigit():
            digits, where = run, list(range(first, m.end()))
        else:
            where = [first + i for i, ch in enumerate(run) if "0" <= ch <= "9"]
            digits = "".join(text[i] for i in where)
        if len(digits) >= 17 and (x := _FINAL_X.match(text, m.end())) and (
                x.end() >= n or text[x.end()] not in _ASCII_LETTERS):
            digits += "X"
            where.append(x.end() - 1)
        yield digits, where


def _birth_date(digits: str) -> bool:
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1900 <= int(digits[:4]) <= 2099


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
    if len(number) != 18 or not number[:17].isdigit() or number[0] == "0" or not _birth_date(number[6:14]):
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


def _number_hits(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, digits) of every ID, mobile and card number, however it is separated.

    A valid 18-digit resident ID is found anywhere in a longer run of digits (an ID padded with digits is
    still an ID); the other kinds must be the whole number, not standing next to an ASCII letter.
    """
    for digits, where in _runs(text):
        begin, end = where[0], where[-1] + 1
        alone = (begin == 0 or text[begin - 1] not in _ASCII_LETTERS) and (end >= len(text)
                                                                            or text[end] not in _ASCII_LETTERS)
        found = False
        for window_at in _ID_WINDOW.finditer(digits) if len(digits) >= 18 else ():
            off = window_at.start()
            window = digits[off:off + 18]
            if _id_valid(window):
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
        elif n == 15 and digits[0] in "12345678" and _birth_date("19" + digits[6:12]):
            yield "resident ID number", begin, end, digits  # the first-generation 15-digit ID
        elif 16 <= n <= 19 and digits[0] in "3456" and _luhn(digits):
            yield "bank card number", begin, end, digits


def find(text: str, allow: Iterable[str] = ()) -> list[Hit]:
    """Every piece of personal information in ``text`` that is not allow-listed.

    Only the lines that :func:`~generator.records.pii_screen.lines` says may hold some are scanned
    (no hit spans a line break, and lines normalise on their own); the hits are where they are in the
    whole text normalised.
    """
    allowed = {normalise(a) for a in allow}
    hits: list[Hit] = []
    done = shift = 0  # text[:done], normalised, is done + shift characters long
    for start, end in lines(text):
        line = _plain(text[start:end])
        found = _hits(line, allowed)
        if found:
            shift += len(_plain(text[done:start])) - (start - done)
            base = start + shift
            hits += [Hit(h.kind, h.masked, h.start + base, h.end + base) for h in found]
            shift += len(line) - (end - start)
            done = end
    return hits


def _hits(text: str, allowed: set[str]) -> list[Hit]:
    """Every hit in ``text`` (normalised) whose number or address is not in ``allowed``, in order."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, value: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        if normalise(value) not in allowed:
            hits.append(Hit(kind, mask(value), start, end))

    for kind, start, end, digits in _number_hits(text):
        add(kind, start, end, digits)
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            add("e-mail address", m.start(), m.end(), m.group(0))
    return sorted(hits, key=lambda h: h.start)


def redact(text: str, allow: Iterable[str] = ()) -> str:
    """``text`` with every hit replaced by its masked form (for logs, which may be public in CI).

    The rest of ``text`` is kept as written (a message's full-width ``，`` stays), so each character is
    normalised on its own to find where a hit lies in the original.
    """
    normalised = _plain(text)
    hits = find(normalised, allow)
    if not hits:
        return text
    pieces = [_plain(ch) for ch in text]
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


def scan_published(project: Path, config: SiteConfig, d: District,
                   known: dict[str, ErrorLog] | None = None) -> ErrorLog:
    """Scan every published string: config, records, content/ pages and file names.

    ``known`` (``dangjian serve``) holds each community's findings by key: a community found there is not
    scanned again, one missing is scanned and added.  The caller removes the communities whose published
    records may have changed; the log is the same as without it.
    """
    log = ErrorLog()
    allow = list(config.pii_allow)
    _scan_model(config.model_copy(update={"pii_allow": []}), config.source_path, allow, log)
    _scan_model(d.info, "communities/district.yml", allow, log)
    for town in d.towns:
        _scan_model(town.info, f"communities/{town.id}/town.yml", allow, log)
        for c in town.communities:
            found = known.get(c.key) if known is not None else None
            if found is None:
                found = scan_community(c, allow)
                if known is not None:
                    known[c.key] = found
            log.extend(found)
    _scan_content(project / "content", project, allow, log)
    return log


def scan_community(c: Community, allow: list[str]) -> ErrorLog:
    """The personal-information findings in one community's published records."""
    log = ErrorLog()
    for name, model in (("profile.yml", c.profile), ("members.yml", c.members), ("pledges.yml", c.pledges),
                        ("brands.yml", c.brands), ("activities.yml", c.activities),
                        ("assessments.yml", c.assessments)):
        _scan_model(model, f"{c.rel_dir}/{name}", allow, log)
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
