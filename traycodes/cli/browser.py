"""``traycodes browser path|on|off|status`` and ``traycodes browser-host`` (what the
browsers start: the native messaging host of the traycodes extension)."""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cmd_browser(args: argparse.Namespace) -> int:
    from ..browser import install
    from .common import say, vault_path

    if args.revoke and args.action != "status":
        from ..errors import TrayCodesError

        raise TrayCodesError("--revoke SITE goes with 'traycodes browser status'")
    if args.action == "path":
        if args.copy_to is None:
            print(install.extension_folder(firefox=args.firefox))
            return 0
        from pathlib import Path

        target = Path(args.copy_to or Path.home() / install.DEFAULT_COPY)
        print(install.copy_extension(target, firefox=args.firefox))
        say(
            "In the browser's extensions page (chrome://extensions, edge://extensions…) "
            "turn on Developer mode, then Load unpacked: this folder. After an upgrade of "
            "traycodes run this again and press the extension's reload button."
        )
        return 0
    if args.action == "on":
        from ..app.launch import autostart_command
        from ..errors import TrayCodesError

        unknown = sorted(set(args.browser or ()) - set(install.BROWSERS))
        if unknown:
            raise TrayCodesError(
                f"no browser called {unknown[0]!r}: one of {', '.join(install.BROWSERS)}"
            )
        browsers: tuple[str, ...]
        if args.all:
            browsers = install.BROWSERS
        else:
            wanted = set(install.found_browsers()) | set(args.browser or ())
            if args.firefox:
                wanted.add("firefox")
            browsers = tuple(b for b in install.BROWSERS if b in wanted)
            if not browsers:
                raise TrayCodesError(
                    "no browser found (Chromium, Chrome, Brave, Edge, Vivaldi, Firefox): "
                    "name one with --browser NAME, or --all for every one"
                )
            say(f"found: {', '.join(browsers)} (--all: every browser traycodes knows)")
        # the same command a login entry runs (this traycodes, the vault unless usual),
        # with the host's own command after it
        command = autostart_command(vault_path(args))
        for line in install.install([*command, "browser-host"], browsers):
            say(line)
        say(
            "Now load the extension: in the browser's extensions page, turn on developer "
            f"mode and load unpacked: {install.extension_folder()}"
        )
        return 0
    if args.action == "pack":
        from pathlib import Path

        for written in install.pack(Path(args.out or ".")):
            print(written)
        return 0
    if args.action == "off":
        for line in install.remove() or ["nothing to remove"]:
            say(line)
        return 0
    from ..browser import autofill

    for site in args.revoke or ():
        gone = autofill.revoke(site)
        if not gone:
            from ..errors import TrayCodesError

            raise TrayCodesError(f"{site} is not filled on its own: nothing to revoke")
        for taken in gone:
            say(f"{taken}: no longer filled on its own (the extension gives its access back)")
    states = {browser: install.state(browser) for browser in install.BROWSERS}
    for browser, found in states.items():
        print(f"{browser}: {found} ({install.manifest_path(browser)})")
    for copy in install.copies():
        state = install.copy_state(copy)
        hint = {
            "stale": ": from an older traycodes; 'traycodes browser path --copy-to "
            f"{copy}', then reload the extension",
            "gone": "",
        }.get(state, "")
        print(f"extension copy: {state} ({copy}){hint}")
    for site, entry in sorted(autofill.sites().items()):
        then = ", then submits the form" if entry["submit"] else ""
        print(f"filled on its own: {site}{then} (--revoke {site.partition('://')[2]})")
    return 0 if any(found == "on" for found in states.values()) else 1


def cmd_browser_host(args: argparse.Namespace) -> int:
    import os

    from ..browser.host import serve

    if args.vault:
        os.environ["TRAYCODES_VAULT"] = args.vault  # the host opens this vault
    return serve(list(args.caller), sys.stdin.buffer, sys.stdout.buffer)


def add_commands(commands: Any) -> None:
    from .common import vault_options

    browser = commands.add_parser(
        "browser",
        help="the browser extension: its folder, and its host in each browser",
        description="path: print the extension's folder, to load unpacked (--firefox: a "
        "copy for Firefox). on: install the native messaging host for the browsers found "
        "here among Chromium, Chrome, Brave, Edge, Vivaldi and Firefox (only our extension "
        "may start it); off: remove it; status: say where it is installed (exit 1: "
        "nowhere); pack: write the zips the Chrome Web Store and Firefox Add-ons take "
        "(and Firefox's source archive) into --out DIR. status also lists the sites the "
        "extension fills on its own (allowed in its popup); --revoke SITE takes one back.",
    )
    browser.add_argument("action", choices=["path", "on", "off", "status", "pack"])
    browser.add_argument(
        "--out", metavar="DIR", help="pack: the folder for the stores' zips (default: here)"
    )
    browser.add_argument(
        "--firefox", action="store_true", help="path: the Firefox build; on: Firefox too"
    )
    browser.add_argument(
        "--browser",
        action="append",
        metavar="NAME",
        help="on: this browser too, found or not (chromium, chrome, brave, edge, vivaldi, "
        "firefox; repeat for more)",
    )
    browser.add_argument(
        "--copy-to",
        nargs="?",
        const="",
        metavar="DIR",
        help="path: copy the extension to DIR (default ~/traycodes-browser-extension), a "
        "folder the browser's folder chooser shows, and print it",
    )
    browser.add_argument(
        "--revoke",
        action="append",
        metavar="SITE",
        help="status: stop filling SITE on its own (github.com, or https://github.com)",
    )
    browser.add_argument(
        "--all", action="store_true", help="on: every browser, whether it is found or not"
    )
    vault_options(browser, password=False)
    browser.set_defaults(func=cmd_browser)

    host = commands.add_parser(
        "browser-host",
        help="the browser extension's native messaging host (browsers start it)",
        description="Speaks the browsers' native messaging protocol on stdin/stdout for "
        "the traycodes extension; refuses to run for any other caller.",
    )
    host.add_argument("caller", nargs="*", help="what the browser passes (its caller)")
    host.add_argument("--parent-window", help=argparse.SUPPRESS)  # Chromium on Windows
    host.set_defaults(func=cmd_browser_host)
