"""Output checks (generator/verify.py): links resolve, no third-party hosts, nothing unsafe, no PII.

Small hand-made site trees show each check firing and each deliberate exception staying quiet;
the last tests run the checks over the built sample district and through the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import AS_OF_ARG, REPO, TRUST, cli, copy_project
from trust_util import PII_ALLOW, SITE_URL

from generator.engine.verify import Finding, verify_site
from generator.messages import msg


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """What each check finds, in the English catalogue (the Chinese wording is tested on its own below)."""
    monkeypatch.setenv("DANGJIAN_LANG", "en")


def page(body: str = "", head: str = "") -> str:
    """A page shaped like Material's: theme chrome around a content area."""
    return (f'<!doctype html><html><head><meta charset="utf-8">{head}'
            '<link rel="stylesheet" href="../assets/main.css"></head><body>'
            '<script>__md_scope=new URL("..",location)</script>'
            f'<div class="md-content" data-md-component="content"><article>{body}</article></div>'
            '<script src="../assets/javascripts/bundle.0123abcd.min.js"></script></body></html>')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for rel, text in {
        "index.html": page().replace("../", ""),
        "a/index.html": page('<p><a href="../b/">b</a> <img src="../media/x.png" alt="图"></p>'),
        "b/index.html": page(),
        "assets/main.css": 'body{background:url("data:image/svg+xml;charset=utf-8,<svg xmlns=\'http://www.w3.org/'
                           '2000/svg\'/>")} .x{background:url(../media/x.png)}',
        "assets/javascripts/bundle.0123abcd.min.js": 'load("https://unpkg.com/mermaid@11/dist/mermaid.min.js")',
        "media/x.png": "png",
        "sitemap.xml": f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       f"<url><loc>{SITE_URL}a/</loc></url></urlset>",
        "search/search_index.json": '{"docs": [{"location": "a/", "title": "A", "text": ""}]}',
        "qr/a.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M0 0h1"/></svg>',
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def findings(site: Path) -> list[str]:
    return [str(f) for f in verify_site(site, SITE_URL, PII_ALLOW)]


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(text, encoding="utf-8")


def test_clean_site_has_no_findings(site: Path) -> None:
    """Namespace URIs, data: images in CSS and Material's dormant bundle URLs are not references."""
    assert findings(site) == []


@pytest.mark.parametrize(("body", "expected"), [
    ('<a href="../missing/">x</a>', "a/index.html: broken-link: ../missing/ does not exist in the site"),
    ('<img src="../media/none.png" alt="">', "a/index.html: broken-link: ../media/none.png does not exist"),
    ('<a href="/nowhere/">x</a>', "a/index.html: broken-link: /nowhere/ does not exist in the site"),
    ('<a href="../../../etc/passwd">x</a>', "a/index.html: broken-link: ../../../etc/passwd points outside the site"),
    (f'<a href="{SITE_URL}gone/">x</a>', f"a/index.html: broken-link: {SITE_URL}gone/ does not exist"),
    ('<a href="../b/#part">x</a><a href="#top">x</a><a href="../b/index.html?x=1">x</a><a href="../b">x</a>', None),
])
def test_internal_links_resolve(site: Path, body: str, expected: str | None) -> None:
    write(site, "a/index.html", page(body))
    found = findings(site)
    assert (found == []) if expected is None else any(f.startswith(expected) for f in found), found


@pytest.mark.parametrize(("head", "body", "expected"), [
    ('<script src="https://unpkg.com/x.js"></script>', "", "third-party: <script> loads from unpkg.com"),
    ('<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">', "",
     "third-party: <link> loads from fonts.googleapis.com"),
    ('<meta property="og:image" content="https://cdn.example.com/a.png">', "",
     "third-party: <meta og:image> loads from cdn.example.com"),
    ('<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">', "",
     "third-party: <meta> loads from elsewhere.example"),
    ("", '<img srcset="../media/x.png 1x, https://cdn.example.com/b.png 2x" src="../media/x.png" alt="">',
     "third-party: <img> loads from cdn.example.com"),
    ("", '<p style="background:url(https://cdn.example.com/bg.png)">x</p>', "third-party: <css> loads from cdn"),
    ("<style>@import 'https://cdn.example.com/x.css';</style>", "", "third-party: <css> loads from cdn.example.com"),
    ("", '<form action="https://collect.example.com/"><button>x</button></form>',
     "third-party: <form> loads from collect.example.com"),
    ("", '<pre class="mermaid">graph LR</pre>', "third-party: a mermaid diagram makes the theme load unpkg.com"),
    ("", '<a data-md-component="source" href="../b/">repo</a>', "third-party: repo_url makes the theme call"),
])
def test_no_request_to_third_party_hosts(site: Path, head: str, body: str, expected: str) -> None:
    write(site, "a/index.html", page(body, head))
    found = findings(site)
    assert any(expected in f for f in found), found


def test_links_out_are_allowed_but_only_http(site: Path) -> None:
    """A resident's click on a link to another site is not a request made by the page."""
    write(site, "a/index.html", page('<a href="https://www.gov.cn/">中国政府网</a> <a href="mailto:x@y.cn">x</a>'))
    assert findings(site) == ["a/index.html: pii: personal information in a link: e-mail address x***@y.cn"]


@pytest.mark.parametrize(("rel", "text", "expected"), [
    ("assets/app.css", "@import url(https://cdn.example.com/a.css);", "assets/app.css: third-party: <css> loads"),
    ("assets/javascripts/ours.js", 'fetch("https://api.example.com/x")', "script refers to api.example.com"),
    ("sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://other.example/'
                    "</loc></url></urlset>", "sitemap.xml: third-party: <loc> loads from other.example"),
    ("feed.xml", '<feed xmlns="http://www.w3.org/2005/Atom"><icon>https://cdn.example.com/i.png</icon></feed>',
     "feed.xml: third-party: <icon> loads from cdn.example.com"),
    ("feed.xml", '<rss><channel><item><description>&lt;img src="https://cdn.example.com/t.png"&gt;'
                 "</description></item></channel></rss>", "feed.xml: third-party: <img> loads from cdn"),
    ("search/search_index.json", '{"docs": [{"location": "gone/#x", "title": "", "text": ""}]}',
     "search/search_index.json: broken-link: gone/#x does not exist"),
])
def test_other_file_types(site: Path, rel: str, text: str, expected: str) -> None:
    write(site, rel, text)
    found = findings(site)
    assert any(f.startswith(expected) or expected in f for f in found), found


@pytest.mark.parametrize(("body", "expected"), [
    ('<img src="../media/x.png" alt="" onerror="alert(1)">', "unsafe: <img> has an event handler attribute onerror"),
    ('<a href="javascript:alert(1)">x</a>', "unsafe: <a> URL with scheme 'javascript:'"),
    ('<a href=" JaVa&#x09;Script:alert(1)">x</a>', "unsafe: <a> URL with scheme 'JaVaScript:'"),
    ('<a href="data:text/html,x">x</a>', "unsafe: <a> URL with scheme 'data:'"),
    ('<iframe src="../b/"></iframe>', "unsafe: <iframe> element"),
    ("<script>alert(1)</script>", "unsafe: inline <script> in page content (alert(1))"),
])
def test_unsafe_markup(site: Path, body: str, expected: str) -> None:
    write(site, "a/index.html", page(body))
    found = findings(site)
    assert any(expected in f for f in found), found


@pytest.mark.parametrize(("cell", "flagged"), [
    ('"=HYPERLINK(""http://evil.example"",""x"")"', True), ("+cmd", True), ("@SUM(A1)", True), ("-2+3", True),
    ("-5", False), ("+3.5", False), ("12%", False), ("'=escaped", False), ("晴川社区", False),
])
def test_csv_cells_that_run_as_formulas(site: Path, cell: str, flagged: bool) -> None:
    write(site, "data/scores.csv", f"community,total\nchunhui/qingchuan,{cell}\n")
    found = [f for f in findings(site) if "spreadsheet formula" in f]
    assert bool(found) == flagged, found


def test_atom_text_is_not_html(site: Path) -> None:
    """An Atom summary without type="html" is plain text: escaped markup in it is just words."""
    write(site, "feed.xml", '<feed xmlns="http://www.w3.org/2005/Atom"><entry><summary>&lt;script&gt;alert(1)'
                            '&lt;/script&gt;&lt;img src="https://cdn.example.com/a.png"&gt;</summary></entry></feed>')
    assert findings(site) == []


def test_inline_scripts_of_our_templates_and_the_theme_chrome_are_known(site: Path) -> None:
    from generator.engine.verify import template_scripts

    known = sorted(template_scripts(REPO / "generator" / "templates"))
    body = "".join(f"<script>{s}</script>" for s in known)
    write(site, "a/index.html", page(body, head="<script>document.documentElement.classList.add('js')</script>"))
    assert findings(site) == []


def test_svg_files_cannot_carry_scripts(site: Path) -> None:
    write(site, "qr/a.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
                            '<a href="javascript:alert(3)"><text>x</text></a></svg>')
    found = findings(site)
    assert "qr/a.svg: unsafe: <script> in SVG" in found
    assert "qr/a.svg: unsafe: <svg> has an event handler attribute onload" in found
    assert any(f.startswith("qr/a.svg: unsafe: <a> URL with scheme 'javascript:'") for f in found)


def test_html_files_outside_the_theme_are_checked_whole(site: Path) -> None:
    """A page the theme did not wrap (e.g. copied from content/) has no chrome to trust."""
    write(site, "raw.html", "<html><head><script>alert(1)</script></head><body></body></html>")
    assert findings(site) == ["raw.html: unsafe: inline <script> in page content (alert(1))"]


@pytest.mark.parametrize(("rel", "text", "kind"), [
    ("a/index.html", page("<p>书记手机 13812345678</p>"), "mobile number 138****5678"),
    ("a/index.html", page('<img src="../media/x.png" alt="王某 320502199003071230">'), "resident ID number"),
    ("data/pledges.json", '{"owner": "联系 zhang@example.com"}', "e-mail address z***@example.com"),
    ("data/pledges.csv", "title,owner\n助老,4111 1111 1111 1111\n", "bank card number 4111********1111"),
    ("search/search_index.json", '{"docs": [{"location": "a/", "title": "", "text": "13812345678"}]}', "mobile"),
    ("media/13812345678.png", "png", "mobile number"),
])
def test_personal_information_in_output(site: Path, rel: str, text: str, kind: str) -> None:
    write(site, rel, text)
    found = [f for f in findings(site) if ": pii: " in f]
    assert len(found) == 1 and kind in found[0] and found[0].startswith(rel), found
    assert "13812345678 " not in found[0].split(": pii: ")[1]


def test_allow_listed_numbers_pass(site: Path) -> None:
    write(site, "a/index.html", page("<p>办公电话 0000-12345678,值班手机 138 1234 5678</p>"))
    assert verify_site(site, SITE_URL, [*PII_ALLOW, "13812345678"]) == []


def test_finding_text_in_each_language(monkeypatch: pytest.MonkeyPatch) -> None:
    finding = Finding("a/index.html", "broken-link", msg("verify.missing", shown="x"))
    assert str(finding) == "a/index.html: broken-link: x does not exist in the site"
    monkeypatch.setenv("DANGJIAN_LANG", "zh")
    assert str(finding) == "a/index.html: 链接失效: x 在网站中不存在"


def test_sample_district_passes(tmp_path: Path) -> None:
    """The sample site (communities/ and content/ of this repository) builds and verifies clean."""
    out = tmp_path / "site"
    result = cli("build", "-p", str(REPO), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output
    sample_allow = yaml.safe_load((REPO / "site_config.yml").read_text(encoding="utf-8"))["pii_allow"]
    assert verify_site(out, SITE_URL, sample_allow) == []
    check = cli("verify", str(out), "-p", str(REPO))
    assert check.exit_code == 0 and check.stdout.startswith("ok: "), check.output


def test_verify_command_lists_findings(tmp_path: Path, site: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    write(site, "a/index.html", page('<a href="../gone/">x</a>'))
    result = cli("verify", str(site), "-p", str(project))
    assert result.exit_code == 1
    assert f"error: {site}/a/index.html: broken-link: ../gone/ does not exist in the site" in result.stderr
    zh = cli("verify", str(site), "-p", str(project), "--lang", "zh")
    assert f"错误：{site}/a/index.html: 链接失效: ../gone/ 在网站中不存在" in zh.stderr
    assert zh.stderr.endswith(f"在 {sum(1 for p in site.rglob('*') if p.is_file())} 个文件中发现 1 处问题。\n")


def test_parallel_scan_reports_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large sites are scanned on every core; a finding in any page still surfaces."""
    import generator.engine.verify as verify_module

    site = tmp_path / "site"
    site.mkdir()
    for i in range(5):
        (site / f"p{i}.html").write_text('<!doctype html><html lang="zh"><head><title>t</title></head><body>'
                                         f'<a href="p{(i + 1) % 5}.html">下一页</a></body></html>', encoding="utf-8")
    (site / "p3.html").write_text('<!doctype html><html lang="zh"><head><title>t</title>'
                                  '<script src="https://cdn.example.com/x.js"></script></head><body></body></html>',
                                  encoding="utf-8")
    serial = verify_module.verify_site(site, "https://dangjian.example.gov.cn/", [])
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 1)
    parallel = verify_module.verify_site(site, "https://dangjian.example.gov.cn/", [])
    assert parallel == serial
    assert any("cdn.example.com" in str(f) for f in parallel)
