"""Two builds of the same commit are byte-identical: no date comes from the clock.

KB_TODAY is left empty here, so pages are dated from SOURCE_DATE_EPOCH, as in `make build`."""

from __future__ import annotations

import filecmp

from conftest import ROOT, run


def _differences(left, right) -> list[str]:
    comparison = filecmp.dircmp(left, right)
    found = [f"{left}/{name}" for name in comparison.diff_files + comparison.left_only + comparison.right_only]
    for sub in comparison.common_dirs:
        found += _differences(left / sub, right / sub)
    return found


def test_two_builds_are_byte_identical(tmp_path):
    epoch = run(["git", "log", "-1", "--format=%ct"], ROOT).stdout.strip() or "0"
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = run(
            [str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(out)], ROOT,
            SOURCE_DATE_EPOCH=epoch, KB_TODAY="")
        assert result.returncode == 0, result.stderr
    differences = _differences(first, second)
    assert differences == [], differences[:10]
