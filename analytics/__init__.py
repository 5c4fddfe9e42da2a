"""Pure functions on polars frames: the metric definitions of domain.md."""
