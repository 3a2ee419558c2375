"""How `make serve` learns of a save.

MkDocs polls the folders it watches every half second, and each poll looks at every file:
a save waits a quarter of a second on average before the rebuild even starts, and a big
site costs CPU all the time. The system's file events (inotify on Linux, FSEvents on
macOS) report a save at once. They miss changes on network drives and in folders shared
into a virtual machine or container (WSL's /mnt/c, Docker on macOS), so there, or with
`make serve POLL=1`, MkDocs' polling stays.
"""

from __future__ import annotations

import re
from pathlib import Path

from watchdog import events
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from kb.build import compat

#: File systems whose changes the kernel may not report as events (Linux names, /proc/mounts).
REMOTE_FILE_SYSTEMS = {"9p", "drvfs", "cifs", "smb3", "smbfs", "nfs", "nfs4", "virtiofs", "vboxsf", "fakeowner",
                       "grpcfuse", "osxfs", "prl_fs", "vmhgfs", "fuse.grpcfuse", "fuse.sshfs", "fuse.vmhgfs-fuse"}


#: What a save, a new file, a rename or a deletion makes; not opening or reading a file,
#: which every build does (reacting to those would rebuild for ever).
CHANGES = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileMovedEvent, events.FileDeletedEvent,
           events.FileAttribEvent, events.FileClosedEvent]


class ChangeObserver(Observer):
    """The system's observer, told to report changes only."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
        return super().schedule(event_handler, path, recursive=recursive, event_filter=CHANGES,
                                follow_symlink=follow_symlink)


def use_file_events(server, folder: Path, poll: bool = False) -> str:
    """Make the MkDocs live-reload server learn of changes from file events, not polling,
    where that is reliable for `folder` and polling was not asked for (`poll`). Returns how
    it watches, for the terminal."""
    if poll:
        return "polling every 0.5 s (make serve POLL=1)"
    kind = file_system(folder)
    if kind in REMOTE_FILE_SYSTEMS:
        return f"polling every 0.5 s ({folder} is on {kind}, which may not report changes)"
    if Observer is PollingObserver or not _events_work(folder):
        return "polling every 0.5 s (this system gives no file events)"
    compat.watch_with(server, ChangeObserver())
    return "file events (a save shows at once; `make serve POLL=1` polls instead)"


def file_system(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The type of the file system `path` is on, from /proc/mounts (None where there is none)."""
    try:
        mounts = mounts_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    target, best, kind = str(path.resolve()), "", None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])  # "\040" is a space
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def _events_work(folder: Path) -> bool:
    """Whether the system lets this process watch `folder` (inotify has per-user limits)."""
    probe = ChangeObserver()
    try:
        probe.schedule(events.FileSystemEventHandler(), str(folder), recursive=True)
        probe.start()
    except OSError:
        return False
    probe.stop()
    probe.join()
    return True
