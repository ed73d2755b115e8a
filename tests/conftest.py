"""Test settings: Hypothesis draws its examples from a fixed seed, so a run is reproducible and
a failure found once is found again; `HYPOTHESIS_PROFILE=explore pytest` searches afresh."""
import os

from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
