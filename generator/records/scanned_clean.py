"""Communities whose published records were found free of personal information, kept between builds
(``.cache/pii/``).

The scan of a community (``pii.scan_community``) reads its published records and the allow-list alone.  Those
are made from the community's own files, the district's files (the allow-list, publication gates inherited
from the district and its town) and the as-of date.  So a build keeps, for each community the scan found
nothing in, a key that hashes all of that: every source file that is no community's, the community's own
files, ``--as-of`` and the generator's every file (``cache.package_version``).  The next build does not scan a
community whose key it finds: its findings are none.  A community with a finding is scanned every time (its
errors stop the build anyway), and the output check still reads every published page for personal
information, cached or not.

The keys are made from the project's files as they were before the build read its records; if any file has
changed by the time the scan is done, nothing is kept (the scan may have read other bytes than the keys name).
One entry, rewritten by each build with the keys of its clean communities.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from generator.cache import read_entry, write_entry
from generator.errors import ErrorLog
from generator.records import watch
from generator.records.model import Community
from generator.records.watch import Snapshot

KIND = "pii"
FORMAT = 1
ENTRY = "clean"  # the one entry's name


def community_keys(sources: Snapshot, communities: Iterable[Community], as_of: dt.date) -> dict[str, str] | None:
    """Per community (key), what its scan's findings depend on; None when the generator's version is unknown."""
    return watch.community_keys(sources, [c.key for c in communities], KIND, FORMAT, as_of.isoformat())


def known_clean(folder: Path, keys: dict[str, str]) -> dict[str, ErrorLog]:
    """The communities found clean under their key by an earlier build, each with its findings: none."""
    blobs = read_entry(folder, KIND, ENTRY)
    try:
        listed = set(json.loads(blobs[0])) if blobs and len(blobs) == 1 else set()
    except (ValueError, TypeError):
        listed = set()
    return {community: ErrorLog() for community, key in keys.items() if key in listed}


def save_clean(folder: Path, keys: dict[str, str], found: dict[str, ErrorLog]) -> None:
    """Keep the keys of the communities whose ``found`` findings are none."""
    clean = sorted(keys[c] for c, log in found.items() if c in keys and not log.errors and not log.warnings)
    write_entry(folder, KIND, ENTRY, [json.dumps(clean).encode("ascii")])
