"""traycodes: a two-factor authenticator that lives in the system tray."""

__version__ = "0.8.0"
