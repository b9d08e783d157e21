"""The build cache (``.cache/``): work done once, never needed for a correct site.

* a warm build gives the same bytes as a build without the cache (``DANGJIAN_NO_CACHE=1``) and does no
  image, QR or per-file output-check work again;
* a damaged entry is ignored and written again; a changed image gives other output;
* the output check with a warm manifest still finds what changed: personal information planted in one
  page, a file that unchanged pages link to removed, a number taken off the allow-list.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from support import AS_OF_ARG, REPO, cli
from trust_util import tree

import generator.engine.mkdocs_search as search_module
import generator.engine.verify as verify_module
import generator.pages.qr as qr_module
import generator.records.images as images_module
from generator import cache
from generator.cache import cache_folder, cache_key, pack, read_entry, unpack, write_entry
from generator.engine.verify import verify_site
from generator.engine.verify_cache import MANIFEST
from generator.pages.qr import qr_files, qr_png, qr_svg
from generator.records.images import ImageProblem, WebImage, clean_copy, describe, encode

SITE_URL = "https://dangjian.example.gov.cn/"
WORK = ("encode", "clean_copy", "qr", "scan", "search")


class Counter:
    """Stands in for a module function and records its calls (the function still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.calls: list[tuple[Any, ...]] = []
        real: Callable[..., Any] = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


@contextlib.contextmanager
def counting() -> Iterator[dict[str, Counter]]:
    """Count the work the cache saves: image encodes, content-image copies, QR codes, files checked, pages
    parsed and segmented for the search index."""
    with pytest.MonkeyPatch.context() as mp:
        yield {"encode": Counter(mp, images_module, "_encode"), "clean_copy": Counter(mp, images_module, "_clean_copy"),
               "qr": Counter(mp, qr_module, "_code"), "scan": Counter(mp, verify_module, "scan_data"),
               "search": Counter(mp, search_module, "_index_page")}


def png(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> Path:
    Image.new("RGB", size, color).save(path, "PNG")
    return path


def jpeg(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> Path:
    im = Image.new("RGB", size, color)
    for x in range(0, size[0], 7):  # some detail, so the encoder has work to do
        im.putpixel((x, x * size[1] // size[0]), (255, 255, 255))
    im.save(path, "JPEG", quality=95)
    return path


def build(project: Path, out: Path, env: dict[str, str] | None = None) -> None:
    result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), env=env)
    assert result.exit_code == 0, result.output


@dataclass
class Sample:
    project: Path
    plain: Path  # built with DANGJIAN_NO_CACHE=1
    cold: Path  # the first build with the cache
    warm: Path  # the second
    work: dict[str, dict[str, int]]  # build -> what it did: WORK -> calls
    allow: list[str]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """The repository's sample project (with a photo in content/, so content images are cached too),
    built three times: without the cache, then cold and warm."""
    root = tmp_path_factory.mktemp("cache")
    project = root / "project"
    for part in ("communities", "content", "theme"):
        shutil.copytree(REPO / part, project / part)
    shutil.copy(REPO / "site_config.yml", project / "site_config.yml")
    jpeg(project / "content" / "photo.jpg", (180, 30, 30), (640, 480))
    work: dict[str, dict[str, int]] = {}
    for name, env in (("plain", {"DANGJIAN_NO_CACHE": "1"}), ("cold", None), ("warm", None)):
        with counting() as counters:
            build(project, root / name, env)
        work[name] = {k: len(c.calls) for k, c in counters.items()}
        if name == "plain":
            assert not (project / ".cache").exists()
    allow = yaml.safe_load((project / "site_config.yml").read_text(encoding="utf-8"))["pii_allow"]
    return Sample(project, root / "plain", root / "cold", root / "warm", work, allow)


def test_warm_build_gives_the_bytes_of_a_build_without_cache(sample: Sample) -> None:
    plain = tree(sample.plain)
    assert len(plain) > 200 and "photo.jpg" in plain  # content/photo.jpg, re-encoded
    for other in (tree(sample.cold), tree(sample.warm)):
        assert sorted(other) == sorted(plain)
        assert [p for p in plain if plain[p] != other[p]] == []


def test_warm_build_does_the_work_no_more(sample: Sample) -> None:
    assert all(sample.work["plain"][k] > 0 for k in WORK), sample.work
    # An empty cache: everything is done, content images once (the record check and the page both copied them).
    assert sample.work["plain"]["clean_copy"] == 2
    assert sample.work["cold"] == {**sample.work["plain"], "clean_copy": 1}
    assert sample.work["warm"] == dict.fromkeys(WORK, 0)
    cache = sample.project / ".cache"
    assert (cache / MANIFEST).is_file()
    assert list((cache / "images").rglob("*")) and list((cache / "qr").rglob("*"))
    assert list((cache / "search").rglob("*"))
    assert not [p for p in cache.rglob(".tmp-*")]


def test_the_switch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DANGJIAN_NO_CACHE", raising=False)
    assert cache_folder(tmp_path) == tmp_path / ".cache"
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "0")
    assert cache_folder(tmp_path) == tmp_path / ".cache"
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    assert cache_folder(tmp_path) is None


# --- images and QR codes ---------------------------------------------------------------------------------


def web_image(source: Path) -> WebImage:
    return describe(source, "照片", "media/brands/demo", 0)


def only_entry(cache: Path, kind: str) -> Path:
    files = [p for p in (cache / kind).rglob("*") if p.is_file()]
    assert len(files) == 1, files
    return files[0]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda b: b[: len(b) // 2],
    "empty": lambda b: b"",
    "flipped byte": lambda b: b[:100] + bytes([b[100] ^ 0x40]) + b[101:],
    "garbage": lambda b: b"not a cache entry at all\n" * 40,
    "checksum cut": lambda b: b[:-1],
}


def test_encode_is_cached(tmp_path: Path) -> None:
    image = web_image(jpeg(tmp_path / "hall.jpg", (200, 40, 40)))
    reference = encode(image)
    assert [r.width for r in image.renditions] == [480, 960]
    cache = tmp_path / ".cache"
    with counting() as c:
        assert encode(image, cache) == reference
        assert encode(image, cache) == reference
    assert len(c["encode"].calls) == 1


@pytest.mark.parametrize("change", ["code version", "source", "Pillow"])
def test_another_encoder_does_not_meet_the_old_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       change: str) -> None:
    image = web_image(png(tmp_path / "hall.png", (200, 40, 40)))
    cache = tmp_path / ".cache"
    encode(image, cache)
    if change == "code version":
        monkeypatch.setattr(images_module, "CODE_VERSION", images_module.CODE_VERSION + 1)
    elif change == "source":
        monkeypatch.setattr(images_module, "source_digest", lambda path: "an edited images.py")
    else:
        monkeypatch.setattr(images_module, "pillow_versions", lambda: ("99.0.0",))
    with counting() as c:
        encode(image, cache)
    assert len(c["encode"].calls) == 1


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_image_entry_is_rebuilt(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    image = web_image(jpeg(tmp_path / "hall.jpg", (200, 40, 40)))
    reference = encode(image)
    cache = tmp_path / ".cache"
    encode(image, cache)
    entry = only_entry(cache, "images")
    entry.write_bytes(damage(entry.read_bytes()))
    with counting() as c:
        assert encode(image, cache) == reference
    assert len(c["encode"].calls) == 1
    assert unpack(entry.read_bytes()) == list(reference.values())  # written again, whole


def test_changed_image_bytes_change_the_output(tmp_path: Path) -> None:
    source = png(tmp_path / "hall.png", (200, 40, 40))
    cache = tmp_path / ".cache"
    before = encode(web_image(source), cache)
    png(source, (40, 40, 200))  # same name, same size, other pixels
    after = encode(web_image(source), cache)
    assert after.keys() == before.keys()
    assert all(after[k] != before[k] for k in after)
    assert after == encode(web_image(source))


def test_clean_copy_is_cached_and_failures_are_not(tmp_path: Path) -> None:
    data = jpeg(tmp_path / "p.jpg", (10, 120, 10), (300, 200)).read_bytes()
    cache = tmp_path / ".cache"
    with counting() as c:
        assert clean_copy(data, ".jpg", cache) == clean_copy(data, ".jpg") == clean_copy(data, ".jpg", cache)
        for _ in range(2):
            with pytest.raises(ImageProblem):
                clean_copy(data, ".png", cache)  # a JPEG named .png: refused every time
    assert len(c["clean_copy"].calls) == 4  # cached, uncached, then the two refusals


def test_qr_files_are_cached_and_rebuilt_when_damaged(tmp_path: Path) -> None:
    url = "https://dangjian.example.gov.cn/towns/a/b/"
    cache = tmp_path / ".cache"
    with counting() as c:
        assert qr_files(url, cache) == (qr_svg(url), qr_png(url))
        calls = len(c["qr"].calls)
        assert qr_files(url, cache) == (qr_svg(url), qr_png(url))
        assert len(c["qr"].calls) == calls + 2  # only the two reference calls
        entry = only_entry(cache, "qr")
        entry.write_bytes(entry.read_bytes()[:-5])
        assert qr_files(url, cache) == (qr_svg(url), qr_png(url))
        assert len(c["qr"].calls) == calls + 5
    assert qr_files("https://dangjian.example.gov.cn/towns/a/c/", cache)[0] != qr_svg(url)


def test_keys_keep_their_parts_apart() -> None:
    keys = {cache_key("ab", "c"), cache_key("a", "bc"), cache_key(b"ab", "c"), cache_key("abc"), cache_key(1),
            cache_key("1"), cache_key(b"1"), cache_key([1, 2]), cache_key(1, 2), cache_key()}
    assert len(keys) == 10


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x", encoding="utf-8")
    image = web_image(png(tmp_path / "hall.png", (1, 2, 3)))
    assert encode(image, blocked) == encode(image)
    assert read_entry(blocked, "images", "00" * 32) is None


def test_writers_and_readers_at_the_same_time(tmp_path: Path) -> None:
    """Readers see a whole entry or none, whichever of the writers came last; no temporary file is left."""
    cache = tmp_path / ".cache"
    versions = [[b"a" * 200_000, b"b" * 1000], [b"c" * 150_000]]
    seen: list[list[bytes] | None] = []
    stop = threading.Event()

    def write(blobs: list[bytes]) -> None:
        for _ in range(40):
            write_entry(cache, "test", "ab" * 32, blobs)

    def read() -> None:
        while not stop.is_set():
            seen.append(read_entry(cache, "test", "ab" * 32))

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(versions[i % 2],)) for i in range(4)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert seen and all(s is None or s in versions for s in seen)
    assert read_entry(cache, "test", "ab" * 32) in versions
    assert [p.name for p in (cache / "test").rglob("*") if p.is_file()] == ["ab" * 32]
    assert unpack(pack([])) == [] and unpack(pack([b""])) == [b""]


# --- the output check -------------------------------------------------------------------------------------


@dataclass
class Checked:
    site: Path
    cache: Path
    theme: Path
    allow: list[str]

    def verify(self, cached: bool = True, allow: list[str] | None = None) -> tuple[list[str], list[str]]:
        """The findings, and the files read in full."""
        with counting() as c:
            findings = verify_site(self.site, SITE_URL, self.allow if allow is None else allow, theme=self.theme,
                                   cache_dir=self.cache if cached else None)
        return [str(f) for f in findings], [args[1] for args in c["scan"].calls]


@pytest.fixture
def checked(sample: Sample, tmp_path: Path) -> Checked:
    """A copy of the built sample and of the manifest its build left (the check is warm)."""
    site = tmp_path / "site"
    shutil.copytree(sample.warm, site)
    cache = tmp_path / ".cache"
    (cache / MANIFEST).parent.mkdir(parents=True)
    shutil.copy(sample.project / ".cache" / MANIFEST, cache / MANIFEST)
    return Checked(site, cache, sample.project / "theme", sample.allow)


def test_warm_check_reads_no_unchanged_file(checked: Checked) -> None:
    assert checked.verify() == ([], [])
    findings, scanned = checked.verify(cached=False)
    assert findings == [] and len(scanned) > 200


def test_planted_personal_information_is_found(checked: Checked) -> None:
    page = checked.site / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", "<p>联系人手机 13812345678</p></article>", 1), encoding="utf-8")
    findings, scanned = checked.verify()
    assert scanned == ["about/index.html"]
    assert len(findings) == 1 and findings[0].startswith("about/index.html: ") and "138" in findings[0]
    assert checked.verify() == (findings, scanned)  # a file with a finding is not remembered as clean
    assert checked.verify(cached=False)[0] == findings


def test_a_removed_link_target_is_found_in_unchanged_pages(checked: Checked) -> None:
    (checked.site / "towns/songshi/moxi/qr.svg").unlink()
    findings, scanned = checked.verify()
    assert findings == checked.verify(cached=False)[0]
    assert any(f.startswith("towns/songshi/moxi/index.html: ") and "qr.svg" in f for f in findings), findings
    assert {f.split(":")[0] for f in findings} <= set(scanned)
    assert 0 < len(scanned) < 10  # only the pages that link to it were read again


def test_a_removed_link_target_is_found_in_pages_that_are_still_the_inodes_verified(checked: Checked) -> None:
    """A file still the very inode that verified clean is not read, unless a file it names has gone."""
    assert checked.verify() == ([], [])  # the manifest now names these files' inodes (the copy's)
    (checked.site / "towns/songshi/moxi/qr.svg").unlink()
    findings, scanned = checked.verify()
    assert any(f.startswith("towns/songshi/moxi/index.html: ") and "qr.svg" in f for f in findings), findings
    assert findings == checked.verify(cached=False)[0]
    assert 0 < len(scanned) < 10


def test_a_changed_allow_list_is_not_hidden_by_the_manifest(checked: Checked) -> None:
    allow = [a for a in checked.allow if "@" not in a]
    findings, scanned = checked.verify(allow=allow)
    assert findings and findings == checked.verify(cached=False, allow=allow)[0]
    assert len(scanned) > 200  # another verifier version: the manifest is not used


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_manifest_means_a_full_check(checked: Checked, damage: Callable[[bytes], bytes]) -> None:
    manifest = checked.cache / MANIFEST
    manifest.write_bytes(damage(manifest.read_bytes()))
    findings, scanned = checked.verify()
    assert findings == [] and len(scanned) > 200
    assert checked.verify() == ([], [])  # written again


def test_a_parallel_check_keeps_the_same_manifest(checked: Checked, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files checked on every core come back with what they looked up: the manifest is the serial one."""
    manifest = checked.cache / MANIFEST
    manifest.unlink()
    assert checked.verify()[0] == []
    serial = manifest.read_bytes()
    manifest.unlink()
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 1)
    assert checked.verify()[0] == []
    assert manifest.read_bytes() == serial
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 10**9)
    assert checked.verify() == ([], [])


def test_an_image_replaced_under_the_same_name_is_described_anew(tmp_path: Path) -> None:
    """Image headers are kept per version of the file: the same path with new pixels gives the new sizes."""
    source = png(tmp_path / "photo.png", (200, 30, 30), (1200, 800))
    assert (describe(source, "照片", "media/brands/demo", 0).large.width,
            describe(source, "照片", "media/brands/demo", 0).large.height) == (960, 640)
    png(source, (200, 30, 30), (400, 800))
    assert (describe(source, "照片", "media/brands/demo", 0).large.width,
            describe(source, "照片", "media/brands/demo", 0).large.height) == (400, 800)
    source.write_bytes(b"not an image")
    with pytest.raises(ImageProblem):
        describe(source, "照片", "media/brands/demo", 0)


def test_prune_removes_only_old_entries_of_its_kind(tmp_path: Path) -> None:
    long_ago = time.time() - (cache.KEEP_DAYS + 1) * 86400
    old, fresh = tmp_path / "pages" / "ab" / ("a" * 64), tmp_path / "pages" / "ab" / ("b" * 64)
    other_kind, deeper = tmp_path / "search" / "ab" / ("c" * 64), tmp_path / "pages" / "ab" / "sub" / "x"
    outside = tmp_path / "outside"
    link = tmp_path / "pages" / "ab" / ("d" * 64)
    for path in (old, fresh, other_kind, deeper, outside):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    link.symlink_to(outside)
    for path in (old, other_kind, deeper, outside):
        os.utime(path, (long_ago, long_ago))
    os.utime(link, (long_ago, long_ago), follow_symlinks=False)
    assert cache.prune(tmp_path, "pages") == 1
    assert not old.exists()
    assert all(p.exists() for p in (fresh, other_kind, deeper, outside)) and link.is_symlink()
    old.write_bytes(b"x")
    os.utime(old, (long_ago, long_ago))
    assert cache.prune(tmp_path, "pages") == 0 and old.exists()  # walked less than a day ago
    assert cache.prune(tmp_path, "pages", now=time.time() + cache.PRUNE_EVERY_S + 1) == 1 and not old.exists()
    assert cache.prune(None, "pages") == 0 and cache.prune(tmp_path / "none", "pages") == 0


def test_an_entry_in_use_is_marked_used_at_most_daily(tmp_path: Path) -> None:
    """``read_used`` reads what ``read_entry`` reads, and touches the entry only when it was last marked a day ago
    or more (pruning keeps a week), saying whether it did; no entry, or a damaged one, reads as None."""
    cache.write_entry(tmp_path, "pages", "ab" * 32, [b"one", b"two"])
    path = cache.entry_path(tmp_path, "pages", "ab" * 32)
    for age, marked in ((cache.TOUCH_EVERY_S + 60, True), (cache.TOUCH_EVERY_S - 60, False)):
        then = time.time() - age
        os.utime(path, (then, then))
        assert cache.read_used(tmp_path, "pages", "ab" * 32) == ([b"one", b"two"], marked)
        assert (path.stat().st_mtime > then + 30) is marked
    assert cache.read_used(tmp_path, "pages", "cd" * 32) == (None, False)
    path.write_bytes(path.read_bytes()[:-1])
    assert cache.read_used(tmp_path, "pages", "ab" * 32) == (None, False)
