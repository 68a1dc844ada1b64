"""Where progress output goes: standard output, or Python's ``logging`` when
``cornu.config.disable_interactive_logging()`` is in effect."""
import logging
import sys

from cornu.backend import runtime_flags

__all__ = ["print_msg"]


def print_msg(message, line_break=True):
    """Print ``message`` (a progress bar frame or a callback's notice).

    With interactive logging off, the text (without redraw control characters)
    is logged at INFO level to the ``"cornu"`` logger instead.
    """
    if not runtime_flags.is_interactive_logging_enabled():
        text = message.replace("\b", "").strip("\r\n")
        if text:
            logging.getLogger("cornu").info(text)
        return
    sys.stdout.write(message + ("\n" if line_break else ""))
    sys.stdout.flush()
