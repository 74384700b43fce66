"""The DataLoader's machinery: collation, fetching, worker processes and their shared memory."""
from . import collate, fetch, worker  # noqa: F401

MP_STATUS_CHECK_INTERVAL = 1.0
"""Seconds an idle worker waits for work between checks that the main process is alive: a worker
whose main process was killed exits within this time."""
