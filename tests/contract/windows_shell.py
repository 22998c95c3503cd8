"""How Windows reads the command lines traycodes writes, written from Microsoft's documented
rules (not from traycodes' code): ``CommandLineToArgvW`` (what a program started from a
Run value, a Start-menu shortcut or ``shell\\open\\command`` gets as its arguments) and
``cmd.exe``'s expansion of a batch file's line (the browser host's ``.cmd`` launcher)."""

from __future__ import annotations

import re


def command_line_to_argv(line: str) -> list[str]:
    """``CommandLineToArgvW``: the program's name up to the next quote when it starts with
    one (no escapes in it), else up to white space; then arguments split on white space
    outside quotes, where 2n backslashes before a quote are n backslashes and the quote
    opens or closes, 2n+1 are n and a literal quote, and other backslashes are literal."""
    if line.startswith('"'):
        end = line.find('"', 1)
        end = len(line) if end < 0 else end
        argv, rest = [line[1:end]], line[end + 1 :]
    else:
        first = re.match(r"[^ \t]*", line)
        assert first is not None
        argv, rest = [first.group()], line[first.end() :]
    current: list[str] = []
    quoted = started = False
    i = 0
    while i < len(rest):
        char = rest[i]
        if char in " \t" and not quoted:
            if started:
                argv.append("".join(current))
                current, started = [], False
            i += 1
            continue
        started = True
        if char == "\\":
            run = len(rest[i:]) - len(rest[i:].lstrip("\\"))
            if i + run < len(rest) and rest[i + run] == '"':
                current.append("\\" * (run // 2))
                if run % 2:
                    current.append('"')
                else:
                    quoted = not quoted
                i += run + 1
            else:
                current.append("\\" * run)
                i += run
        elif char == '"':
            if quoted and rest[i + 1 : i + 2] == '"':  # "" inside quotes: a literal quote
                current.append('"')
                i += 2
            else:
                quoted = not quoted
                i += 1
        else:
            current.append(char)
            i += 1
    if started:
        argv.append("".join(current))
    return argv


def batch_line(line: str, args: list[str], env: dict[str, str]) -> str:
    """One line of a batch file as ``cmd.exe`` runs it: ``%%`` is a percent sign, ``%*``
    every argument, ``%0``-``%9`` one, ``%NAME%`` the variable (nothing when unset), and a
    lone ``%`` is dropped."""
    out: list[str] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        following = line[i + 1 : i + 2]
        if following == "%":
            out.append("%")
            i += 2
        elif following == "*":
            out.append(" ".join(args))
            i += 2
        elif following.isdigit():
            number = int(following)
            out.append(args[number - 1] if 0 < number <= len(args) else "")
            i += 2
        else:
            end = line.find("%", i + 1)
            if end < 0:
                i += 1  # a lone percent sign
            else:
                out.append(env.get(line[i + 1 : end].upper(), ""))
                i = end + 1
    return "".join(out)


def run_batch(text: str, args: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The command a ``.cmd`` launcher of one command line runs (``@echo off`` first)."""
    lines = [line for line in text.split("\r\n") if line.strip()]
    assert lines[0].lower() == "@echo off", "the launcher would echo its command"
    assert len(lines) == 2, lines
    return command_line_to_argv(batch_line(lines[1], args, env or {}))
