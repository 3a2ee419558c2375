"""The memory a process tree holds together while a command runs (Linux, read from /proc).

A process's resident size (RSS, and the ru_maxrss the kernel reports at its end) counts
in full every page it shares with another process, such as the pages a forked process
still shares with its parent; and the largest process of a tree says nothing of the
others. A process's proportional set size (PSS) counts a page that n processes share as
1/n in each, so the PSS of a tree's processes add up to the memory the tree holds, once.
`PeakPss` samples that sum every INTERVAL seconds: moving work into another process can
then not hide a peak, nor can a fork's shared pages count twice.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

#: Seconds between two samples: a build's peak lasts seconds, a sample costs milliseconds.
INTERVAL = 0.1

_PROC = Path("/proc")


def available() -> bool:
    return (_PROC / "self" / "smaps_rollup").is_file()


def pss_kb(pid: int) -> int:
    """A process's PSS in kB; 0 when it has ended (or is a zombie, which holds no memory)."""
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _parents() -> dict[int, int]:
    """Every process's parent, by process id."""
    found = {}
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (_PROC / entry.name / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (…) may hold spaces
    return found


def tree(pid: int) -> list[int]:
    """The process and all its descendants (the kernel lists no children here, so by parent)."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting += children.get(current, [])
    return found


def tree_pss_kb(pid: int) -> int:
    """The PSS of a process and its descendants, together, in kB."""
    return sum(pss_kb(each) for each in tree(pid))


class PeakPss:
    """The largest tree_pss_kb of a process seen while it runs, sampled in a thread."""

    def __init__(self, pid: int, interval: float = INTERVAL) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            if self._stopped.wait(self._interval):
                return

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stopped.set()
        self._thread.join()
        return self.peak_kb / 1024
