"""gmm_teach.tables: fixed layout, alignment, and clear errors for bad rows or formats."""

import numpy as np
import pytest

from gmm_teach.tables import format_table, print_table


def test_layout_numbers_right_text_left():
    text = format_table([("kmeans", 8, -1.49875), ("random", 2, -1.80421)],
                        {"method": "s", "n_iter": "d", "lower_bound": ".4f"})
    assert text.splitlines() == ["method  n_iter  lower_bound",
                                 "kmeans       8      -1.4988",
                                 "random       2      -1.8042"]


def test_numpy_scalars_none_and_bools():
    text = format_table([(np.int64(3), np.float64(0.5), None, True)],
                        {"K": "d", "w": ".2f", "note": "s", "ok": "s"})
    assert text.splitlines() == ["K     w  note  ok", "3  0.50        True"]


def test_wide_entries_widen_the_column():
    text = format_table([("a much longer name", 1)], {"name": "s", "n": "d"})
    assert text.splitlines()[1] == "a much longer name  1"


def test_print_table_prints_the_same(capsys):
    print_table([(1,)], {"K": "d"})
    assert capsys.readouterr().out == "K\n1\n"


@pytest.mark.parametrize(("rows", "columns", "error", "words"), [
    ([(1, 2)], {"K": "d"}, ValueError, "row 0 has 2 values for 1 columns"),
    ([(1.5,)], {"K": "d"}, ValueError, "format 'd' of column 'K'"),
    ([([1, 2],)], {"K": "d"}, TypeError, "holds a list"),
    ([(1,)], {}, TypeError, "non-empty dict"),
    ([(1,)], ["K"], TypeError, "non-empty dict"),
    ("abc", {"K": "d"}, TypeError, "rows must be a list"),
    ([1], {"K": "d"}, TypeError, "row 0 is a int"),
    ([(1,)], {"K": 3}, TypeError, "header strings to format strings"),
])
def test_bad_input_is_named(rows, columns, error, words):
    with pytest.raises(error, match=words):
        format_table(rows, columns)
