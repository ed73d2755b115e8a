"""Test settings.

Hypothesis draws its examples from a fixed seed, so a run is reproducible and a failure found once
is found again; `HYPOTHESIS_PROFILE=explore pytest` searches afresh.

The suite runs on every core (pytest-xdist, ``-n auto --dist loadgroup`` in pyproject.toml; ``-n 0``
runs it in one process). Tests that share work held by one process are kept on one worker by an
``xdist_group`` mark, so no worker repeats it: the verdict and power tests of one check in
test_claims.py read one cached run, and the tests of a module with a module-scoped fixture (the
solutions document, built once) go together. Each worker keeps to one BLAS/OpenMP thread, as
``montecarlo.parallel``'s workers do (W processes on W cores, not W x cores threads); this is set
here, before NumPy is imported, and only when there are several workers.
"""
import os

# montecarlo.parallel.SINGLE_THREAD_ENV, named here because importing it would import NumPy
_SINGLE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                      "NUMEXPR_NUM_THREADS")
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    for _name in _SINGLE_THREAD_ENV:
        os.environ.setdefault(_name, "1")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _shared_work_group(item) -> str | None:
    """The xdist group of a test that shares per-process work with others, or None."""
    module = item.nodeid.split("::", 1)[0]
    callspec = getattr(item, "callspec", None)
    if module == "tests/test_claims.py" and callspec is not None and "claim_id" in callspec.params:
        return f"check:{callspec.params['claim_id']}-{callspec.params['kind']}"
    fixtures = getattr(item, "_fixtureinfo", None)
    for definitions in (fixtures.name2fixturedefs.values() if fixtures else ()):
        if any(d.scope in ("module", "class", "package") for d in definitions):
            return f"module:{module}"
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks into the node ids
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = _shared_work_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
