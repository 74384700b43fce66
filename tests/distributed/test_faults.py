"""A fault on one rank ends the whole job in seconds, with no process left behind: an uncaught
exception, a rank leaving before it joined, a rank that stops answering (the others' wait times out),
a rank killed by a signal."""
import os
import time

import pytest

from tests.distributed.mpi_jobs import launch

FAULTS = {  # (init_process_group's arguments, what rank 1 does before it / after the first all_reduce, stderr)
    "raise": ("", "pass", 'raise ValueError("rank 1 gives up")', "ValueError: rank 1 gives up"),
    "exit_before_joining": ("", 'sys.exit("rank 1 leaves")', "pass", "rank 1 leaves"),
    "hang": ("timeout=datetime.timedelta(seconds=3)", "pass", "time.sleep(600)",
             "rank 0] all_reduce did not complete within the process group's timeout of 3 s"),
    "kill": ("", "pass", "os.kill(os.getpid(), signal.SIGKILL)", ""),
}


def _alive(marker):
    """Processes whose command line names ``marker``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_ends_job(tmp_path, fault):
    init, before, act, message = FAULTS[fault]
    proc, seconds = launch(f'''
        import datetime, os, signal, sys, time
        import torch, torch.distributed as dist
        if os.environ["RANK"] == "1":
            {before}
        dist.init_process_group("gloo", {init})
        t = torch.ones(3)
        dist.all_reduce(t)
        if dist.get_rank() == 1:
            {act}
        dist.all_reduce(t)  # rank 0 waits here for rank 1
        print("finished", dist.get_rank())
    ''', 2, tmp_path, timeout=60)
    assert proc.returncode != 0
    assert "finished" not in proc.stdout
    assert message in proc.stderr, proc.stderr[-3000:]
    assert seconds < 15, f"the job took {seconds:.1f} s to end"
    deadline = time.monotonic() + 3  # ranks killed by mpiexec may take a moment to disappear
    while _alive(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(str(tmp_path)), "processes of the job are still running"
