"""Scored communities kept between builds (``.cache/scores/``): a warm build scores only what changed.

Scoring a community's periods (``score.score_period``, the acceptance checks before it) reads that community's
published records, its town, the site's configuration and refinements, the rubric and the as-of date, nothing
of another community's: ranking, trends and freezing come after, on copies, in every build.  So a build keeps
each community's scored periods under a key that hashes all of that (``watch.community_keys``: every source
file that is no community's, the community's own files, ``--as-of`` and the generator's every file), and the
next build takes a community whose key it finds instead of scoring it again (``score_district``'s ``known``);
the scores are the same.  A community whose scoring said anything (an error or a warning) is not kept: it is
scored, and its messages worded, every time.

One entry per town: the keys of its kept communities, then each one's periods as bytes
(:mod:`generator.scoring.result_codec`).  A build rewrites a town's entry when its communities' keys are not
the ones the entry holds, with only this build's communities (so a new as-of date replaces, not adds).  As
for the clean scans, nothing is written if a source file changed while the build read them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from generator.cache import cache_key, read_entry, write_entry
from generator.errors import ErrorLog
from generator.records import watch
from generator.records.model import Community
from generator.records.watch import Snapshot
from generator.scoring import result_codec
from generator.scoring.result_codec import Refinements
from generator.scoring.score import Scored

KIND = "scores"
FORMAT = 1


def community_keys(sources: Snapshot, communities: Iterable[Community], as_of: dt.date) -> dict[str, str] | None:
    """Per community (key), what its scored periods depend on; None when the generator's version is unknown."""
    return watch.community_keys(sources, [c.key for c in communities], KIND, FORMAT, as_of.isoformat())


class ScoreStore:
    """The scored communities an earlier build kept, for one build, by town."""

    def __init__(self, folder: Path, keys: dict[str, str]) -> None:
        self.folder = folder
        self.keys = keys
        self.towns: dict[str, dict[str, str]] = {}  # town -> community -> its key, in this build
        for community, key in keys.items():
            self.towns.setdefault(community.split("/")[0], {})[community] = key
        self.kept: dict[str, dict[str, bytes]] = {}  # town -> a community's key -> its periods
        for town in sorted(self.towns):
            blobs = read_entry(folder, KIND, _entry(town))
            try:
                listed = json.loads(blobs[0]) if blobs else []
            except (ValueError, TypeError):
                listed = []
            if blobs and type(listed) is list and len(listed) == len(blobs) - 1:
                self.kept[town] = dict(zip(listed, blobs[1:], strict=True))
        self.listed = {town: set(kept) for town, kept in self.kept.items()}  # what each entry holds
        self.damaged: set[str] = set()  # towns with a kept result that could not be read
        # Towns whose entry this build rewrites: one of its communities' keys is not kept (or damaged), or
        # the entry keeps another key.  The others' bytes are not held once read.
        self.stale: set[str] = set()

    def known(self, refinements: Refinements) -> dict[str, Scored]:
        """The communities scored before under their key (a damaged one is left out: it is scored again)."""
        out: dict[str, Scored] = {}
        for town, communities in self.towns.items():
            kept = self.kept.get(town, {})
            for community, key in communities.items():
                blob = kept.get(key)
                try:
                    if blob is not None:
                        out[community] = (result_codec.decode(blob, refinements), ErrorLog())
                        continue
                except ValueError:
                    del kept[key]
                    self.damaged.add(town)
                self.stale.add(town)
            if kept.keys() != set(communities.values()):
                self.stale.add(town)
            if town not in self.stale:
                self.kept.pop(town, None)
        return out

    def save(self, scored: dict[str, Scored]) -> None:
        """Write the stale towns' entries: each community of ``scored`` that said nothing, under its key."""
        for town in sorted(self.stale):
            kept = self.kept.get(town, {})
            entry: dict[str, bytes] = {}
            for community, key in self.towns[town].items():
                blob = kept.get(key)
                found = scored.get(community)
                if blob is None and found is not None and not found[1].errors and not found[1].warnings:
                    blob = result_codec.encode(found[0])
                if blob is not None:
                    entry[key] = blob
            if entry.keys() == self.listed.get(town, set()) and town not in self.damaged:
                continue  # the entry holds this already (e.g. all but a community that warned, again)
            listed = sorted(entry)
            write_entry(self.folder, KIND, _entry(town),
                        [json.dumps(listed).encode("ascii"), *(entry[k] for k in listed)])


def _entry(town: str) -> str:
    return cache_key(KIND, FORMAT, town)
