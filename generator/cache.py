"""A content-addressed cache of work a build would otherwise repeat, under the project's ``.cache/``.

What is kept: resized brand images and re-encoded content images (``images/``), QR codes
(``qr/``), search entries (``search/``), built pages (``pages/``, ``engine/mkdocs_page_cache.py``),
loaded record files (``records/``, ``records/record_store.py``), each town's rendered community pages
(``render/``, ``pages/share_store.py``), the communities whose published records were found free of personal
information (``pii/``, ``records/scanned_clean.py``), each community's scored periods (``scores/``,
``scoring/score_store.py``) and the output check's list of files that verified clean
(``verify/``).  Every entry is found by a key that hashes *all* its inputs: the input bytes, the parameters, a
code version that is bumped when the encoder changes (or every file of the package: :func:`package_version`),
and the versions of the libraries that write the bytes.  An entry is therefore never stale, only unused.
(``records/`` keeps one entry per town folder, keyed by the folder and the package, and inside it each
file's record under its path, model and the SHA-256 of the file's bytes: the same rule, one level down.)

The cache is never needed for a correct build:

* ``DANGJIAN_NO_CACHE=1`` (any value but ``""`` and ``"0"``) turns it off; a build then gives the
  same bytes, only slower;
* an entry that cannot be read, or whose checksum does not match, is ignored and written again;
* writes go to a temporary file in the same folder, then ``os.replace``: a reader (another build
  running at the same time) sees the old entry or the new one, never half of one.  Two builds that
  write the same key write the same bytes.  A write that fails (read-only project, full disk) is
  skipped.

Size: the two kinds that grow with every edit and every new version of the code, ``render/`` (a town's pages,
megabytes each) and ``pages/`` (one entry per built page: ~770 MB per version of the code at 2,000 communities),
remove the entries that no build used for :data:`KEEP_DAYS` days (:func:`prune`; a build touches what it uses,
:func:`touch`).  The other kinds are left to grow: they are small and keyed by content.  The folder may be
deleted between builds (``rm -rf .cache``); the next build fills it again.  A build that is running reads its
stored towns' pages from ``render/`` until MkDocs has read them: deleting the folder under it makes that build
fail, and the published site stays as it was.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import struct
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

FOLDER = ".cache"
DISABLE = "DANGJIAN_NO_CACHE"
MAGIC = b"dangjian-cache 1\n"
_COUNT = struct.Struct(">I")
_LENGTH = struct.Struct(">Q")
_DIGEST = 32  # SHA-256
FILE_MODE = 0o644
KEEP_DAYS = 7  # an entry of a kind that prunes (render/, pages/) unused this long is removed
PRUNE_EVERY_S = 86400  # a kind's folder is walked for pruning at most this often
TOUCH_EVERY_S = 86400  # an entry in use is marked used at most this often (``read_used``)
PRUNED = ".pruned-"  # + kind, in the cache folder: its mtime is the time of that kind's last walk
MAX_BLOBS = 65536  # no entry holds more (``records/``: one blob per record file of a town); more is damage

Part = bytes | str | int | float | bool | None | Sequence[object]


def enabled() -> bool:
    return os.environ.get(DISABLE, "") in ("", "0")


def cache_folder(project: Path) -> Path | None:
    """The project's cache folder, or None when ``DANGJIAN_NO_CACHE`` turns the cache off."""
    return project / FOLDER if enabled() else None


def cache_key(*parts: Part) -> str:
    """A SHA-256 hex key over ``parts``: bytes as they are, anything else as canonical JSON.

    Each part is tagged with its kind and length, so no two different lists of parts give one key.
    """
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes | bytearray | memoryview):
            tag, data = b"b", bytes(part)
        else:
            tag, data = b"j", json.dumps(part, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        h.update(tag + _LENGTH.pack(len(data)))
        h.update(data)
    return h.hexdigest()


DISTRIBUTION = "dangjian"
_NAME = re.compile(r"[A-Za-z0-9._-]+")  # a requirement's distribution name


@functools.lru_cache(maxsize=1)
def package_version() -> str | None:
    """The generator's every file (code, templates, rubric, messages), Python's version and the versions of the
    libraries the package requires, once per process; None when the package's metadata is not there (then a
    library's version cannot be told, and what would need it is not kept)."""
    try:
        required = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    names = sorted({m.group(0) for r in required if "extra ==" not in r and (m := _NAME.match(r))})
    versions = []
    for name in names:
        try:
            versions.append([name, metadata.version(name)])
        except metadata.PackageNotFoundError:
            versions.append([name, None])
    package = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        code.update(path.relative_to(package).as_posix().encode() + b"\0")
        code.update(hashlib.sha256(path.read_bytes()).digest())
    return cache_key(sys.version, versions, code.hexdigest())


def entry_path(folder: Path, kind: str, key: str) -> Path:
    return Path(_entry_file(folder, kind, key))


def _entry_file(folder: Path, kind: str, key: str) -> str:
    """:func:`entry_path` as a string: the readers' (no ``Path`` made for ~20,000 entries a build)."""
    return os.path.join(folder, kind, key[:2], key)


def pack(blobs: Sequence[bytes]) -> bytes:
    """Magic, count, lengths, the blobs, and a SHA-256 of all that."""
    body = b"".join([MAGIC, _COUNT.pack(len(blobs)), *(_LENGTH.pack(len(b)) for b in blobs), *blobs])
    return body + hashlib.sha256(body).digest()


def blob_offsets(lengths: Sequence[int]) -> list[int]:
    """Where each blob of an entry packed from blobs of ``lengths`` begins in the entry's file (see :func:`pack`)."""
    pos = len(MAGIC) + _COUNT.size + len(lengths) * _LENGTH.size
    out = []
    for n in lengths:
        out.append(pos)
        pos += n
    return out


def unpack(data: bytes) -> list[bytes] | None:
    """The blobs of a packed entry; None if it is damaged in any way."""
    if len(data) < len(MAGIC) + _COUNT.size + _DIGEST or not data.startswith(MAGIC):
        return None
    body, digest = data[:-_DIGEST], data[-_DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        return None
    pos = len(MAGIC)
    (count,) = _COUNT.unpack_from(body, pos)
    pos += _COUNT.size
    if count > MAX_BLOBS or pos + count * _LENGTH.size > len(body):
        return None
    lengths = [_LENGTH.unpack_from(body, pos + i * _LENGTH.size)[0] for i in range(count)]
    pos += count * _LENGTH.size
    if pos + sum(lengths) != len(body):
        return None
    out: list[bytes] = []
    for n in lengths:
        out.append(body[pos:pos + n])
        pos += n
    return out


def read_entry(folder: Path | None, kind: str, key: str) -> list[bytes] | None:
    """The blobs stored under ``key``; None when there is no cache, no such entry or a damaged one."""
    if folder is None:
        return None
    try:
        with open(_entry_file(folder, kind, key), "rb") as f:
            data = f.read()
    except OSError:
        return None
    return unpack(data)


def read_used(folder: Path, kind: str, key: str) -> tuple[list[bytes] | None, bool]:
    """:func:`read_entry` for an entry that is used now: marked used (:func:`touch`) when it was last marked
    :data:`TOUCH_EVERY_S` ago or more, and whether it was.  Pruning keeps what was used in the last
    :data:`KEEP_DAYS` days, so marking an entry more often than daily changes nothing but costs a system call
    per entry per build (two per page at 2,000 communities: 38,000)."""
    path = _entry_file(folder, kind, key)
    try:
        with open(path, "rb") as f:
            stale = time.time() - os.fstat(f.fileno()).st_mtime >= TOUCH_EVERY_S
            data = f.read()
    except OSError:
        return None, False
    if stale:
        with contextlib.suppress(OSError):
            os.utime(path)
    return unpack(data), stale


def touch(path: Path) -> None:
    """Mark an entry as used now (its modification time), so that :func:`prune` keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path | None, kind: str, now: float | None = None) -> int:
    """Remove the entries of ``kind`` that no build has used for :data:`KEEP_DAYS` days; how many went.

    An entry's modification time is when a build last wrote or used (:func:`touch`) it.  Anything that is
    not a plain file two levels down (``kind/xx/key``) is left alone; an entry that cannot be removed stays.
    The folder is walked at most once a day (the time of the last walk is the mtime of ``.pruned-<kind>``):
    walking 173,000 page entries took 1.3 s."""
    if folder is None:
        return 0
    clock = time.time() if now is None else now
    stamp = folder / f"{PRUNED}{kind}"
    try:
        if clock - stamp.stat().st_mtime < PRUNE_EVERY_S:
            return 0
    except OSError:
        pass
    cutoff = clock - KEEP_DAYS * 86400
    removed = 0
    try:
        groups = [g.path for g in os.scandir(folder / kind) if g.is_dir(follow_symlinks=False)]
    except OSError:
        return 0
    for group in groups:
        try:
            with os.scandir(group) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
        except OSError:
            continue
    with contextlib.suppress(OSError):
        stamp.touch()
        os.utime(stamp, (clock, clock))
    return removed


def write_entry(folder: Path | None, kind: str, key: str, blobs: Sequence[bytes]) -> None:
    """Store ``blobs`` under ``key`` atomically; a failure to write is not an error (the cache is optional)."""
    if folder is None:
        return
    write_atomic(entry_path(folder, kind, key), pack(blobs))


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``; False if it could not be written."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        os.fchmod(fd, FILE_MODE)  # mkstemp's 0600 would hide the entry from the project's other users
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = ""
        return True
    except OSError:
        return False
    finally:
        if tmp:  # not replaced: a failed write or an interrupt (Ctrl-C) between the two steps
            with contextlib.suppress(OSError):
                os.unlink(tmp)
