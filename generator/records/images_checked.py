"""Brand images that decoded, with their sizes, kept between builds (``.cache/images/checked``).

Every build decodes every published brand image (``validate.check_published_images``: what ``build`` would
refuse, ``check`` refuses too) and reads each one's header for its renditions' sizes (``images.describe``; a
PNG's EXIF may follow its pixels, so that reads the whole file).  At 2,000 communities that is ~1,700 image
reads per build, for files that almost never change.  So a build keeps, for each image that decoded, its
*stamp* (path, inode, size and modification time in nanoseconds: the trust ``dangjian serve`` gives a file it
decoded before, and the output check an inode it verified) with its width, height and EXIF orientation; the
next build decodes only the images whose stamp it does not find, and takes the others' headers from here.

The entry holds for one version of the image code: ``images.CODE_VERSION``, the module's source and the
versions of Pillow and its codecs.  Failures are never kept (a bad image is decoded, and reported, by every
build); the entry is rewritten with the images this build found, so it does not grow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.cache import cache_key, read_entry, write_entry
from generator.records import images

FORMAT = 1
Stamp = tuple[str, int, int, int]  # path, inode, size, mtime_ns (``validate._stamp``)


def _key() -> str:
    return cache_key("checked", FORMAT, images.CODE_VERSION, images.source_digest(images.__file__),
                     images.pillow_versions())


def load(folder: Path) -> set[Stamp]:
    """The images an earlier build decoded (their headers are given to ``images`` too)."""
    blobs = read_entry(folder, images.CACHE_KIND, _key())
    try:
        rows = json.loads(blobs[0]) if blobs and len(blobs) == 1 else []
    except ValueError:
        return set()
    out: set[Stamp] = set()
    for row in rows if isinstance(rows, list) else []:
        if (isinstance(row, list) and len(row) == 7 and isinstance(row[0], str)
                and all(type(v) is int for v in row[1:])):
            stamp: Stamp = (row[0], row[1], row[2], row[3])
            out.add(stamp)
            images.remember_header(stamp, (row[4], row[5], row[6]))
    return out


def save(folder: Path, decoded: set[Stamp], before: set[Stamp]) -> None:
    """Keep the images of this build that decoded (``decoded``), with their headers, unless they are ``before``."""
    if decoded == before:
        return
    rows: list[list[Any]] = []
    for stamp in sorted(decoded):
        try:
            width, height, orientation = images.header_of(*stamp)
        except images.ImageProblem:
            continue
        if type(orientation) is int:
            rows.append([*stamp, width, height, orientation])
    write_entry(folder, images.CACHE_KIND, _key(), [json.dumps(rows, ensure_ascii=False).encode("utf-8")])
