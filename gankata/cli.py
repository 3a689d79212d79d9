"""The one ``gankata`` command: ``gankata dev ...`` is the maintainer's, the rest the learner's.

The learner's runner (gankata.runner.commands) never imports the maintainer's tools, which
sit in the room above it; this is where the two meet. ``dev`` is not among the learner's
commands and not in their help.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dev"]:
        from gankata.dev.commands import main as dev

        return dev(argv[1:])
    from gankata.runner.commands import main as runner

    return runner(argv)
