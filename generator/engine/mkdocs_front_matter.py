"""Pages' front matter parsed once, kept between builds (``.cache/frontmatter/``).

MkDocs reads every page's YAML front matter (``mkdocs.utils.meta.get_data``) with PyYAML: at 2,000 communities
that is 19,000 small YAML documents per build, ~1 s, almost all of them the very texts the last build parsed.
Within :func:`front_matter_memo` a front matter text parsed before gives the data it gave then; any other
text is parsed by MkDocs's own function.  What the memo returns is exactly what that function returns for the
same document: the same regular expression finds the front matter, and a text's data is kept only when it is
a mapping of plain JSON values (strings, numbers, booleans, null, lists and mappings with string keys) that
reads back from JSON equal to itself, so each call gets a fresh copy of equal values.  Anything else (a date,
which YAML turns into ``datetime.date``; a parse error) is never kept and is parsed every time.

One entry per version of PyYAML and MkDocs, rewritten when a build parsed a text it did not find or no longer
used one it held (only the texts of the last build are kept); an entry no build used for a week goes
(``cache.prune``).  ``DANGJIAN_NO_CACHE`` turns it off like every other part of the cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.cache import cache_key, entry_path, prune, read_entry, touch, write_entry

KIND = "frontmatter"
FORMAT = 1


def _key() -> str:
    return cache_key(KIND, FORMAT, metadata.version("PyYAML"), metadata.version("mkdocs"))


def _plain(value: Any) -> bool:
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _read(folder: Path) -> dict[str, str]:
    blobs = read_entry(folder, KIND, _key())
    try:
        found = json.loads(blobs[0]) if blobs and len(blobs) == 1 else {}
    except ValueError:
        return {}
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return {}
    touch(entry_path(folder, KIND, _key()))
    return found


@contextmanager
def front_matter_memo(folder: Path | None) -> Iterator[None]:
    """Within this block MkDocs's front matter parser keeps what it parsed (see the module); ``folder`` None:
    no memo."""
    if folder is None:
        yield
        return
    from mkdocs.utils import meta

    kept = _read(folder)
    used: dict[str, str] = {}
    original = meta.get_data

    def get_data(doc: str) -> tuple[str, dict[str, Any]]:
        m = meta.YAML_RE.match(doc)
        if m is None:
            return original(doc)
        text = m.group(1)
        found = kept.get(text)
        if found is not None:
            used[text] = found
            return doc[m.end():].lstrip("\n"), json.loads(found)
        rest, data = original(doc)
        if data and _plain(data):
            encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            if json.loads(encoded) == data:
                used[text] = encoded
        return rest, data

    meta.get_data = get_data
    try:
        yield
    finally:
        meta.get_data = original
    if used.keys() != kept.keys():
        write_entry(folder, KIND, _key(), [json.dumps(used, ensure_ascii=False).encode("utf-8")])
    prune(folder, KIND)
