"""Settings for the benchmark's gunicorn: the production settings (from the environment, like
``iopfinder.settings``) with the benchmark's URLconf, which adds the minimal view."""

from iopfinder.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
