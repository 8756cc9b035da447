"""Shared test set-up. Unit tests draw with Agg; notebooks run by nbval keep their own
(inline) backend, so MPLBACKEND is not set in the environment here."""

import matplotlib

matplotlib.use("Agg")
