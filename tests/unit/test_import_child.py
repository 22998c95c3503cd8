"""Files people import are read in a child process held to RLIMIT_AS and RLIMIT_CPU, so a
reader whose own caps were forgotten is bounded too; what comes back (the batch, or the
error's class and message) is what reading in this process gives."""

from __future__ import annotations

import json
import pickle

import pytest

from tests.unit.test_formats import aegis_db, aegis_encrypted
from tests.unit.test_fuzz_imports import samples
from traycodes.errors import InvalidInput, Locked, WrongPassword
from traycodes.formats import bounded, read
from traycodes.formats.bounded import read_bounded

pytestmark = pytest.mark.skipif(not bounded.can_bound(), reason="no RLIMIT_AS/RLIMIT_CPU here")


def counting(password: str | None) -> tuple[list[int], object]:
    calls: list[int] = []

    def source() -> str | None:
        calls.append(1)
        return password

    return calls, source


@pytest.mark.parametrize("name", ["otpauth", "google", "2fas-encrypted", "andotp"])
def test_the_child_reads_what_this_process_reads(name: str) -> None:
    data = samples()[name]
    calls, source = counting("pw")
    here = read(data, password=lambda: "pw")
    there = read_bounded(data, password=source)  # type: ignore[arg-type]
    assert there == here and there.items
    assert len(calls) == (1 if "encrypted" in name else 0)  # asked by this process, once


@pytest.mark.parametrize(
    ("data", "password", "error"),
    [
        (samples()["2fas-encrypted"], "wrong", WrongPassword),
        (samples()["2fas-encrypted"], None, Locked),
        (b'{"services": [1, 2', "pw", InvalidInput),
        (b"", "pw", InvalidInput),
    ],
)
def test_errors_come_back_with_their_class_and_message(
    data: bytes, password: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error) as here:
        read(data, password=lambda: password)
    with pytest.raises(error) as there:
        read_bounded(data, password=lambda: password)
    assert type(there.value) is type(here.value) and str(there.value) == str(here.value)


def test_a_budget_refusal_keeps_its_class() -> None:
    from traycodes.formats.budget import TooMuchWork

    export = json.loads(aegis_encrypted("pw", aegis_db()))
    export["header"]["slots"] *= 1000
    with pytest.raises(TooMuchWork, match="key-derivation work"):
        read_bounded(json.dumps(export).encode(), password=lambda: "pw")


def test_a_reader_that_eats_memory_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHILD_MEMORY", 150 * 1024 * 1024)
    assert read_bounded(samples()["otpauth"]).items  # a normal file fits
    many_objects = b"[" + b",".join([b"{}"] * 3_000_000) + b"]"  # 9 MB: 400 MB as objects
    with pytest.raises(InvalidInput, match="more than 150 MiB of memory"):
        read_bounded(many_objects, "andotp")


def test_a_reader_that_eats_cpu_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHILD_CPU_SECONDS", 1)
    export = json.loads(aegis_encrypted("pw", aegis_db()))
    (slot,) = export["header"]["slots"]
    export["header"]["slots"] = [{**slot, "n": 2**17}] * 10  # 10 x 0.4 s, within the budget
    with pytest.raises(InvalidInput, match="processor time"):
        read_bounded(json.dumps(export).encode(), password=lambda: "wrong")


def test_the_childs_answer_can_hold_nothing_but_a_batch() -> None:
    with pytest.raises(pickle.UnpicklingError, match="not part of a batch"):
        bounded._Unpickler(pickle.dumps(print)).load()
