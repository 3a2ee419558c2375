"""The languages after the default one, built in a fork beside the default language's build.

static-i18n builds each further language after the default one, nested in the default
build's last step, so MkDocs renders the languages one after the other on one core. A
`mkdocs build` instead forks when the default language's files have been chosen: the fork
builds the further languages as static-i18n would (kb.build.compat.build_further_languages)
while this process renders the default language's pages, and static-i18n's step waits for
the fork where it would have built them. The two write different files: each language its
pages, its 404 page and its catalogue's files; the theme's assets are copied by both with
the same bytes; sitemap.xml, which names every language's pages, is written by the fork
only (kb.build.session leaves the default build's out).

`KB_ONE_PROCESS=1` builds the languages one after the other, as static-i18n does alone.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn

from kb.build import compat


class FurtherLanguages:
    """The fork building the further languages, seen from the default language's build."""

    def __init__(self, pid: int, languages: list[str]) -> None:
        self.pid: int | None = pid
        self.languages = languages
        self._restore = compat.replace_further_builds(self._wait_instead_of_building)

    @classmethod
    def start(cls, config, in_fork: Callable[[], None], before_exit: Callable[[], None]) -> FurtherLanguages:
        """Fork. The fork runs `in_fork`, builds the further languages, runs `before_exit`
        (whether they were built or not) and ends; this process goes on with the default
        language."""
        languages = compat.further_languages(config)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _build_in_fork(config, in_fork, before_exit)
        return cls(pid, languages)

    def _wait_instead_of_building(self, config, dirty: bool = False) -> None:
        self.wait()

    def wait(self) -> None:
        """Until the fork has ended; a fork that failed (its messages are above) stops the build."""
        if self.pid is None:
            return
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status) != 0:
            raise compat.BuildError(f"the pages in {', '.join(self.languages)} could not be built "
                                    f"(the messages above say why)")

    def end(self) -> None:
        """After static-i18n's last step: the fork has ended, and MkDocs' build is back in it."""
        try:
            self.wait()
        finally:
            self._restore()

    def stop(self) -> None:
        """End the fork without waiting for its pages (this build failed)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        self._restore()


def _build_in_fork(config, in_fork: Callable[[], None], before_exit: Callable[[], None]) -> NoReturn:
    """The fork's whole life: it never returns into the default language's build, whose
    frames it holds a copy of."""
    code = 1
    try:
        in_fork()
        compat.build_further_languages(config)
        code = 0
    except compat.Abort as exc:  # MkDocs has logged why; this is its last line ("Aborted with …")
        compat.log.error(str(exc))
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches both processes: the build says so once
    except BaseException:  # noqa: BLE001 - whatever happens, the fork ends here, not in the caller
        traceback.print_exc()
    finally:
        try:
            before_exit()
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
