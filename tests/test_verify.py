"""Output checks (generator/verify.py): links resolve, no third-party hosts, nothing unsafe, no PII.

Small hand-made site trees show each check firing and each deliberate exception staying quiet;
the last tests run the checks over the built sample district and through the CLI.
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image, PngImagePlugin
from support import AS_OF_ARG, REPO, TRUST, cli, copy_project
from trust_util import PII_ALLOW, SITE_URL

from generator.engine import material
from generator.engine.verify import Finding, verify_site
from generator.messages import msg

MATERIAL = material.templates_dir()
BUNDLE = next((MATERIAL / "assets" / "javascripts").glob("bundle.*.min.js"))
# Material's first inline script (in every page, before the content): its {{ base_url }} is the path to the root.
SCOPE = re.search(r"<script>(.*?)</script>", (MATERIAL / "partials/javascripts/base.html").read_text("utf-8"), re.S)
ID = "320502199003071230"  # a valid resident ID number (date and check digit)
ID_MASKED = "3205**********1230"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """What each check finds, in the English catalogue (the Chinese wording is tested on its own below)."""
    monkeypatch.setenv("DANGJIAN_LANG", "en")


def scope_script(base: str) -> str:
    assert SCOPE is not None
    return re.sub(r"\{\{.*?\}\}", base, SCOPE.group(1))


def page(body: str = "", head: str = "", *, up: str = "../", after: str = "") -> str:
    """A page shaped like Material's: theme chrome (with its real inline script and bundle) around a content area."""
    return (f'<!doctype html><html><head><meta charset="utf-8">{head}'
            f'<link rel="stylesheet" href="{up}assets/main.css"></head><body>'
            f"<script>{scope_script(up.rstrip('/') or '.')}</script>"
            f'<div class="md-content" data-md-component="content"><article>{body}</article></div>{after}'
            f'<script src="{up}assets/javascripts/{BUNDLE.name}"></script></body></html>')


def png(**text: str) -> bytes:
    """A 1×1 PNG image with text chunks."""
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg(description: str = "", comment: str = "", xp_comment: str = "") -> bytes:
    """A 1×1 JPEG image with an EXIF description and comment (UTF-16, as Windows writes it) and a COM segment."""
    exif = Image.Exif()
    if description:
        exif[0x010E] = description
    if xp_comment:
        exif[0x9C9C] = xp_comment.encode("utf-16-le")
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "JPEG", exif=exif, comment=comment.encode())
    return out.getvalue()


def pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (Latin letters and digits), written by hand."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >>"
               b" /Contents 5 0 R >>", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


SITEMAP = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           "<url><loc>{loc}</loc></url></urlset>")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for rel, data in {
        "index.html": page(up=""),
        "a/index.html": page('<p><a href="../b/">b</a> <img src="../media/x.png" alt="图"></p>'),
        "b/index.html": page(),
        "assets/main.css": 'body{background:url("data:image/svg+xml;charset=utf-8,<svg xmlns=\'http://www.w3.org/'
                           '2000/svg\'/>")} .x{background:url(../media/x.png)}',
        f"assets/javascripts/{BUNDLE.name}": BUNDLE.read_bytes(),
        "media/x.png": png(),
        "sitemap.xml": SITEMAP.format(loc=f"{SITE_URL}a/"),
        "search/search_index.json": '{"docs": [{"location": "a/", "title": "A", "text": ""}]}',
        "qr/a.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M0 0h1"/></svg>',
    }.items():
        write(root, rel, data)
    return root


def findings(site: Path) -> list[str]:
    return [str(f) for f in verify_site(site, SITE_URL, PII_ALLOW)]


def write(site: Path, rel: str, data: str | bytes) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


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
    ("search/towns/east.json", '{"docs": [{"location": "gone/#x", "title": "", "text": ""}]}',
     "search/towns/east.json: broken-link: gone/#x does not exist"),  # a town's part of the index
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
    ('<svg><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>',
     "unsafe: <set> URL with scheme 'javascript:'"),
    ('<svg><rect><set attributeName="onmouseover" to="alert(1)"/></rect></svg>',
     "unsafe: <set> has an event handler attribute onmouseover"),
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


def test_inline_scripts_of_our_templates_the_theme_and_material_are_known(site: Path) -> None:
    """In the content and in the chrome alike; a placeholder's value in Material's script is a site path."""
    from generator.engine.verify import template_scripts

    ours = template_scripts(REPO / "generator" / "pages" / "templates", REPO / "theme")
    theirs = template_scripts(MATERIAL, skip=material.UNTRUSTED_TEMPLATES)
    literal = sorted(s for s in ours | theirs if "{" + "{" not in s)
    assert any("data-sortable" in s for s in literal) and any("dj-large-text" in s for s in literal)
    polyfill = next(s for s in ours if "ResizeObserver" in s)
    write(site, "assets/javascripts/vendor/resize-observer-polyfill-1.5.1.js",
          (REPO / "theme/assets/javascripts/vendor/resize-observer-polyfill-1.5.1.js").read_bytes())
    scripts = "".join(f"<script>{s}</script>" for s in literal)
    polyfill = polyfill.replace(re.search(r"\{\{.*?\}\}", polyfill).group(0),  # type: ignore[union-attr]
                                "../assets/javascripts/vendor/resize-observer-polyfill-1.5.1.js")
    write(site, "a/index.html", page(scripts, head=scripts + f"<script>{polyfill}</script>", after=scripts))
    assert findings(site) == []


SCRIPT_CASES = {
    "in-head": (page(head="<script>alert(1)</script>"),
                "a/index.html: unsafe: inline <script> outside the page content (alert(1))"),
    "after-content": (page(after='<script>fetch("https://cdn.example.com/")</script>'),
                      'a/index.html: unsafe: inline <script> outside the page content (fetch("https://cdn.example.com/"))'),
    "module": (page(head='<script type="module">import("//cdn.example.com/x.js")</script>'),
               'a/index.html: unsafe: inline <script> outside the page content (import("//cdn.example.com/x.js"))'),
    "importmap": (page(head='<script type="importmap">{"imports": {"x": "//cdn.example.com/x.js"}}</script>'),
                  "a/index.html: unsafe: inline <script> outside the page content "
                  '({"imports": {"x": "//cdn.example.com/x.j…)'),
    "analytics": (page(head='<script>"undefined"!=typeof __md_analytics&&__md_analytics()</script>'),
                  "a/index.html: unsafe: inline <script> outside the page content "
                  '("undefined"!=typeof __md_analytics&&__md…)'),
    "placeholder-breaks-out": (page(head='<script>' + scope_script('..",location),alert(1)//') + "</script>"),
                               "a/index.html: unsafe: inline <script> outside the page content "
                               '(__md_scope=new URL("..",location),alert(…)'),
    "placeholder-value": (page(head="<script>" + scope_script("https://cdn.example.com/") + "</script>"),
                          "a/index.html: third-party: <script> loads from cdn.example.com (https://cdn.example.com/)"),
    "src-not-js": (page(head='<script src="../media/x.png"></script>'),
                   "a/index.html: unsafe: <script> source is not a .js file (../media/x.png)"),
    "search-worker": (page(head='<script id="__config" type="application/json">{"base": "..", '
                                '"search": "https://cdn.example.com/w.js"}</script>'),
                      "a/index.html: third-party: <script> loads from cdn.example.com (https://cdn.example.com/w.js)"),
}


@pytest.mark.parametrize(("html", "expected"), SCRIPT_CASES.values(), ids=SCRIPT_CASES.keys())
def test_scripts_anywhere_in_a_page_must_be_known(site: Path, html: str, expected: str) -> None:
    """Inline scripts in the head and after the content area too; src= and the search worker name site files."""
    write(site, "a/index.html", html)
    assert findings(site) == [expected]


REFRESH_CASES = {
    "url=": "0; url=https://cdn.example.com/", "no url=": "0;https://cdn.example.com/",
    "comma": "0, https://cdn.example.com/", "quoted": "3; URL = 'https://cdn.example.com/'",
    "no delay": "https://cdn.example.com/",
}


@pytest.mark.parametrize("content", REFRESH_CASES.values(), ids=REFRESH_CASES.keys())
def test_meta_refresh_in_any_form_is_a_request(site: Path, content: str) -> None:
    write(site, "a/index.html", page(head=f'<meta http-equiv="Refresh" content="{content}">'))
    assert findings(site) == ["a/index.html: third-party: <meta> loads from cdn.example.com (https://cdn.example.com/)"]


@pytest.mark.parametrize("rule", [
    '.y{background:image-set("https://cdn.example.com/a.png" 1x, url(../media/x.png) 2x)}',
    ".y{background:-webkit-image-set(url(https://cdn.example.com/a.png) 1x)}",
    ".y{background:u\\72l(https://cdn.example.com/a.png)}",
    '.y{background:\\75 rl("https://cdn.example.com/a.png")}',
    '@font-face{font-family:x;src:src("https://cdn.example.com/a.png")}',
    '@media screen{@import "https://cdn.example.com/a.png";}',
], ids=["image-set", "webkit-image-set", "escaped-url", "escaped-url-string", "src", "nested-import"])
def test_css_requests_whatever_their_spelling(site: Path, rule: str) -> None:
    write(site, "assets/main.css", f"@namespace svg url(http://www.w3.org/2000/svg);\n{rule}")
    assert findings(site) == ["assets/main.css: third-party: <css> loads from cdn.example.com "
                              "(https://cdn.example.com/a.png)"]


PII_CASES = {
    "comment": ("a/index.html", page(f"<!-- 王某 {ID} -->"), "personal information in a comment"),
    "style": ("a/index.html", page(head=f'<style>.x::after{{content:"{ID}"}}</style>'),
              "personal information in a style sheet"),
    "style-escaped": ("a/index.html", page('<p style="--x:\\33 20502199003071230">x</p>'),
                      "personal information in a style sheet"),
    "style-number": ("assets/main.css", f".x{{--id:{ID}}}", "personal information in a style sheet"),
    "data-attribute": ("a/index.html", page(f'<p data-x="{ID}">x</p>'), "personal information in the attribute data-x"),
    "class": ("a/index.html", page(f'<p class="x {ID}">x</p>'), "personal information in the attribute class"),
    "query": ("a/index.html", page(f'<a href="../b/?id={ID}">b</a>'),
              "personal information in a URL's query or fragment"),
    "fragment": ("a/index.html", page(f'<a href="#%33{ID[1:]}">b</a>'),
                 "personal information in a URL's query or fragment"),
    "character-reference": ("a/index.html", page(f"<p>&#51;{ID[1:]}</p>"), "personal information"),
    "json-script": ("a/index.html", page(head=f'<script type="application/json">{{"n": {ID}}}</script>'),
                    "personal information"),
    "sitemap": ("sitemap.xml", SITEMAP.format(loc=f"{SITE_URL}a/?id={ID}"),
                "personal information in a URL's query or fragment"),
    "sitemap-gz": ("sitemap.xml.gz", gzip.compress(SITEMAP.format(loc=f"{SITE_URL}a/?id={ID}").encode(), mtime=0),
                   "personal information in a URL's query or fragment"),
    "sitemap-comment": ("sitemap.xml", SITEMAP.format(loc=f"{SITE_URL}a/").replace("<url>", f"<!-- {ID} --><url>"),
                        "personal information in a comment"),
    "no-suffix": ("notes", f"王某 {ID}\n", "personal information"),
    "unknown-suffix": ("notes.bak", f"王某 {ID}\n", "personal information"),
    "png-text": ("media/x.png", png(Comment=f"王某 {ID}"), "personal information in the image metadata"),
    "jpeg-exif": ("media/p.jpg", jpeg(description=f"王某 {ID}"), "personal information in the image metadata"),
    "jpeg-xp-comment": ("media/p.jpg", jpeg(xp_comment=f"王某 {ID}"), "personal information in the image metadata"),
    "jpeg-comment": ("media/p.jpg", jpeg(comment=f"ID {ID}"), "personal information in the image metadata"),
    "pdf": ("docs/a.pdf", pdf(f"ID {ID}"), "personal information"),
    "svg-text": ("qr/a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><text>3205<tspan>0219900307</tspan>1230</text>'
                             "</svg>", "personal information"),
}


@pytest.mark.parametrize(("rel", "data", "where"), PII_CASES.values(), ids=PII_CASES.keys())
def test_resident_id_wherever_it_hides(site: Path, rel: str, data: str | bytes, where: str) -> None:
    write(site, rel, data)
    found = findings(site)
    assert found == [f"{rel}: pii: {where}: resident ID number {ID_MASKED}"]


def test_mobile_number_split_by_inline_tags(site: Path) -> None:
    """A browser shows 138<b>1234</b>5678 as one number; block elements and table cells stay apart."""
    write(site, "a/index.html", page("<p>书记 138<b>1234</b><span>5678</span></p>"
                                     "<table><tr><td>138</td><td>1234</td><td>5678</td></tr></table>"
                                     "<p>138</p><div>1234 5678</div><ul><li>13</li><li>812345678</li></ul>"))
    assert findings(site) == ["a/index.html: pii: personal information: mobile number 138****5678"]


def test_scripts_are_material_files_or_the_themes_byte_for_byte(site: Path) -> None:
    """A script file that neither ships may build its URLs in ways no reader can find."""
    write(site, "assets/javascripts/concat.js", 'var s=document.createElement("script");'
                                                's.src="https:"+"//cdn.example.com/x.js";document.head.append(s)')
    write(site, "assets/javascripts/import.mjs", 'import("//cdn" + ".example.com/x.js")')
    bundle = BUNDLE.read_bytes()
    assert b"unpkg.com" in bundle
    write(site, f"assets/javascripts/{BUNDLE.name}", bundle.replace(b"unpkg.com", b"cdn.ex.io"))  # same size
    write(site, "assets/javascripts/dangjian.js", (REPO / "theme/assets/javascripts/dangjian.js").read_bytes())
    unknown = [f for f in findings(site) if "script not shipped" in f]
    assert unknown == [f"assets/javascripts/{BUNDLE.name}: unsafe: script not shipped by Material or the theme",
                       "assets/javascripts/concat.js: unsafe: script not shipped by Material or the theme",
                       "assets/javascripts/import.mjs: unsafe: script not shipped by Material or the theme"]


@pytest.mark.parametrize(("rel", "data", "expected"), [
    ("blob", b"\x89\xff\x00binary", "blob: unreadable: unknown file type (not UTF-8 text)"),
    ("docs/b.pdf", b"%PDF-1.4 broken", "docs/b.pdf: unreadable: not a readable PDF: "),
    ("media/y.png", b"not a png", "media/y.png: unreadable: not a readable image: "),
    ("sitemap.xml.gz", b"\x1f\x8bnot gzip", "sitemap.xml.gz: unreadable: not a readable gzip file: "),
    ("a/index.html", b"<p>\xff\xfe</p>", "a/index.html: unreadable: not UTF-8 text"),
], ids=["binary-without-suffix", "pdf", "png", "gzip", "html-not-utf8"])
def test_files_that_cannot_be_read_are_findings(site: Path, rel: str, data: bytes, expected: str) -> None:
    write(site, rel, data)
    found = [f for f in findings(site) if ": unreadable: " in f]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_missing_site_folder(tmp_path: Path) -> None:
    assert findings(tmp_path / "none") == [f"{tmp_path / 'none'}: unreadable: site folder not found"]


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
