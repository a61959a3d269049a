"""The CLI progress bar: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io

from api.cli.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_on_a_terminal_and_ends_with_a_newline() -> None:
    screen = Terminal()
    bar = ProgressBar("scan.pdf", stream=screen, width=10)
    bar(0, 4)
    bar(4, 4)
    drawn = screen.getvalue()
    assert "\rscan.pdf [..........] 0/4 pages" in drawn
    assert "\rscan.pdf [##########] 4/4 pages" in drawn
    assert drawn.endswith("\n")


def test_nothing_is_written_when_not_a_terminal() -> None:
    pipe = io.StringIO()
    bar = ProgressBar("scan.pdf", stream=pipe)
    bar(1, 2)
    bar(2, 2)
    assert pipe.getvalue() == ""
