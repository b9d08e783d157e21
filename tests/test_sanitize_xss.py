"""Safe rendering: known XSS vectors in records and content/ leave no executable trace in ANY output file.

The vectors go into brand bodies (Markdown), brand names and alt texts, pledge titles and targets,
community and town names (page titles, nav), commendations, activities, site_config.yml text and a
content/ page (body, heading, front matter).  The build must succeed, and a detector written here —
independent of generator/verify.py — then reads every file of the site.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from support import REPO, TRUST, copy_project
from trust_util import approved, build, pledge, write_yaml

from generator.engine import search_parts
from generator.engine.material import sanitize_content_page as sanitize_page
from generator.pages.markup import render_markdown, safe_link, sanitize

VECTORS = [
    '<script>alert("XSS-01")</script>',
    '<iframe src="https://evil.example/XSS-02"></iframe>',
    '<svg onload=alert("XSS-03")>',
    '<img src=x onerror=alert("XSS-04")>',
    "[点我](javascript:alert('XSS-05'))",
    "[点我](JaVaScRiPt:alert('XSS-06'))",
    "[点我](   javascript:alert('XSS-07'))",
    "[点我](&#106;avascript:alert('XSS-08'))",
    '<a href="&#106;&#97;vascript:alert(\'XSS-09\')">点我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=" title="XSS-10">点我</a>',
    '<p style="background:url(javascript:alert(\'XSS-11\'))">样式</p>',
    '<a href=" javascript:alert(\'XSS-12\')">点我</a>',
    '<a href="jav&#x09;ascript:alert(\'XSS-13\')">点我</a>',
    "![图](javascript:alert('XSS-14'))",
    '文字 {: onclick="alert(\'XSS-15\')" }',
    '<object data="javascript:alert(\'XSS-16\')"></object><embed src="javascript:alert(\'XSS-16\')">',
    '"><script>alert("XSS-17")</script>',
    "</title><script>alert('XSS-18')</script>",
    "<details open ontoggle=alert('XSS-19')>x</details>",
    '<a href="vbscript:msgbox(\'XSS-20\')">点我</a>',
    '<form action="javascript:alert(\'XSS-21\')"><button>提交</button></form>',
    '<base href="javascript:alert(\'XSS-22\')//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSS-23\')">',
    "<style>@import 'https://evil.example/XSS-24.css';</style>",
    "<javascript:alert('XSS-25')>",
    "[点我](data:text/html,<script>alert('XSS-26')</script>)",
    '<img src="https://evil.example/XSS-27.png" alt="远程图片">',
    '<a href="javascript&colon;alert(\'XSS-28\')">点我</a>',
    '<svg><a xlink:href="javascript:alert(\'XSS-29\')"><text>x</text></a></svg>',
    "&lt;script&gt;alert('XSS-30')&lt;/script&gt;",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("XSS-31")>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert('XSS-32')>\"></noscript>",
]
MARKER = re.compile(r"XSS-\d\d")
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset",
             "ping", "cite", "longdesc"}
ACTIVE = {"iframe", "frame", "object", "embed", "applet", "base"}
UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript):", re.I)
IGNORED = dict.fromkeys(range(0x21)) | {0x7F: None}


def _scheme_unsafe(value: str) -> bool:
    return bool(UNSAFE_SCHEME.match(value.translate(IGNORED)))


class _Traces(HTMLParser):
    """Collects executable traces: handlers, unsafe URLs, active elements, marked scripts or styles."""

    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.found: list[str] = []
        self.script: list[str] | None = None
        self.style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{self.where}: <{tag} {name}={value[:40]!r}>")
            elif name in URL_ATTRS and _scheme_unsafe(value):
                self.found.append(f"{self.where}: <{tag} {name}={value[:60]!r}>")
            elif name == "style" and (MARKER.search(value) or "url(" in value.lower()):
                self.found.append(f"{self.where}: <{tag} style={value[:60]!r}>")
            elif tag == "meta" and name == "content" and "url=" in value.lower() and _scheme_unsafe(
                    value.lower().split("url=", 1)[1]):
                self.found.append(f"{self.where}: <meta refresh {value[:60]!r}>")
            elif MARKER.search(value) and name in ("src", "href", "action", "srcset"):
                self.found.append(f"{self.where}: <{tag} {name}={value[:60]!r}> carries a vector's URL")
        if tag in ACTIVE:
            self.found.append(f"{self.where}: <{tag}> element")
        if tag == "script":
            self.script = []
        self.style = self.style or tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)
        elif self.style and MARKER.search(data):
            self.found.append(f"{self.where}: <style> {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            body = "".join(self.script)
            if MARKER.search(body):
                self.found.append(f"{self.where}: <script> {body[:60]!r}")
            self.script = None
        self.style = self.style and tag != "style"


def html_traces(text: str, where: str) -> list[str]:
    parser = _Traces(where)
    parser.feed(text)
    parser.close()
    return parser.found


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def _json_links(value: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(key, value)] if key in ("url", "href", "link", "src", "location", "image") else []
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _json_links(v, str(k))]
    if isinstance(value, list):
        return [x for v in value for x in _json_links(v, key)]
    return []


def file_traces(rel: str, data: bytes) -> list[str]:
    suffix = Path(rel).suffix.lower()
    if suffix in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".gz", ".woff2", ".woff", ".map"):
        return [f"{rel}: binary file carries a vector marker"] if MARKER.search(data.decode("latin-1")) else []
    text = data.decode("utf-8", "replace")
    if suffix in (".html", ".htm"):
        return html_traces(text, rel)
    if suffix in (".xml", ".svg", ".rss", ".atom"):
        found = []
        for el in ET.fromstring(data).iter():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            attrs = [(k.rsplit("}", 1)[-1].replace("href", "href"), v) for k, v in el.attrib.items()]
            found += html_traces(f"<{tag} " + " ".join(f'{k}="{_q(v)}"' for k, v in attrs) + ">", rel)
            if tag == "script":
                found.append(f"{rel}: <script> in XML")
            atom_text = isinstance(el.tag, str) and el.tag.startswith("{http://www.w3.org/2005/Atom}") and el.get(
                "type", "text") == "text"
            if el.text and "<" in el.text and not atom_text:
                found += html_traces(el.text, f"{rel} <{tag}> text")
        return found
    if search_parts.is_index(rel):  # Material shows these strings as HTML
        return [t for s in _json_strings(json.loads(text)) for t in html_traces(s, f"{rel} (HTML in JSON)")]
    if suffix in (".json", ".webmanifest"):  # data: text stays text, but links must be safe to follow
        return [f"{rel}: {k} is an unsafe URL {v[:60]!r}" for k, v in _json_links(json.loads(text))
                if _scheme_unsafe(v)]
    if suffix == ".csv":
        found = []
        for row in csv.reader(io.StringIO(text)):
            found += [f"{rel}: CSV cell starts a formula {c[:40]!r}" for c in row if c[:1] in ("=", "+", "@")]
        return found
    if MARKER.search(text):  # scripts, style sheets, anything else: a vector has no business there
        return [f"{rel}: contains {MARKER.search(text).group(0)}"]  # type: ignore[union-attr]
    return []


def _q(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _inject(project: Path) -> None:
    """Put every vector into every kind of published text."""
    pine = project / "communities" / "east-town" / "pine"
    brands = yaml.safe_load((pine / "brands.yml").read_text(encoding="utf-8"))
    garden = brands["brands"][0]
    garden["body"] = "## 品牌故事\n\n" + "\n\n".join(VECTORS) + "\n"
    garden["summary"] = VECTORS[0] + VECTORS[16]
    garden["theme"] = VECTORS[17]
    garden["images"][0]["alt"] = VECTORS[16] + VECTORS[3]
    garden["achievements"][0]["text"] = VECTORS[4]
    write_yaml(pine / "brands.yml", brands)
    write_yaml(pine / "pledges.yml", {"publication": approved(), "pledges": [
        pledge(f"xss-{i:02d}", v[:500], target=VECTORS[(i + 1) % len(VECTORS)], owner=VECTORS[(i + 2) % len(VECTORS)])
        for i, v in enumerate(VECTORS)]})
    write_yaml(pine / "activities.yml", {"publication": approved(), "activities": [
        {"date": dt.date(2025, 5, 1), "type": "集中服务", "title": v, "participants": 10,
         "summary": VECTORS[-1 - i]} for i, v in enumerate(VECTORS[:8])]})
    profile = (pine / "profile.yml").read_text(encoding="utf-8")
    # Names are printed in Markdown headings by the templates: Markdown syntax in them must stay inert.
    name = "松园" + VECTORS[17] + VECTORS[4] + VECTORS[13] + " " + VECTORS[14]
    profile = re.sub(r"^name: 松园社区$", lambda m: "name: " + json.dumps(name, ensure_ascii=False), profile,
                     flags=re.M)
    profile = profile.replace("goals: [建成一个党建品牌]", "goals: " + json.dumps(VECTORS[:6], ensure_ascii=False))
    (pine / "profile.yml").write_text(profile, encoding="utf-8")
    town = project / "communities" / "east-town" / "town.yml"
    town_name = json.dumps("东城" + VECTORS[16] + VECTORS[5] + " " + VECTORS[14], ensure_ascii=False)
    town.write_text(town.read_text(encoding="utf-8").replace("name: 东城街道", "name: " + town_name).replace(
        "summary: 东城街道下辖两个测试社区。", "summary: " + json.dumps(VECTORS[0], ensure_ascii=False)),
        encoding="utf-8")
    district = project / "communities" / "district.yml"
    district.write_text(district.read_text(encoding="utf-8").replace(
        "reason: 履诺到位, 群众满意。", "reason: " + json.dumps(VECTORS[6] + VECTORS[3], ensure_ascii=False)),
        encoding="utf-8")
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "contact: 联系电话 0000-12345678", "contact: " + json.dumps(VECTORS[17], ensure_ascii=False)).replace(
        "organiser: 青禾区党建信息中心(示例)", "organiser: " + json.dumps(VECTORS[16], ensure_ascii=False)),
        encoding="utf-8")
    front = {"title": VECTORS[17], "description": VECTORS[16]}
    (project / "content" / "attack.md").write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n# 攻击页 " + VECTORS[29] + "\n\n"
        + "\n\n".join(VECTORS) + "\n\n## " + VECTORS[17] + "\n", encoding="utf-8")
    (project / "content" / "heading.md").write_text("# " + VECTORS[29] + " &lt;/title&gt;&lt;script&gt;"
                                                      "alert('XSS-33')&lt;/script&gt;\n\n正文。\n", encoding="utf-8")


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(TRUST, tmp_path_factory.mktemp("xss") / "project")
    _inject(project)
    out = project.parent / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    return out


def test_vectors_reach_the_site(xss_site: Path) -> None:
    """The corpus really went through: its text is shown (escaped) on the pages."""
    board = next((xss_site / "towns").glob("*/pine/index.html")).read_text(encoding="utf-8")
    assert "XSS-05" in board and "XSS-17" in board
    assert "XSS-30" in (xss_site / "attack" / "index.html").read_text(encoding="utf-8")


def test_no_executable_trace_in_any_output_file(xss_site: Path) -> None:
    files = sorted(p for p in xss_site.rglob("*") if p.is_file())
    assert len(files) > 50
    found = [t for p in files for t in file_traces(p.relative_to(xss_site).as_posix(), p.read_bytes())]
    assert found == []


def test_no_third_party_or_remote_content(xss_site: Path) -> None:
    for p in xss_site.rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        assert "evil.example" not in re.sub(r"&[a-z]+;|&#\d+;", "", "".join(
            m.group(0) for m in re.finditer(r"<(?:img|link|script|iframe|style)[^>]*>", text))), p


# --- the three sanitizing layers, one by one ------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS)
def test_record_markdown_is_inert(vector: str) -> None:
    assert html_traces(render_markdown(vector), "brand body") == []


@pytest.mark.parametrize("vector", VECTORS)
def test_content_page_html_is_inert(vector: str) -> None:
    import markdown

    html = markdown.markdown(vector, extensions=["attr_list", "md_in_html", "tables"])
    assert html_traces(sanitize_page(html), "content page") == []


def test_record_images_must_stay_in_the_folder() -> None:
    for src in ("https://evil.example/a.png", "//evil.example/a.png", "/etc/a.png", "../../x/a.png",
                "images/../../a.png", "data:image/png;base64,AAAA"):
        assert "<img" not in sanitize(f'<img src="{src}" alt="x">').replace("<img alt", ""), src
    assert 'src="images/a.png"' in sanitize('<img src="images/a.png" alt="x">')


def test_link_schemes() -> None:
    assert safe_link("https://www.gov.cn/") and safe_link("mailto:a@b.cn") and safe_link("../a/")
    for bad in ("javascript:x", " JAVASCRIPT:x", "java\tscript:x", "&#106;avascript:x", "data:text/html,x",
                "vbscript:x"):
        assert not safe_link(bad), bad


def test_markdown_injection_in_templated_pages_is_scrubbed() -> None:
    """Record text that a template places in Markdown (a heading) cannot make a script link or handler."""
    import markdown

    from generator.pages.markup import SafeMarkdown

    md = markdown.Markdown(extensions=["attr_list", SafeMarkdown()])
    html = md.convert("# 社区 [x](javascript:alert(1)) {: onclick=\"alert(2)\" style=\"color:red\" }\n\n"
                      "![a](vbscript:x) [ok](https://www.gov.cn/)")
    assert html_traces(html, "heading") == []
    assert "https://www.gov.cn/" in html


def test_csv_exports_do_not_start_formulas(tmp_path: Path) -> None:
    """A community name such as =HYPERLINK(...) must reach data/*.csv as text (prefixed with ')."""
    project = tmp_path / "sample"
    for name in ("communities", "content", "site_config.yml"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, project / name)
    profile = project / "communities" / "chunhui" / "qingchuan" / "profile.yml"
    profile.write_text(re.sub(r"^name: .*$", 'name: "=HYPERLINK(\\"http://evil.example\\",\\"晴川\\")"',
                              profile.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    out = tmp_path / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    for csv_file in out.rglob("*.csv"):
        assert file_traces(csv_file.relative_to(out).as_posix(), csv_file.read_bytes()) == []


def test_content_pages_keep_structure_but_not_theme_ids() -> None:
    """Headings keep their ids (deep links), admonitions their classes; Material's own ids are refused."""
    html = ('<h1 id="about">关于</h1><h2 id="__drawer">抢占</h2><div class="admonition note evil">'
            '<p class="admonition-title">注意</p></div><td style="text-align: right; background: red">1</td>')
    clean = sanitize_page(html)
    assert '<h1 id="about">' in clean and 'id="__drawer"' not in clean
    assert 'class="admonition note"' in clean and "evil" not in clean
    button = sanitize_page('<p><a class="md-button md-button--primary evil" href="a/">办事</a></p>')
    assert 'class="md-button md-button--primary"' in button  # the theme's button classes stay allowed
    assert "background" not in clean
