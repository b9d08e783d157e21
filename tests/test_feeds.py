"""Atom feed of commendations, new brands and completed pledges: dates from records, stable order."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from boards_util import context_for, district_output, render_boards

from generator.pages.feeds import atom_feed, feed_entries

A = "{http://www.w3.org/2005/Atom}"


def _parse(data: bytes) -> ET.Element:
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(data)


def test_feed_has_the_three_kinds_newest_first() -> None:
    _, output = district_output()
    feed = _parse(output.files["feed.xml"])
    entries = feed.findall(f"{A}entry")
    kinds = [e.find(f"{A}category").get("term") for e in entries]  # type: ignore[union-attr]
    assert set(kinds) == {"commendation", "brand", "pledge"}
    dates = [e.findtext(f"{A}updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    titles = [e.findtext(f"{A}title") for e in entries]
    assert "承诺已完成：楼道照明 <维修> & 巡查（晴川社区）" in titles
    assert "表彰：2026年度社区党建示范品牌" in titles
    assert "党建品牌：荷邻里（新苑社区）" in titles
    # Not completed: ongoing, overdue and not-started pledges are not announced.
    assert not any("垃圾分类" in (t or "") for t in titles)


def test_entry_dates_and_links_come_from_records() -> None:
    context, _ = district_output()
    entries = {e.key: e for e in feed_entries(context)}
    assert entries["chengnan/qingchuan/stair-lights"].date == dt.date(2025, 12, 30)
    assert entries["chengnan/qingchuan/stair-lights"].link == (
        "https://dangjian.example.gov.cn/towns/chengnan/qingchuan/pledges/#pledge-stair-lights")
    assert entries["model-2026"].link == "https://dangjian.example.gov.cn/brands/elder-canteen/"
    assert entries["lotus-neighbours"].date == dt.date(2025, 5, 1)


def test_feed_metadata_is_valid_atom_without_a_clock() -> None:
    _, output = district_output()
    feed = _parse(output.files["feed.xml"])
    assert feed.findtext(f"{A}id") == "https://dangjian.example.gov.cn/"
    assert feed.findtext(f"{A}updated") == "2026-07-01T00:00:00+08:00"  # the newest entry, not today
    self_link = [link.get("href") for link in feed.findall(f"{A}link") if link.get("rel") == "self"]
    assert self_link == ["https://dangjian.example.gov.cn/feed.xml"]
    ids = [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")]
    assert len(ids) == len(set(ids)) and all(i.startswith("tag:dangjian.example.gov.cn,") for i in ids)  # type: ignore[union-attr]


def test_feed_bytes_do_not_depend_on_the_build_date_or_run() -> None:
    later = context_for(as_of=dt.date(2026, 12, 1))
    _, output = district_output()
    assert render_boards(later).files["feed.xml"] == output.files["feed.xml"]
    assert atom_feed(later, feed_entries(later)) == output.files["feed.xml"]
