"""Chinese text on the public pages uses full-width punctuation: no ASCII , ; : ( ) touching a Chinese
character, on every page of the sample site, whether the words come from templates, the rubric, the
scoring rules or records.  (CSV column names on the open-data page are quoted as the file spells them.)"""

from __future__ import annotations

import html
import re

from support import AS_OF, REPO

from generator.pages.typeset import cn_punct
from generator.pipeline import run

CJK = "\u4e00-\u9fff“”（）：，；。、"
HALF_WIDTH = re.compile(rf"(?<=[{CJK}])[,:;()]|[,:;(](?=[{CJK}])")


def _visible_text(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<code>.*?</code>", "", page, flags=re.S)
    body = re.sub(r"^---\n.*?\n---\n", "", body, flags=re.S)  # front matter is checked below, as YAML
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(re.sub(r"\{[#:.][^}]*\}", "", body))  # Markdown attribute lists, then entities


def test_no_half_width_punctuation_next_to_chinese_on_any_sample_page() -> None:
    result = run(REPO, AS_OF)
    assert result.output is not None
    found = []
    for name, page in sorted(result.output.pages.items()):
        text = _visible_text(page)
        if name == "data.md":  # the CSV columns are named as in the file, e.g. 镇(街道)
            text = text.split("scores.csv 列", 1)[0]
        found += [f"{name}: …{text[max(0, m.start() - 12):m.end() + 12]}…" for m in HALF_WIDTH.finditer(text)]
    assert found == []


def test_typesetting_changes_only_marks_that_touch_chinese() -> None:
    assert cn_punct("计算:核查①书记学历;②证书(全部做到)") == "计算：核查①书记学历；②证书（全部做到）"
    assert cn_punct("学历:本科 (记录:profile.yml:13)") == "学历：本科（记录：profile.yml:13）"
    assert cn_punct("天数（考核年度累计）:16名") == "天数（考核年度累计）：16名"
    assert cn_punct("1,000 people; a(b)") == "1,000 people; a(b)"
    assert cn_punct("见 https://x.cn/a,文") == "见 https://x.cn/a,文"  # addresses are never touched
