"""Issue 20 #10: the console in a real terminal (a pseudo-terminal): banner, line editing and history, Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 60.0  # a loaded machine starts Python slowly


class Terminal:
    """`community-bot console` on a pseudo-terminal, read until an expected text shows."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "BOT_DB": str(tmp_path / "bot.db")}
        argv = [sys.executable, "-m", "bot", "--env-file", "/dev/null", "console", *args]
        self.pid, self.master = pty.fork()  # the child leads a session whose terminal is the pty: Ctrl-C works
        if self.pid == 0:
            os.chdir(tmp_path)
            os.execve(sys.executable, argv, env)
        self.seen = ""
        self.read = 0  # how far expectations have consumed `seen`

    def expect(self, text: str) -> str:
        """Everything printed since the last expectation, up to and including `text` (fails after the deadline)."""
        end = time.monotonic() + DEADLINE
        while text not in self.seen[self.read:]:
            left = end - time.monotonic()
            assert left > 0, f"{text!r} never came; the terminal shows:\n{self.seen}"
            if select.select([self.master], [], [], left)[0]:
                try:
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the process ended and closed the terminal
                    assert text in self.seen[self.read:], f"{text!r} never came; the terminal shows:\n{self.seen}"
        start, self.read = self.read, self.seen.index(text, self.read) + len(text)
        return self.seen[start:self.read]

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        """The exit code, waiting at most the deadline."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                return os.waitstatus_to_exitcode(status)
            if select.select([self.master], [], [], 0.1)[0]:
                with contextlib.suppress(OSError):
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
        raise AssertionError(f"the console did not end; the terminal shows:\n{self.seen}")

    def close(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.master)


def test_banner_says_how_to_leave_and_quit_leaves(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, "--lang", "fr")
    try:
        terminal.expect(":quitter (ou Ctrl-D, Ctrl-C) pour sortir")
        terminal.type(":quitter\r")
        assert terminal.wait() == 0
    finally:
        terminal.close()


def test_arrow_up_recalls_the_last_line_and_ctrl_c_leaves_at_once(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, "--user", "ana")
    try:
        terminal.expect("ana> ")
        terminal.type("/language fr\r")
        terminal.expect("désormais en français")
        terminal.type("/langue\r")
        terminal.expect("Je vous parle en français")
        terminal.expect("ana> ")  # readline reads the keys once the prompt is out
        terminal.type("\x1b[A\r")  # arrow up: the previous line again, not "^[[A"
        recalled = terminal.expect("Je vous parle en français")
        assert "^[[A" not in recalled and "/langue" in recalled
        terminal.expect("ana> ")
        terminal.type("/hel")  # a half-typed line: Ctrl-C does not wait for Enter
        terminal.expect("/hel")
        terminal.type("\x03")
        assert terminal.wait() == 130
        assert "Traceback" not in terminal.seen
    finally:
        terminal.close()
