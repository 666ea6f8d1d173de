"""The benchmark suite behind `make bench` (see bench/run.py and docs/benchmarks.md)."""
