"""Riskcurve core: data, cache and analysis. Pure Python + pandas/numpy; no Qt of any kind."""

__version__ = "0.1.0"
