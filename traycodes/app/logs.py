"""What the tray app (and its window process) says on stderr."""

from __future__ import annotations

import logging

from ..errors import describe


class OneLine(logging.Formatter):
    """Log lines for users: an error is one line naming the exception; the traceback only
    with ``TRAYCODES_LOG=debug``, and then without the messages of exceptions not ours
    (errors.describe: they can quote a secret)."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__("traycodes: %(levelname)s: %(name)s: %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info:
            error = record.exc_info[1]
            message = f"{record.getMessage()} ({type(error).__name__})"
            if self.tracebacks and error is not None:
                message += "\n" + describe(error, stack=True)
            record = logging.makeLogRecord(
                {
                    **record.__dict__,
                    "msg": message,
                    "args": None,
                    "exc_info": None,
                    "exc_text": None,
                }
            )
        return super().format(record)


def setup_logging() -> str:
    """The ``traycodes`` loggers to stderr at ``TRAYCODES_LOG`` (default: warnings); the
    level chosen."""
    import os

    level = os.environ.get("TRAYCODES_LOG", "warning").strip().upper()
    handler = logging.StreamHandler()
    handler.setFormatter(OneLine(tracebacks=level == "DEBUG"))
    ours = logging.getLogger("traycodes")
    ours.addHandler(handler)
    ours.setLevel(getattr(logging, level, logging.WARNING))
    return level
