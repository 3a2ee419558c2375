"""kb bench's memory figure: what a whole process tree holds at once, each page counted once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kb.tools import process_memory

pytestmark = pytest.mark.skipif(not process_memory.available(), reason="no /proc/<pid>/smaps_rollup here")

#: A parent that fills 50 MB, then forks a child; CHILD_WRITES says whether the child fills
#: 50 MB of its own or only holds (shares) the parent's. Both then wait for the sampler.
_PROGRAM = """
import os, sys, time
held = bytearray(b"\\1") * (50 << 20)
if os.fork() == 0:
    mine = bytearray(b"\\2") * (50 << 20) if sys.argv[1] == "1" else None
    time.sleep(1.5)
    os._exit(0)
time.sleep(1.5)
os.wait()
"""


def _peak_mb(child_writes: bool) -> float:
    process = subprocess.Popen([sys.executable, "-c", _PROGRAM, "1" if child_writes else "0"])
    peak = process_memory.PeakPss(process.pid, interval=0.05)
    process.wait()
    return peak.stop()


def test_two_processes_count_as_their_sum_not_the_larger():
    """Each of the two holds a little over 50 MB: the tree about 100 (the larger, 55)."""
    assert 95 < _peak_mb(child_writes=True) < 130


def test_a_page_a_fork_shares_with_its_parent_counts_once():
    """The child only shares the parent's 50 MB: the tree holds about 55 MB (the sum of
    the two processes' resident sizes, 110)."""
    assert 48 < _peak_mb(child_writes=False) < 75


def test_an_ended_process_holds_nothing():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert process_memory.pss_kb(process.pid) == 0
    assert process_memory.tree_pss_kb(process.pid) == 0
