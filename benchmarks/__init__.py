"""Benchmarks: `python -m benchmarks` (make bench) runs every module's `run()`.

Each module measures its figures against a baseline timed in the same process and prints
ratios, so numbers compare across machines. `__main__` sets Django up on a throw-away
test database (never the developer's data) before calling the modules in name order;
`python -m benchmarks surveys` runs only the named modules.
"""
