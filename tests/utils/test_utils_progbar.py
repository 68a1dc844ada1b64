"""Exact text of the progress bar, with a fake clock."""

import pytest

from cornu.utils import progbar as progbar_module
from cornu.utils.progbar import Progbar


class FakeClock:
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, "_now", fake)
    return fake


def make(monkeypatch, dynamic, *args, **kwargs):
    monkeypatch.setattr(progbar_module, "_is_dynamic_display", lambda: dynamic)
    return Progbar(*args, **kwargs)


def test_non_terminal_lines(monkeypatch, clock, capsys):
    # Not a terminal (a log file, a pipe): one plain line when the bar finishes, no redraws.
    bar = make(monkeypatch, False, 10, interval=0.0)
    clock.now = 1000.5
    bar.update(1, [("loss", 0.5)])
    assert capsys.readouterr().out == ""
    clock.now = 1003.2
    bar.update(10, [("loss", 0.3)])
    assert capsys.readouterr().out == (
        "10/10 [==============================] - 3s 300ms/step - loss: 0.3200\n"
    )


def plain(out):
    """Terminal output with redraw control characters turned into line breaks."""
    return out.replace("\b", "").replace("\r", "\n")


def test_terminal_redraws_in_place(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 10, interval=0.0)
    clock.now = 1000.5
    bar.update(1, [("loss", 0.5)])
    first = "\r 1/10 [==>...........................] - ETA: 4s - loss: 0.5000"
    assert capsys.readouterr().out == first
    clock.now = 1003.2
    bar.update(10, [("loss", 0.3)])
    assert capsys.readouterr().out == (
        "\b" * (len(first) - 1)
        + "\r10/10 [==============================] - 3s 300ms/step - loss: 0.3200\n"
    )


def test_keras_example_line(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 1875, interval=0.0)
    clock.now = 1000.5
    bar.update(1, [("loss", 0.1037), ("accuracy", 0.9741)])
    clock.now = 1000.5 + 1874 * 0.011
    capsys.readouterr()
    bar.update(1875, [("loss", 0.1037), ("accuracy", 0.9741)])
    out = capsys.readouterr().out
    assert out.endswith(
        "\r1875/1875 [==============================] - 21s 11ms/step"
        " - loss: 0.1037 - accuracy: 0.9741\n"
    )


def test_shorter_line_is_blanked(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 1000, interval=0.0)
    clock.now = 1004.0
    bar.update(1)
    first = "\r   1/1000 [..............................] - ETA: 1:06:36"
    assert capsys.readouterr().out == first
    clock.now = 1005.0
    bar.update(2)
    second = "   2/1000 [..............................] - ETA: 16:38"
    out = capsys.readouterr().out
    assert out == "\b" * (len(first) - 1) + "\r" + second + " " * (len(first) - 1 - len(second))


def test_eta_formats(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 100, interval=0.0)
    clock.now = 1000.5
    bar.update(1)  # 0.5 s per step, 99 left: 49.5 s
    clock.now = 1001.0
    bar.update(2)  # still 0.5 s per step, 98 left
    assert plain(capsys.readouterr().out).replace(" " * 0, "").rstrip() == (
        "\n  1/100 [..............................] - ETA: 49s"
        "\n  2/100 [..............................] - ETA: 49s"
    )


def test_interval_skips_redraws(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 10, interval=1.0)
    clock.now = 1000.5
    bar.update(1)
    clock.now = 1000.7
    bar.update(2)  # within the interval: not drawn
    out = plain(capsys.readouterr().out)
    assert out.count("\n") == 1 and "1/10" in out and "2/10" not in out
    clock.now = 1000.8
    bar.update(10)  # final: always drawn
    assert "10/10" in capsys.readouterr().out


def test_weighted_average_and_stateful(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 4, interval=0.0, stateful_metrics=["acc"])
    clock.now = 1001.0
    bar.update(1, [("loss", 1.0), ("acc", 0.1)])
    clock.now = 1002.0
    bar.update(4, [("loss", 2.0), ("acc", 0.9)])
    out = plain(capsys.readouterr().out).splitlines()[-1]
    # loss: (1*1 + 2*3) / 4 = 1.75; acc: last value
    assert out == "4/4 [==============================] - 2s 333ms/step - loss: 1.7500 - acc: 0.9000"


def test_add_and_tiny_values(monkeypatch, clock, capsys):
    bar = make(monkeypatch, False, 2, interval=0.0)
    clock.now = 1000.000002
    bar.add(1, [("lr", 1e-5)])
    clock.now = 1000.000004
    bar.add(1, [("lr", 1e-5)])
    out = capsys.readouterr().out
    assert out.endswith("2/2 [==============================] - 0s 2us/step - lr: 1.0000e-05\n")


def test_unknown_target(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, None, interval=0.0)
    clock.now = 1000.7
    bar.update(7, [("loss", -0.25)])
    assert capsys.readouterr().out == "\r      7/Unknown - 1s 100ms/step - loss: -0.2500"
    clock.now = 1002.0
    bar.update(7, finalize=True)
    out = capsys.readouterr().out
    assert out.endswith("      7/Unknown - 2s 286ms/step - loss: -0.2500\n")


def test_verbose_2_summary(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 5, verbose=2)
    clock.now = 1001.0
    bar.update(3, [("loss", 2.0)])
    assert capsys.readouterr().out == ""
    clock.now = 1002.0
    bar.update(5, [("loss", 2.0), ("val_loss", -0.5)])
    assert capsys.readouterr().out == (
        "5/5 - 2s - loss: 2.0000 - val_loss: -5.0000e-01 - 2s/epoch - 400ms/step\n"
    )


def test_verbose_0_silent(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 5, verbose=0)
    clock.now = 1001.0
    bar.update(5, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_seconds_per_step(monkeypatch, clock, capsys):
    bar = make(monkeypatch, True, 2, interval=0.0, unit_name="sample")
    clock.now = 1002.0
    bar.update(1)
    clock.now = 1005.0
    bar.update(2)
    assert capsys.readouterr().out.endswith("2/2 [==============================] - 5s 3s/sample\n")


def test_dynamic_display_detection(monkeypatch):
    import sys

    class NotATerminal:
        def isatty(self):
            return False

        def write(self, s):
            pass

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", NotATerminal())
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delitem(sys.modules, "posix", raising=False)
    assert progbar_module._is_dynamic_display() is False
    monkeypatch.setenv("PYCHARM_HOSTED", "1")
    assert progbar_module._is_dynamic_display() is True
