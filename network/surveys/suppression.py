"""Suppression of small cells in breakdowns: a cell with fewer than 5 answers is hidden, and so is a complementary
cell when only one would be hidden (it could be derived from the total and the cells shown).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

THRESHOLD = 5


def suppressed_cells(counts: Mapping[Hashable, int], threshold: int = THRESHOLD) -> set[Hashable]:
    """The keys of `counts` to hide.

    Takes cell counts (empty cells, count 0, reveal no answer and stay visible). Returns the cells with
    0 < count < threshold, plus the smallest visible cells needed so that either nothing is hidden or at least two
    cells are hidden and together hold at least `threshold` answers (so no hidden cell can be worked out from the
    total). Standard: the usual primary and secondary (complementary) suppression of official statistics.
    """
    hidden = {key for key, n in counts.items() if 0 < n < threshold}
    while hidden:
        hidden_total = sum(counts[key] for key in hidden)
        if len(hidden) >= 2 and hidden_total >= threshold:
            break
        visible = sorted((n, str(key)) for key, n in counts.items() if key not in hidden and n > 0)
        if not visible:
            break
        smallest = visible[0][1]
        hidden.add(next(key for key in counts if str(key) == smallest and key not in hidden))
    return hidden


def is_hidden(n: int, threshold: int = THRESHOLD) -> bool:
    """A single figure based on fewer than `threshold` answers is not shown."""
    return n < threshold
