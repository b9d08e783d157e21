"""Each distinct run of Chinese is segmented once per process, into the words jieba itself gives."""

from __future__ import annotations

import jieba

from generator.engine.mkdocs_search import segment_once


def test_the_kept_words_are_jiebas_and_a_run_is_cut_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = "社区党组织书记带领党员志愿者走访独居老人".encode()
    expected = list(jieba.dt.cut(text))  # the tokenizer's own words, before any memo
    calls: list[object] = []
    real = jieba.cut

    def counted(sentence, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sentence)
        return real(sentence, *args, **kwargs)

    monkeypatch.setattr(jieba, "cut", counted)
    segment_once()
    assert list(jieba.cut(text)) == expected
    assert list(jieba.cut(text)) == expected
    assert calls == [text]  # cut once, kept after
    assert list(jieba.cut(text, cut_all=True)) == list(real(text, cut_all=True))  # other calls pass through
    assert len(calls) == 2
