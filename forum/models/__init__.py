"""The forum room's data, one module per topic, re-exported here."""

from forum.models.screens import Screen

__all__ = ["Screen"]
