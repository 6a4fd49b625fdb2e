"""Benchmarks, run by `make bench` (`python -m benchmarks`).

Each module exposes `run()`, which prints its figures as lines, each against a
baseline measured in the same process: ratios stay meaningful on any machine.
"""
