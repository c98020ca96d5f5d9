"""A synthetic Bavarian LoD2 tile of any size: the bench's (bench/twin_tile.py), shared with the twin tests."""

from bench.twin_tile import write_synthetic_citygml

__all__ = ["write_synthetic_citygml"]
