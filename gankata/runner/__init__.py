"""The learner's runner: every front a learner uses, and what those fronts share.

- ``commands``: the ``gankata`` command line (progress, check, hint, watch, reset, ...).
- ``screen``: the one console, the progress table, the check report, hints and errors.
- ``results``: each kata's verdict, replayed from a cache when nothing it depends on changed.
- ``testrun``: a kata's tests run on a frozen copy of the learner's file, one process per kata.
- ``worker``: the warm checker those processes are forked from.
- ``stubs``: the shipped stubs, known by their git blob ids.
- ``magic`` and ``workbook``: the ``%%kata`` cell magic and the Jupyter workbooks.
- ``naming``: the one rule for backups' and runs' names.

Nothing outside this package imports it, except ``gankata.load_ipython_extension`` (the
magic) and the maintainer's integrity check (which runs tests the way a check does).
"""
