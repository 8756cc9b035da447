"""Shared test set-up. Unit tests draw with Agg; notebooks run by nbval keep their own
(inline) backend, so MPLBACKEND is not set in the environment here."""

import matplotlib
import pytest

matplotlib.use("Agg")

# The shared checks in this helper module assert: let pytest show their values on failure.
pytest.register_assert_rewrite("exercise_support")
