"""What the property-based tests (hypothesis) share: the number of cases tried per surface, printed at the end of
the run (the closing note cites it), and the checks that a refused write left the database as it was.

The profile (bounded, derandomized examples) is registered in tests/conftest.py; a test that needs another number
of examples says so with ``@settings(max_examples=...)``.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from hypothesis import strategies as st

CASES: Counter[str] = Counter()

# What a phone, a form or a program may send where an id, a choice, a value, a word or a count is due: small
# numbers, numbers beyond 64 bits, NaN, digits int() refuses ("²") or reads ("٣"), 5,000 digits, NUL.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(0, 12),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["support", "oppose", "1", " 3 ", "²", "٣", "1" * 5000, "\x00", "", "5.0"]),
)


def tried(surface: str) -> None:
    """Counts one generated case on ``surface`` (e.g. "inputs.parse_bbox")."""
    CASES[surface] += 1


def row_counts() -> dict[str, int]:
    """The number of rows of every model of ours: equal before and after a refused write."""
    return {
        model._meta.label: model._base_manager.count()
        for app in ("participation", "forum")
        for model in apps.get_app_config(app).get_models()
    }


@contextmanager
def rolled_back():
    """One example's writes, undone afterwards: the next example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
