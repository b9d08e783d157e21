"""The ``dangjian`` console script: quiet on an early Ctrl-C, never crashing on the terminal's encoding.

Importing the command line takes a moment (pydantic, MkDocs, jieba …); a Ctrl-C in that moment must
end the program with status 130 and no traceback, as it does later.  Output streams that cannot
encode Chinese (``PYTHONIOENCODING=latin-1``, an old console) show escapes instead of failing.
"""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = 130


def _quiet_exit(signum: int, frame: object) -> None:
    os._exit(INTERRUPTED)  # during imports nothing is written yet: nothing to clean up


def _tolerant_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _language_from_argv(argv: list[str]) -> None:
    """``--lang en`` anywhere on the command line: help texts are read when the command line loads, so
    the choice must be known before that (it is then also what ``DANGJIAN_LANG`` says)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            os.environ["DANGJIAN_LANG"] = argv[i + 1]
        elif arg.startswith("--lang="):
            os.environ["DANGJIAN_LANG"] = arg.partition("=")[2]


def run() -> None:
    previous = signal.signal(signal.SIGINT, _quiet_exit)
    _tolerant_streams()
    _language_from_argv(sys.argv[1:])
    from generator.cli import main

    signal.signal(signal.SIGINT, previous)
    try:
        main()
    except KeyboardInterrupt:  # outside a build (which reports its own); e.g. while checking
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    run()
