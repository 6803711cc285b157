import re

from binembed.progress import Progress


def test_log_lines_every_few_percent_with_rate_and_time_left(capsys):
    with Progress(200, "lif", "words", step_percent=10) as progress:
        for _ in range(200):
            progress.update()
        progress.say("done: 200 words")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11  # 10 %, 20 %, ... 100 %, and the message
    assert lines[0].startswith("lif:  10.0 % (20 of 200 words), ")
    assert re.search(r"words/s, elapsed 0:00:0\d, left 0:00:0\d$", lines[0])
    assert lines[9].startswith("lif: 100.0 % (200 of 200 words)") and lines[10] == "lif done: 200 words"


def test_large_steps_and_disabled_progress(capsys):
    with Progress(3, "overcomplete", "dictionary updates", step_percent=100 / 3) as progress:
        progress.update(2, note="objective 1.5")  # jumps over a threshold: one line, not two
        progress.update(1)
    with Progress(10, "quiet", enabled=False) as quiet:
        quiet.update(10)
        quiet.say("nothing")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[0].endswith("; objective 1.5") and "66.7 %" in lines[0]


def test_on_a_terminal_the_bar_shows_the_note(monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with Progress(3, "overcomplete", "dictionary updates") as progress:
        progress.update(1, note="objective 1.5")
    assert "objective 1.5" in screen.getvalue() and "overcomplete" in screen.getvalue()
