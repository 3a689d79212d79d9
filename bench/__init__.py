"""gan-katas' benchmarks: run them with ``pytest --benchmark-only`` or ``nox -s bench``."""
