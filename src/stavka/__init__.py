"""stavka: a campaign simulator for the Soviet Union's two-front war of 1941-45."""

__version__ = "0.1.0"
