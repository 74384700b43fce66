"""Hardening: long runs, threads, processes, hostile installs, interrupts, anomalies and fuzzing.

Scenarios that could abort or crash the interpreter run in a child process (``childproc.run``), so
they fail one test instead of taking the run down."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs for seconds to a minute; CI runs it too")
