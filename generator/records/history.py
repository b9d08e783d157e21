"""Record history from the project's git history: what changed, field by field, and when.

When the project is a git checkout, every commit that touched ``communities/``
is a version of the records.  :func:`record_history` reads, for each such
commit, the record files it changed (``git show``, parsed with the same safe
YAML reader) and lists field-level changes of published records:
"完成时限 2026-06-30 → 2026-09-30".  Only versions in which the record itself
was published count (a draft's wording never appears), and a value holding
personal information is never shown.

:func:`previous_version` materialises the data as of the commit before the
last data change, so the "本次更新" page compares the same two versions on a
clean CI checkout as on a machine that kept the previous ``site/``.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.records import pii
from generator.records.yamlio import parse_yaml_bytes

DATA_PATHS = ("communities", "site_config.yml", "content")
TIMEOUT = 60  # seconds for one git command


@dataclass(frozen=True)
class Commit:
    sha: str
    day: dt.date


@dataclass(frozen=True)
class FieldChange:
    day: dt.date
    record: str  # manifest id, e.g. pledge:chunhui/qingchuan/elderly-meals
    label: str  # what changed, in Chinese: 完成时限
    before: str
    after: str


def _git(project: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def data_commits(project: Path) -> list[Commit] | None:
    """Commits that changed the records, newest first; ``None`` when the project is not in a git checkout."""
    if _git(project, "rev-parse", "--is-inside-work-tree") is None:
        return None
    out = _git(project, "log", "--format=%H %cs", "--", *DATA_PATHS)
    if out is None:
        return None
    commits = []
    for line in out.decode().splitlines():
        sha, _, day = line.partition(" ")
        commits.append(Commit(sha, dt.date.fromisoformat(day)))
    return commits


def is_dirty(project: Path) -> bool:
    out = _git(project, "status", "--porcelain", "--", *DATA_PATHS)
    return bool(out and out.strip())


def previous_commit(project: Path) -> Commit | None:
    """The version before the current one (the working tree): with uncommitted record changes HEAD,
    otherwise the commit before the last one that changed the records; ``None`` if there is none."""
    commits = data_commits(project)
    if not commits:
        return None
    return commits[0] if is_dirty(project) else (commits[1] if len(commits) > 1 else None)


def previous_version(project: Path, dest: Path, previous: Commit | None = None) -> Commit | None:
    """Write the records of :func:`previous_commit` (or of ``previous``) into ``dest``; ``None`` if there is none."""
    previous = previous or previous_commit(project)
    if previous is None:
        return None
    prefix = (_git(project, "rev-parse", "--show-prefix") or b"").decode().strip()
    archive = _git(project, "archive", "--format=tar", previous.sha, "--", *(prefix + p for p in DATA_PATHS
                                                                           if _exists(project, previous, prefix + p)))
    if archive is None:
        return None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not (member.isfile() or member.isdir()) or ".." in Path(member.name).parts:
                continue  # symbolic links and odd entries are not needed to read records
            target = dest / member.name[len(prefix):]
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
    return previous


def _exists(project: Path, commit: Commit, path: str) -> bool:
    return _git(project, "cat-file", "-e", f"{commit.sha}:{path}") is not None


# --- field-level history --------------------------------------------------------------------

# (file, list key or "", field path inside an item, label)
TRACKED: dict[str, tuple[str, list[tuple[tuple[str, ...], str]]]] = {
    "pledges.yml": ("pledges", [(("title",), "标题"), (("due",), "完成时限"), (("target",), "目标"),
                                (("owner",), "责任人")]),
    "brands.yml": ("brands", [(("name",), "品牌名称"), (("theme",), "主题"), (("summary",), "简介")]),
    "profile.yml": ("", [(("name",), "社区名称"), (("address",), "党群服务中心地址"),
                         (("secretary", "education"), "书记学历"),
                         (("secretary", "social_work_certificate"), "书记持社会工作者证书"),
                         (("secretary", "also_director"), "书记、主任“一肩挑”"),
                         (("committee", "party_members"), "党组织委员人数"),
                         (("committee", "residents_members"), "居委会委员人数"),
                         (("committee", "cross_appointed"), "交叉任职人数")]),
}


def _published(item: dict[str, Any], file_pub: Any) -> bool:
    pub = item.get("publication") if isinstance(item.get("publication"), dict) else file_pub
    return isinstance(pub, dict) and pub.get("state") == "approved" and pub.get("scope", "public") == "public"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else " ".join(str(value).split())


def _get(item: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = item
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _versions(data: Any, file: str, key: str) -> dict[str, dict[str, str]]:
    """Record id -> tracked field label -> value, for the published records of one file version."""
    kind, tracked = TRACKED[file]
    if not isinstance(data, dict):
        return {}
    file_pub = data.get("publication")
    items = data.get(kind) if kind else [data]
    out: dict[str, dict[str, str]] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not _published(item, file_pub):
            continue
        rid = {"pledges": f"pledge:{key}/{item.get('id')}", "brands": f"brand:{item.get('id')}"}.get(
            kind, f"community:{key}")
        out[rid] = {label: _text(_get(item, path)) for path, label in tracked}
    return out


GitMemo = dict[tuple[str, ...], Any]
"""What was read from git objects, by what was asked (a commit's changed files, a file at a commit): a commit
never changes, so a long-running process (``dangjian serve``) keeps this between runs."""


def _changed_files(project: Path, commit: Commit, memo: GitMemo) -> list[str]:
    key = ("changed", commit.sha)
    if key not in memo:
        out = _git(project, "show", "--format=", "--name-only", "--no-renames", commit.sha, "--", "communities")
        memo[key] = [] if out is None else [line for line in out.decode().splitlines() if Path(line).name in TRACKED]
    return list(memo[key])


def _file_versions(project: Path, rev: str, path: str, file: str, key: str, memo: GitMemo) -> dict[str, dict[str, str]]:
    """:func:`_versions` of ``path`` at ``rev`` (a commit, or its parent ``sha^``)."""
    memo_key = ("versions", rev, path, file, key)
    if memo_key not in memo:
        raw = _git(project, "show", f"{rev}:{path}")
        memo[memo_key] = _versions(None if raw is None else parse_yaml_bytes(raw, path), file, key)
    found: dict[str, dict[str, str]] = memo[memo_key]
    return found


def record_history(project: Path, published: set[str], allow: list[str],
                   keep: Callable[[str], bool] = lambda rid: True,
                   memo: GitMemo | None = None) -> dict[str, list[FieldChange]]:
    """Field changes of each published record, oldest first (empty when git has no history)."""
    commits = data_commits(project)
    if not commits:
        return {}
    memo = {} if memo is None else memo
    prefix = (_git(project, "rev-parse", "--show-prefix") or b"").decode().strip()
    out: dict[str, list[FieldChange]] = {}
    for commit in reversed(commits):
        for path in _changed_files(project, commit, memo):
            rel = path[len(prefix):] if path.startswith(prefix) else path
            parts = Path(rel).parts
            if len(parts) != 4 or parts[0] != "communities":
                continue
            key = f"{parts[1]}/{parts[2]}"
            before = _file_versions(project, f"{commit.sha}^", path, parts[3], key, memo)
            after = _file_versions(project, commit.sha, path, parts[3], key, memo)
            for rid, fields in after.items():
                if rid not in published or not keep(rid) or rid not in before:
                    continue
                for label, value in fields.items():
                    old = before[rid].get(label, "")
                    if old != value and not pii.find(old, allow) and not pii.find(value, allow):
                        out.setdefault(rid, []).append(FieldChange(commit.day, rid, label, old, value))
    return out


def iter_changes(history: dict[str, list[FieldChange]]) -> Iterator[FieldChange]:
    for changes in history.values():
        yield from changes
