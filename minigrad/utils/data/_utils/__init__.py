"""The DataLoader's machinery: collation, fetching, worker processes and their shared memory."""
from . import collate, fetch, worker  # noqa: F401

MP_STATUS_CHECK_INTERVAL = 5.0
"""Seconds a worker waits for work before checking that the main process is still alive."""
