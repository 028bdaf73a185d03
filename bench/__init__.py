"""siad's benchmark suite (not part of the test run): see docs/benchmarks.md and bench/run.py."""
