"""``traycodes browser path|on|off|status`` and ``traycodes browser-host`` (what the
browsers start: the native messaging host of the traycodes extension)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import N_, _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cmd_browser(args: argparse.Namespace) -> int:
    from ..browser import install
    from .common import say, vault_path

    if args.revoke and args.action != "status":
        from ..errors import TrayCodesError

        raise TrayCodesError(_("--revoke SITE goes with 'traycodes browser status'"))
    if args.action == "path":
        if args.copy_to is None:
            print(install.extension_folder(firefox=args.firefox))
            return 0
        from pathlib import Path

        target = Path(args.copy_to or Path.home() / install.DEFAULT_COPY)
        print(install.copy_extension(target, firefox=args.firefox))
        say(
            _(
                "In the browser's extensions page (chrome://extensions, edge://extensions…) "
                "turn on Developer mode, then Load unpacked: this folder. After an upgrade of "
                "traycodes run this again and press the extension's reload button."
            )
        )
        return 0
    if args.action == "on":
        from ..app.launch import autostart_command
        from ..errors import TrayCodesError

        unknown = sorted(set(args.browser or ()) - set(install.BROWSERS))
        if unknown:
            said = _("no browser called {name}: one of {browsers}")
            raise TrayCodesError(
                said.format(name=repr(unknown[0]), browsers=", ".join(install.BROWSERS))
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
                    _(
                        "no browser found (Chromium, Chrome, Brave, Edge, Vivaldi, Firefox): "
                        "name one with --browser NAME, or --all for every one"
                    )
                )
            said = _("found: {browsers} (--all: every browser traycodes knows)")
            say(said.format(browsers=", ".join(browsers)))
        # the same command a login entry runs (this traycodes, the vault unless usual),
        # with the host's own command after it
        command = autostart_command(vault_path(args))
        for line in install.install([*command, "browser-host"], browsers):
            say(line)
        said = _(
            "Now load the extension: in the browser's extensions page, turn on developer "
            "mode and load unpacked: {folder}"
        )
        say(said.format(folder=install.extension_folder()))
        return 0
    if args.action == "pack":
        from pathlib import Path

        for written in install.pack(Path(args.out or ".")):
            print(written)
        return 0
    if args.action == "off":
        for line in install.remove() or [_("nothing to remove")]:
            say(line)
        return 0
    from ..browser import autofill

    for site in args.revoke or ():
        gone = autofill.revoke(site)
        if not gone:
            from ..errors import TrayCodesError

            raise TrayCodesError(
                _("{site} is not filled on its own: nothing to revoke").format(site=site)
            )
        for taken in gone:
            say(
                _(
                    "{site}: no longer filled on its own (the extension gives its access back)"
                ).format(site=taken)
            )
    states = {browser: install.state(browser) for browser in install.BROWSERS}
    for browser, found in states.items():
        said = {"on": _("on"), "off": _("off"), "other": _("other")}.get(found, found)
        print(f"{browser}: {said} ({install.manifest_path(browser)})")
    for copy in install.copies():
        state = install.copy_state(copy)
        words = {"current": _("current"), "stale": _("stale"), "gone": _("gone")}
        said = _("extension copy: {state} ({folder})").format(
            state=words.get(state, state), folder=copy
        )
        if state == "stale":
            said += _(
                ": from an older traycodes; 'traycodes browser path --copy-to {folder}', "
                "then reload the extension"
            ).format(folder=copy)
        print(said)
    for site, entry in sorted(autofill.sites().items()):
        filled = (
            _("filled on its own: {site}, then submits the form (--revoke {short})")
            if entry["submit"]
            else _("filled on its own: {site} (--revoke {short})")
        )
        print(filled.format(site=site, short=site.partition("://")[2]))
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
        help=N_("the browser extension: its folder, and its host in each browser"),
        description=N_(
            "path: print the extension's folder, to load unpacked (--firefox: a "
            "copy for Firefox). on: install the native messaging host for the browsers found "
            "here among Chromium, Chrome, Brave, Edge, Vivaldi and Firefox (only our extension "
            "may start it); off: remove it; status: say where it is installed (exit 1: "
            "nowhere); pack: write the zips the Chrome Web Store and Firefox Add-ons take "
            "(and Firefox's source archive) into --out DIR. status also lists the sites the "
            "extension fills on its own (allowed in its popup); --revoke SITE takes one back."
        ),
    )
    browser.add_argument("action", choices=["path", "on", "off", "status", "pack"])
    browser.add_argument(
        "--out", metavar="DIR", help=N_("pack: the folder for the stores' zips (default: here)")
    )
    browser.add_argument(
        "--firefox", action="store_true", help=N_("path: the Firefox build; on: Firefox too")
    )
    browser.add_argument(
        "--browser",
        action="append",
        metavar="NAME",
        help=N_(
            "on: this browser too, found or not (chromium, chrome, brave, edge, vivaldi, "
            "firefox; repeat for more)"
        ),
    )
    browser.add_argument(
        "--copy-to",
        nargs="?",
        const="",
        metavar="DIR",
        help=N_(
            "path: copy the extension to DIR (default ~/traycodes-browser-extension), a "
            "folder the browser's folder chooser shows, and print it"
        ),
    )
    browser.add_argument(
        "--revoke",
        action="append",
        metavar="SITE",
        help=N_("status: stop filling SITE on its own (github.com, or https://github.com)"),
    )
    browser.add_argument(
        "--all", action="store_true", help=N_("on: every browser, whether it is found or not")
    )
    vault_options(browser, password=False)
    browser.set_defaults(func=cmd_browser)

    host = commands.add_parser(
        "browser-host",
        help=N_("the browser extension's native messaging host (browsers start it)"),
        description=N_(
            "Speaks the browsers' native messaging protocol on stdin/stdout for "
            "the traycodes extension; refuses to run for any other caller."
        ),
    )
    host.add_argument("caller", nargs="*", help=N_("what the browser passes (its caller)"))
    host.add_argument("--parent-window", help=argparse.SUPPRESS)  # Chromium on Windows
    host.set_defaults(func=cmd_browser_host)
