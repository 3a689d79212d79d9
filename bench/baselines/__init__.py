"""The book's loops, written faithfully: the "before" of every speed-up the benchmarks report."""
