"""The output check gives the same findings however it runs: one process or forked workers, with its
manifest or without, with the fast personal-information detector or the plain one (``pii_reference``).

The site here holds a finding of every kind in files of every type and of very different sizes, so that
the tasks the workers take (largest first) and the style sheets read once per process are exercised.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import posixpath
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pii_reference import find as reference_find
from trust_util import PII_ALLOW, SITE_URL

import generator.engine.verify as verify_module
from generator.engine.verify import batches, verify_site
from generator.engine.verify_base import normpath
from generator.records import pii

ID = "320502199003071230"
MOBILE = "13812345678"
CLEAN_PARAGRAPH = "<p>第一期项目于 2026-03-07 完成，投入 12 万元，居民满意度 96%。</p>\n"


def html(body: str, title: str = "t") -> str:
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{body}</body></html>")


def hostile_site(root: Path) -> Path:
    files: dict[str, str | bytes] = {
        "index.html": html('<p><a href="a/">a</a> <a href="b/c/">c</a></p>' + CLEAN_PARAGRAPH * 3000),  # large
        "a/index.html": html(f"<p>书记 138<b>1234</b>5678</p><p>138</p><p>12345678</p><!-- {ID} -->"
                             '<p style="background:url(x.png)">同一样式</p>'),
        "a/x.png": b"",  # not an image: a finding, worded the same in every process
        "b/c/index.html": html('<p style="background:url(x.png)">同一样式，此处无图</p>'
                               '<p title="１３８１２３４５６７８">全角</p><p>1\u200b38 1234 5678</p>'),
        "b/c/d.html": html(f'<a href="mailto:zhang@example.com">信</a><a href="../?q={MOBILE}">查</a>'
                           '<p>……⑳号楼\u00a0联系电话 0000-12345678</p>'),
        "data/scores.json": json.dumps({"rows": [{"name": f"社区{i}", "score": i} for i in range(4000)]
                                        + [{"contact": "li@example.org", "id": int(ID[:17])}]}, ensure_ascii=False),
        "search/search_index.json": json.dumps({"docs": [{"location": "a/", "text": f"电话{MOBILE}"},
                                                         {"location": "gone/", "text": ""}]}, ensure_ascii=False),
        "data/list.csv": f"名称,电话\n甲,{MOBILE}\n乙,=HYPERLINK(\"x\")\n",
        "qr/a.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><text>{ID[:9]}<tspan>{ID[9:]}</tspan></text></svg>',
        f"downloads/{MOBILE}.txt": "名单",
        "sitemap.xml.gz": gzip.compress(f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                                        f'sitemap/0.9"><url><loc>{SITE_URL}a/?tel={MOBILE}</loc></url></urlset>'
                                        .encode(), mtime=0),
    }
    for i in range(60):  # many small pages, each with the same chrome and one of them with a finding
        files[f"p/{i}/index.html"] = html(f'<p style="width: 50%">第 {i} 页</p><a href="../{(i + 1) % 60}/">下一页</a>'
                                          + (f"<p>身份证 {ID}</p>" if i == 37 else ""))
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_site(tmp_path_factory.mktemp("hostile") / "site")


def check(site: Path, cache: Path | None = None) -> list[str]:
    """The findings, in English whatever language an earlier test chose."""
    return [f"{f.file}: {f.check}: {f.message.text('en')}" for f in verify_site(site, SITE_URL, PII_ALLOW,
                                                                                 cache_dir=cache)]


def test_the_site_has_a_finding_of_every_kind(site: Path) -> None:
    found = check(site)
    expected = ["a/index.html: pii: ", "b/c/index.html: pii: ", "b/c/index.html: broken-link: x.png",
                "b/c/d.html: pii: ", "data/scores.json: pii: ", "search/search_index.json: pii: ",
                "search/search_index.json: broken-link: gone/", "data/list.csv: unsafe: ", "data/list.csv: pii: ",
                "qr/a.svg: pii: ", f"downloads/{MOBILE}.txt: pii: ", "sitemap.xml.gz: pii: ", "p/37/index.html: pii: "]
    for start in expected:
        assert any(f.startswith(start) for f in found), (start, found)
    assert not any(f.startswith("a/index.html: broken-link") for f in found)  # its x.png is there
    assert not any(f.startswith(("index.html", "p/36/")) for f in found)
    assert sum("138****5678" in f for f in found if f.startswith("a/index.html")) == 1  # 138 / 12345678: apart
    assert not any("0000" in f for f in found)  # allow-listed


def test_workers_find_what_one_process_finds(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = check(site)
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(verify_module, "BATCHES_PER_WORKER", 5)
    assert check(site) == serial
    assert gc.get_freeze_count() == 0  # the parent's objects are collected again afterwards


def test_with_the_manifest_the_findings_are_the_same(site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    plain = check(site)
    cache = tmp_path / ".cache"
    assert check(site, cache) == plain  # cold: every file checked, the clean ones recorded
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 1)
    assert check(site, cache) == plain  # warm, on workers: the clean files skipped there
    page = site / "p" / "5" / "index.html"
    before = page.read_bytes()
    try:
        page.write_bytes(before.replace("第 5 页".encode(), f"第 5 页 {MOBILE}".encode()))
        changed = check(site, cache)
        assert changed == check(site) and any(f.startswith("p/5/index.html: pii: ") for f in changed)
    finally:
        page.write_bytes(before)
    assert check(site, cache) == plain


def _scores(names: list[str], contact: str = "") -> str:
    rows = [{"name": n, "total": 90 + i % 10, "notes": [f"第{i}项"]} for i, n in enumerate(names)]
    if contact:
        rows[3]["contact"] = contact
    return json.dumps({"as_of": "2026-11-27", "results": rows, "grades": {"优秀": 90}}, ensure_ascii=False)


def test_a_data_file_s_records_clean_before_are_not_looked_at_again(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file is remembered record by record: after one record changed, only that record's text is looked at
    for personal information; a finding in a record is reported as a check without the manifest reports it."""
    site, cache = tmp_path / "site", tmp_path / ".cache"
    scores = site / "data" / "scores.json"
    scores.parent.mkdir(parents=True)
    (site / "index.html").write_text(html("<p>首页</p>"), encoding="utf-8")
    names = [f"社区{i}" for i in range(50)]
    scores.write_text(_scores(names), encoding="utf-8")
    assert check(site, cache) == []
    looked: list[str] = []
    real = verify_module.Site.hits

    def hits(self: verify_module.Site, text: str) -> list[pii.Hit]:
        if text and text not in ("data/scores.json", "index.html"):  # not the files' names, checked every time
            looked.append(text)
        return real(self, text)

    monkeypatch.setattr(verify_module.Site, "hits", hits)
    names[7] += "改"
    scores.write_text(_scores(names), encoding="utf-8")
    assert check(site, cache) == []
    assert looked == ["name\n社区7改\ntotal\n97\nnotes\n第7项"]  # the record's strings, one per line, as ever

    looked.clear()
    scores.write_text(_scores(names, contact=MOBILE), encoding="utf-8")
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 1)  # on workers: what they remember comes back here
    with_manifest = check(site, cache)
    monkeypatch.setattr(verify_module.Site, "hits", real)
    assert with_manifest == check(site) == ["data/scores.json: pii: personal information: mobile number 138****5678"]
    scores.write_text(_scores(names), encoding="utf-8")
    assert check(site, cache) == []
    monkeypatch.setattr(verify_module.Site, "hits", hits)
    looked.clear()
    scores.write_text(_scores(names) + "\n", encoding="utf-8")  # other bytes, the same records
    assert check(site, cache) == [] and looked == []


def test_the_plain_detector_finds_the_same(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every text of every file, scanned by the detector as it was before its fast path."""
    fast = check(site)
    monkeypatch.setattr(pii, "find", reference_find)
    assert check(site) == fast


def test_a_style_read_once_resolves_its_urls_in_each_page(tmp_path: Path) -> None:
    """``url(x.txt)`` in the same style attribute names a different file in each folder."""
    site = tmp_path / "site"
    for rel in ("a/index.html", "b/index.html", "c/d/index.html"):
        (site / rel).parent.mkdir(parents=True)
        (site / rel).write_text(html('<p style="background:url(x.txt)">x</p>'), encoding="utf-8")
    (site / "b" / "x.txt").write_text("x", encoding="utf-8")
    assert check(site) == ["a/index.html: broken-link: x.txt does not exist in the site",
                           "c/d/index.html: broken-link: x.txt does not exist in the site"]


def test_tasks_hold_every_file_once_the_largest_first(tmp_path: Path) -> None:
    sizes = {"big.json": 50_000, "mid.html": 5_000, **{f"p{i}.html": 100 + i for i in range(200)}}
    for rel, size in sizes.items():
        (tmp_path / rel).write_bytes(b"x" * size)
    tasks = batches(tmp_path, [*sizes, "missing.html"], 8)
    assert sorted(rel for task in tasks for rel in task) == sorted([*sizes, "missing.html"])
    assert tasks[0] == ["big.json"]  # larger than a task's share: alone, and first
    assert tasks[1][0] == "mid.html"
    assert all(len(task) <= verify_module.BATCH_FILES for task in tasks)
    assert batches(tmp_path, list(reversed([*sizes, "missing.html"])), 8) == tasks  # the order given does not matter


def _normpath_as_before(rel: str) -> str | None:
    out: list[str] = []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["", ".", "..", "...", "a", ".a", "a.", "b.html", "%2e", " ", "\x00"]), max_size=8),
       st.booleans(), st.booleans())
def test_site_paths_resolve_as_before(parts: list[str], lead: bool, trail: bool) -> None:
    rel = ("/" if lead else "") + "/".join(parts) + ("/" if trail else "")
    assert normpath(rel) == _normpath_as_before(rel)
    assert normpath(rel) is None or not posixpath.isabs(normpath(rel) or "")


def test_the_manifest_version_covers_every_module_of_the_check() -> None:
    """A change to the detector or to any verify module makes every file clean before checked again."""
    from generator.engine.verify_cache import PACKAGE, SOURCES

    modules = {p.relative_to(PACKAGE).as_posix() for pattern in ("engine/verify*.py", "records/pii*.py")
               for p in PACKAGE.glob(pattern)}
    assert modules and modules <= set(SOURCES)


def test_site_files_are_listed_as_rglob_lists_them(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for rel in ("index.html", ".hidden", "a/b/c.txt", "a-b/x", "a/b.c/d", "z/.well-known/e", "a/b/.f"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "empty").mkdir()
    (root / "a" / "link.html").symlink_to(root / "index.html")
    (root / "folder-link").symlink_to(root / "a")  # listed as a link, not followed
    (root / "dangling").symlink_to(root / "nowhere")
    os.mkfifo(root / "a" / "pipe")  # neither a file nor a link: not listed
    expected = [(p.relative_to(root).as_posix(), p.is_symlink())
                for p in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())]
    assert verify_module.site_files(str(root)) == expected
    assert ("a/b/c.txt", False) in expected and ("folder-link", True) in expected
    assert not any(rel.startswith("folder-link/") for rel, _ in expected)
