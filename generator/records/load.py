"""Stage 1: read every YAML record under ``communities/`` into the site model.

Every file is read even when others fail, so all problems surface in one run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import urls
from generator.cache import cache_folder
from generator.errors import DataError, ErrorLog
from generator.messages import join, msg
from generator.records.frozen import RESULTS_DIR, FrozenPeriod, check_file_name, results_folder
from generator.records.images import ImageProblem, clean_copy
from generator.records.messages import validation_errors
from generator.records.model import Community, District, Sources, Town
from generator.records.record_store import TownStore, model_name
from generator.records.schema import FILE_MODELS, DistrictFile, ProfileFile, TownFile, attach_sources
from generator.records.yamlio import MAX_FILE_BYTES, YamlDoc, read_file, read_yaml_bytes

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ALLOWED_DIRS = {"images"}
M = TypeVar("M", bound=BaseModel)


def _rel(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


@dataclass
class ParseCache:
    """The parsed record files of earlier loads, so that a long-running process (``dangjian serve``)
    re-parses only the files whose bytes changed.

    An entry is found by the file's project-relative path, its record model and a SHA-256 of its bytes,
    and holds exactly what parsing those bytes gave: the record (or None), the document and the errors.
    Records are only read after loading (``records/model.py``), so a reused record is the one a fresh
    parse would build.  Each load keeps only the entries it used: a removed file's entry goes with it.
    """

    entries: dict[tuple[str, str], tuple[bytes, Any, YamlDoc | None, list[DataError]]] = field(default_factory=dict)
    used: set[tuple[str, str]] = field(default_factory=set)
    # Project-relative path -> SHA-256 of its bytes, as a ``records.watch.Snapshot`` has just read them: a
    # file found there with an entry for those bytes is not read again (``dangjian serve`` reads only
    # what changed, and every read of a watched file is an event the file watcher has to look at).
    known: dict[str, bytes] = field(default_factory=dict)
    parsed: list[str] = field(default_factory=list)  # files parsed (not reused) by the last load

    def start(self) -> None:
        self.used.clear()
        self.parsed.clear()

    def finish(self) -> None:
        for key in set(self.entries) - self.used:
            del self.entries[key]


def _parse(file: Path, project: Path, model: type[M], log: ErrorLog, cache: ParseCache | None = None,
           store: TownStore | None = None) -> tuple[M | None, YamlDoc | None]:
    rel = _rel(file, project)
    try:
        small = (cache is not None or store is not None) and file.stat().st_size <= MAX_FILE_BYTES
    except OSError:
        small = False  # read_file reports it
    if not small:
        return _parse_fresh(file, None, rel, model, log)
    if cache is None:  # a build: what the town's files loaded to in earlier builds (``record_store``)
        assert store is not None
        try:
            raw = file.read_bytes()
        except OSError:
            return _parse_fresh(file, None, rel, model, log)
        digest, loaded = store.get(rel, model, raw)
        if loaded is not None:
            return loaded
        record, doc = _parse_fresh(file, raw, rel, model, log)
        if record is not None and doc is not None:  # loaded without an error
            store.put(rel, model, digest, record, doc)
        return record, doc
    key = (rel, model_name(model))
    cache.used.add(key)
    hit = cache.entries.get(key)
    if hit is not None and hit[0] == cache.known.get(rel):
        log.errors.extend(hit[3])
        return hit[1], hit[2]
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).digest()
    if hit is not None and hit[0] == digest:
        log.errors.extend(hit[3])
        return hit[1], hit[2]
    own = ErrorLog()
    record, doc = _parse_fresh(file, raw, rel, model, own)
    cache.entries[key] = (digest, record, doc, list(own.errors))
    cache.parsed.append(rel)
    log.extend(own)
    return record, doc


def _parse_fresh(file: Path, raw: bytes | None, rel: str, model: type[M],
                 log: ErrorLog) -> tuple[M | None, YamlDoc | None]:
    if raw is None:
        raw, errors = read_file(file, rel)
        if raw is None:
            log.errors.extend(errors)
            return None, None
    doc, errors = read_yaml_bytes(raw, rel)
    log.errors.extend(errors)
    if doc is None or errors:
        return None, doc
    data = doc.data if doc.data is not None else {}
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        log.errors.extend(validation_errors(exc, doc, model))
        return None, doc
    attach_sources(record, doc)
    # Past this point only the document's line map is read (errors, evidence): the plain data it was
    # parsed into is the record now, and keeping both would hold every file twice.  The bytes are kept,
    # compressed, so that a build done with line numbers can let the map go (``release_line_maps``).
    doc.data = None
    doc.pack(raw)
    return record, doc


def _children(folder: Path, project: Path, root: Path, log: ErrorLog) -> list[Path]:
    """Sorted entries of ``folder``, refusing every symbolic link (a record is a file in its own folder)."""
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():  # no symbolic links at all among the records (inside or out)
            log.add(_rel(entry, project), 0, "", msg("load.symlink_outside_communities") if not _inside(entry, root)
                    else msg("load.symlink_in_records"))
            continue
        out.append(entry)
    return out


def load_district(root: Path, project: Path, cache: ParseCache | None = None) -> tuple[District | None, ErrorLog]:
    """Load ``root`` (the communities folder).

    Returns the district with every town and community that loaded cleanly (so
    later checks can still run on them) or ``None`` if the district file failed.
    With ``cache``, files whose bytes are unchanged since the cache's last load are not parsed again;
    without it, the project's content cache keeps what the towns' files loaded to across runs
    (``record_store``).  Either way the district and the errors are the same as without them.
    """
    if cache is not None:
        cache.start()
    try:
        return _load_district(root, project, cache)
    finally:
        if cache is not None:
            cache.finish()


def _load_district(root: Path, project: Path, cache: ParseCache | None) -> tuple[District | None, ErrorLog]:
    log = ErrorLog()
    if not root.is_dir():
        log.add(_rel(root, project), 0, "", msg("load.communities_not_found"))
        return None, log
    disk = cache_folder(project)
    district_file = root / "district.yml"
    info, ddoc = (None, None)
    if district_file.is_file():
        info, ddoc = _parse(district_file, project, DistrictFile, log, cache)
    else:
        log.add(_rel(district_file, project), 0, "", msg("load.file_missing", hint=msg("load.hint.district_file")))
    towns = []
    for entry in _children(root, project, root, log):
        if entry.is_file():
            if entry.name != "district.yml" and entry.suffix in (".yml", ".yaml"):
                log.add(_rel(entry, project), 0, "", msg("load.unexpected_file", hint=msg("load.hint.records_folder")))
            continue
        if entry.name == RESULTS_DIR:
            continue  # frozen results, read below
        # A build keeps what each town's files loaded to (``record_store``); the preview has its own cache.
        store = TownStore(disk, _rel(entry, project)) if cache is None and disk is not None else None
        town = _load_town(entry, project, root, log, cache, store)
        if store is not None:
            store.save()
        if town is not None:
            towns.append(town)
    frozen = _load_frozen(results_folder(root), project, root, log, cache)
    if info is None:
        return None, log
    district = District(root=root, info=info, towns=towns, frozen=frozen)
    if ddoc is not None:
        district.sources.docs["district.yml"] = ddoc
    return district, log


def _load_frozen(folder: Path, project: Path, root: Path, log: ErrorLog,
                 cache: ParseCache | None) -> list[FrozenPeriod]:
    """``communities/results/<period>.yml``: frozen acceptance results, oldest period first."""
    if not folder.is_dir():
        return []
    out = []
    for entry in _children(folder, project, root, log):
        if entry.is_dir() or entry.suffix not in (".yml", ".yaml"):
            log.add(_rel(entry, project), 0, "", msg("load.unexpected_entry"))
            continue
        obj, _doc = _parse(entry, project, FrozenPeriod, log, cache)
        if obj is not None:
            check_file_name(obj, _rel(entry, project), log)
            out.append(obj)
    return sorted(out, key=lambda f: f.period)


def _check_id(entry: Path, project: Path, log: ErrorLog) -> bool:
    if ID_RE.match(entry.name):
        return True
    log.add(_rel(entry, project), 0, "", msg("load.bad_folder_name"))
    return False


def _load_town(folder: Path, project: Path, root: Path, log: ErrorLog, cache: ParseCache | None,
               store: TownStore | None = None) -> Town | None:
    if not _check_id(folder, project, log):
        return None
    town_file = folder / "town.yml"
    if not town_file.is_file():
        log.add(_rel(town_file, project), 0, "", msg("load.file_missing", hint=msg("load.hint.town_file")))
        return None
    info, doc = _parse(town_file, project, TownFile, log, cache, store)
    communities = []
    for entry in _children(folder, project, root, log):
        if entry.is_file():
            if entry.name != "town.yml" and entry.suffix in (".yml", ".yaml"):
                log.add(_rel(entry, project), 0, "",
                        msg("load.unexpected_file", hint=msg("load.hint.community_folder")))
            continue
        community = _load_community(folder.name, entry, project, root, log, cache, store)
        if community is not None:
            communities.append(community)
    if info is None or doc is None:
        return None
    town = Town(id=folder.name, info=info, communities=communities)
    town.sources.docs["town.yml"] = doc
    return town


def _load_community(town_id: str, folder: Path, project: Path, root: Path, log: ErrorLog,
                    cache: ParseCache | None, store: TownStore | None = None) -> Community | None:
    if not _check_id(folder, project, log):
        return None
    parsed: dict[str, BaseModel] = {}
    sources = Sources()
    ok = True
    for entry in _children(folder, project, root, log):
        if entry.is_dir():
            if entry.name not in ALLOWED_DIRS:
                log.add(_rel(entry, project), 0, "", msg("load.unexpected_folder"))
            continue
        if entry.suffix not in (".yml", ".yaml"):
            continue
        model = FILE_MODELS.get(entry.name)
        if model is None:
            log.add(_rel(entry, project), 0, "", msg("load.unknown_record_file", files=join(FILE_MODELS)))
            ok = False
            continue
        obj, doc = _parse(entry, project, model, log, cache, store)
        if doc is not None:
            sources.docs[entry.name] = doc
        if obj is None:
            ok = False
        else:
            parsed[entry.name] = obj
    if not (folder / "profile.yml").is_file():
        log.add(_rel(folder / "profile.yml", project), 0, "",
                msg("load.file_missing", hint=msg("load.hint.profile_file")))
        return None
    profile = parsed.get("profile.yml")
    if not ok or not isinstance(profile, ProfileFile):
        return None
    community = Community(town_id=town_id, id=folder.name, rel_dir=_rel(folder, project), profile=profile,
                          sources=sources)
    for name, attr in (("members.yml", "members"), ("pledges.yml", "pledges"), ("brands.yml", "brands"),
                       ("activities.yml", "activities"), ("assessments.yml", "assessments")):
        if name in parsed:
            setattr(community, attr, parsed[name])
    return community


def release_line_maps(district: District) -> int:
    """Let the district's, every town's and every community's record document drop its line map
    (:meth:`YamlDoc.release_lines`): for a build, once the records are checked and scored (what it reads of
    the lines after that, an error's line, reads the file's kept bytes again).  Returns the number of documents."""
    docs = [*district.sources.docs.values(), *(d for t in district.towns for d in t.sources.docs.values()),
            *(d for c in district.communities() for d in c.sources.docs.values())]
    for doc in docs:
        doc.release_lines()
    return len(docs)


# Hand-written pages are Markdown; other files are published byte for byte, so only inert kinds.
CONTENT_FILES = {".md", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf", ".txt", ".csv"}


CONTENT_IMAGES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
CONTENT_TEXT = {".md", ".txt", ".csv"}


def content_address(rel: str) -> str:
    """Where a ``content/`` file is published: Markdown pages keep their name with a lower-case ``.md``."""
    path = Path(rel)
    return path.with_suffix(".md").as_posix() if path.suffix.lower() == ".md" else rel


def check_content(project: Path) -> ErrorLog:
    """Refuse what ``content/`` must not publish: symbolic links, active file types (suffixes compared in any
    case), text that is not UTF-8, images that do not decode as what their name says, and any file that
    would take an address the site generates (``index.md``, ``brands/…``, ``data/scores.csv`` …)."""
    log = ErrorLog()
    folder = project / "content"
    if not folder.is_dir():
        return log
    folders, files = urls.reserved()
    for entry in sorted(folder.rglob("*")):
        inner = entry.relative_to(folder)
        if any(part.startswith(".") for part in inner.parts):
            continue
        rel = _rel(entry, project)
        if entry.is_symlink():
            log.add(rel, 0, "", msg("load.symlink_outside_project") if not _inside(entry, project)
                    else msg("load.content_symlink"))
            continue
        if not entry.is_file():
            continue
        suffix = entry.suffix.lower()
        if suffix not in CONTENT_FILES:
            log.add(rel, 0, "", msg("load.content_type", kind=entry.suffix or entry.name))
            continue
        address = content_address(inner.as_posix())
        if (inner.parts[0] in folders and len(inner.parts) > 1) or address in files or urls.page_kind(address):
            log.add(rel, 0, "", msg("load.content_claims_generated", address=address,
                                    folders=join(sorted(f + "/" for f in folders))))
        data = entry.read_bytes()
        if suffix in CONTENT_TEXT:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                log.add(rel, data[: exc.start].count(b"\n") + 1, "", msg("load.content_not_utf8"))
        elif suffix in CONTENT_IMAGES:
            try:
                clean_copy(data, suffix, cache_folder(project))
            except ImageProblem as exc:
                log.add(rel, 0, "", msg("load.content_image", reason=exc.message))
        elif suffix == ".pdf":
            _check_pdf(data, rel, log)
    return log


def _check_pdf(data: bytes, rel: str, log: ErrorLog) -> None:
    """A PDF is published only if it can be read and its text holds no personal information."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from generator.records.pii import find

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            log.add(rel, 0, "", msg("load.pdf_encrypted"))
            return
        pages = [(n, page.extract_text() or "") for n, page in enumerate(reader.pages, start=1)]
        metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.add(rel, 0, "", msg("load.pdf_unreadable", reason=str(exc).splitlines()[0] if str(exc) else "?"))
        return
    for n, text in [*pages, (0, metadata)]:
        for hit in find(text):
            log.add(rel, 0, "", msg("load.pdf_pii", page=n, hit=hit.message()) if n
                    else msg("load.pdf_pii_metadata", hit=hit.message()))
