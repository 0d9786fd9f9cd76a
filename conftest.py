"""Names every docstring example may use without importing them: ``--doctest-modules`` runs
the examples of pipelines/, kpi/, experiments/, dashboards/ and assets/ in ``make test``.

This file sits at the root, not in tests/, because a conftest's fixtures reach only the files
below it and the examples live in the packages; the suites' fixtures stay in tests/conftest.py.
An example that writes files takes a fresh folder that pytest removes:
``out = getfixture("tmp_path")``.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session", autouse=True)
def _doctest_names(doctest_namespace: dict) -> None:
    """``dt``, ``np`` and ``pd``, under the names the code imports them as."""
    doctest_namespace.update(dt=dt, np=np, pd=pd)
