"""Plain-text tables for the notebooks: one call instead of a cell of f-strings.

A notebook cell computes rows of numbers and hands them over with the format of each column;
the table is printed in a fixed layout, so nbval compares it character for character:

    print_table([("kmeans", 8, -1.49875), ("random", 2, -1.80421)],
                {"method": "s", "n_iter": "d", "lower_bound": ".4f"})

    method  n_iter  lower_bound
    kmeans       8      -1.4988
    random       2      -1.8042

Numbers are right-aligned, text is left-aligned; each column is as wide as its header or its
widest entry, and columns are separated by two spaces. ``None`` prints as an empty cell.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["format_table", "print_table"]


def _cell(value, spec: str, column: str, row: int) -> tuple[str, bool]:
    """The text of one cell and whether it is a number (right-aligned)."""
    if value is None:
        return "", False
    if isinstance(value, bool | str):
        return (str(value) if spec in ("", "s") else format(str(value), spec)), False
    if not isinstance(value, numbers.Number):
        # numpy scalars are numbers.Number; anything else (lists, arrays) has no place in a cell
        raise TypeError(f"print_table: row {row}, column {column!r} holds a "
                        f"{type(value).__name__}; give a number, a string, a bool or None")
    try:
        return format(value, spec), True
    except (ValueError, TypeError) as error:
        raise ValueError(f"print_table: format {spec!r} of column {column!r} does not fit the "
                         f"value {value!r} in row {row} ({error}); use e.g. 'd' for whole "
                         f"numbers, '.4f' or '.2e' for real ones, 's' for text") from None


def format_table(rows: Iterable[Sequence], columns: Mapping[str, str]) -> str:
    """The table as text (no trailing newline); see the module docstring.

    rows: an iterable of sequences, each with one value per column.
    columns: header -> format spec (as in ``format(value, spec)``), in column order.
    """
    if not isinstance(columns, Mapping) or not columns:
        raise TypeError("print_table: columns must be a non-empty dict of header -> format "
                        "spec, e.g. {'K': 'd', 'BIC': '.1f'}")
    for header, spec in columns.items():
        if not isinstance(header, str) or not isinstance(spec, str):
            raise TypeError(f"print_table: columns must map header strings to format strings; "
                            f"got {header!r}: {spec!r}")
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise TypeError("print_table: rows must be a list of rows (tuples or lists), "
                        f"not {type(rows).__name__}")
    headers, specs = list(columns), list(columns.values())
    body = []
    for i, row in enumerate(rows):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence):
            raise TypeError(f"print_table: row {i} is a {type(row).__name__}; give a tuple or "
                            "list with one value per column")
        if len(row) != len(headers):
            raise ValueError(f"print_table: row {i} has {len(row)} values for {len(headers)} "
                             f"columns {headers}; give one value per column")
        body.append([_cell(v, s, h, i) for v, s, h in zip(row, specs, headers, strict=True)])
    widths = [max([len(h)] + [len(r[j][0]) for r in body]) for j, h in enumerate(headers)]
    numeric = [any(r[j][1] for r in body) for j in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(cells, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(headers), *(line([c for c, _ in r]) for r in body)])


def print_table(rows: Iterable[Sequence], columns: Mapping[str, str]) -> None:
    """Print ``format_table(rows, columns)``."""
    print(format_table(rows, columns))
