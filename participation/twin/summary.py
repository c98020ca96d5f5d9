"""What a twin import did, per kind, with the reasons for what it skipped; and its stored form (a job's JSON)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from participation.models import TwinKind


@dataclass
class ImportSummary:
    """What an import did, per kind, with the reasons for what it skipped."""

    source: str
    format: str = ""
    crs: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    skip_reasons: Counter = field(default_factory=Counter)
    missing: int = 0  # in the database from an earlier import, no longer in the file
    removed: int = 0  # ... and removed because of prune
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.skipped.values())

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(kind label, created, updated, skipped) for every kind that occurred, in the order of TwinKind."""
        labels = dict(TwinKind.choices) | {"": _("not a feature")}
        kinds = [
            kind for kind in [*TwinKind.values, ""] if self.created[kind] + self.updated[kind] + self.skipped[kind]
        ]
        return [(str(labels[k]), self.created[k], self.updated[k], self.skipped[k]) for k in kinds]

    def table(self) -> str:
        """The summary as plain text, for the command line and logs."""
        head = (_("kind"), _("created"), _("updated"), _("skipped"))
        rows = [*self.rows(), (_("total"), *(sum(row[i] for row in self.rows()) for i in (1, 2, 3)))]
        widths = [max(len(str(row[column])) for row in [head, *rows]) for column in range(4)]
        lines = [
            "  ".join([f"{row[0]!s:<{widths[0]}}", *(f"{row[c]!s:>{widths[c]}}" for c in (1, 2, 3))])
            for row in [head, *rows]
        ]
        lines += [
            _("skipped: %(reason)s (%(count)d)") % {"count": n, "reason": r} for r, n in self.skip_reasons.items()
        ]
        if self.removed:
            lines.append(_("removed (no longer in the file): %(count)d") % {"count": self.removed})
        elif self.missing:
            lines.append(_("no longer in the file, kept (use --prune to remove): %(count)d") % {"count": self.missing})
        return "\n".join(lines)


def summary_to_json(summary: ImportSummary) -> dict[str, Any]:
    return {
        "source": summary.source,
        "format": summary.format,
        "crs": list(summary.crs),
        "created": dict(summary.created),
        "updated": dict(summary.updated),
        "skipped": dict(summary.skipped),
        "skip_reasons": dict(summary.skip_reasons),
        "missing": summary.missing,
        "removed": summary.removed,
        "seconds": summary.seconds,
        "done": summary.done,
    }


def summary_from_json(data: dict[str, Any] | None) -> ImportSummary | None:
    """The stored summary as an ImportSummary (its rows() label kinds in the reader's language)."""
    if not data:
        return None
    return ImportSummary(
        source=data.get("source", ""),
        format=data.get("format", ""),
        crs=list(data.get("crs") or []),
        created=Counter(data.get("created") or {}),
        updated=Counter(data.get("updated") or {}),
        skipped=Counter(data.get("skipped") or {}),
        skip_reasons=Counter(data.get("skip_reasons") or {}),
        missing=data.get("missing", 0),
        removed=data.get("removed", 0),
        seconds=data.get("seconds", 0.0),
    )
