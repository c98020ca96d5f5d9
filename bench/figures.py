"""One measured figure of a run, beside its floor and its target; and the table they make."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Figure:
    scenario: str
    config: str
    name: str
    value: float | None
    unit: str
    floor: float | None = None
    target: str = ""  # e.g. "ratio <= 1.5", ">= 500", "== 100"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None without a target (a figure to read, not to judge)."""
        if not self.target or self.value is None:
            return None if not self.target else False
        subject, operator, limit = self._parsed()
        value = self.ratio if subject == "ratio" else self.value
        if value is None:
            return False
        return {"<=": value <= limit, ">=": value >= limit, "==": value == limit, "<": value < limit}[operator]

    def _parsed(self) -> tuple[str, str, float]:
        parts = self.target.split()
        if parts[0] == "ratio":
            return "ratio", parts[1], float(parts[2])
        return "value", parts[0], float(parts[1])

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"


def table(figures: list[dict]) -> str:
    """The one table ``make bench`` prints (from ``Figure.as_dict()`` rows)."""
    header = ("scenario", "configuration", "figure", "value", "floor", "ratio", "target", "met")
    rows = [
        (
            f["scenario"],
            f["config"],
            f["name"] + (f" ({f['note']})" if f["note"] else ""),
            f"{_number(f['value'])} {f['unit']}".strip(),
            _number(f["floor"]),
            "-" if f["ratio"] is None else f"{f['ratio']:.2f}x",
            f["target"] or "-",
            {True: "yes", False: "NO", None: "-"}[f["met"]],
        )
        for f in figures
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*header), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    return "\n".join(out)
