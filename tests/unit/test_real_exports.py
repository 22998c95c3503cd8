"""Every real export file in ../shared/data/exports/ (made by the apps themselves, decoded
independently of traycodes: its README and expected.json) imports into a fresh set of
records as expected: every expected OTP present, exact duplicates merged at most, no
phantom records; the files that cannot be imported are refused with one line and exit 2-4.

The files stay outside the repository: where ../shared is absent (outside this project's
CI) the test is skipped. Some files cost seconds of KDF (Argon2id with 1 GiB of memory)."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import pytest

from tests.paths import SOURCE
from traycodes.adding import add_entries
from traycodes.errors import TrayCodesError
from traycodes.formats import read
from traycodes.model import Algorithm, OtpParams, OtpType, Record

EXPORTS = SOURCE.parent / "shared" / "data" / "exports"


@cache
def expectations() -> list[dict[str, Any]]:
    if not (EXPORTS / "expected.json").is_file():
        return []
    found: list[dict[str, Any]] = json.loads((EXPORTS / "expected.json").read_text("utf-8"))
    return found


def files() -> list[Any]:
    listed = [pytest.param(e, id=e["file"]) for e in expectations()]
    if listed:
        return listed
    reason = f"the real export files are not here ({EXPORTS})"
    # This project's CI (.ci/run) has them: their absence is a fault. The published
    # repository's GitHub workflow (.github/workflows/ci.yml) never has them.
    if os.environ.get("CI") == "true" and not os.environ.get("GITHUB_ACTIONS"):
        return [pytest.param(None, id="missing")]
    return [pytest.param(None, id="missing", marks=pytest.mark.skip(reason=reason))]


def otp_of(account: dict[str, Any]) -> OtpParams:
    """The OTP an expected account gives codes by."""
    kind = OtpType(account["type"])
    return OtpParams(
        bytes.fromhex(account["secret_hex"]),
        kind,
        Algorithm.parse(account["algorithm"]),
        account["digits"],
        account["period"] or 30,
        account["counter"] or 0 if kind is OtpType.HOTP else 0,
    )


def imported(expectation: dict[str, Any]) -> tuple[list[Record], list[str]]:
    """The records a fresh vault holds after importing the file (the readable accounts),
    and the problems of the entries left out."""
    data = (EXPORTS / expectation["file"]).read_bytes()
    given = expectation["password"]
    batch = read(data, password=lambda: given)
    records: dict[str, Record] = {}
    add_entries(records, [i.entry for i in batch.items if i.entry is not None], 0.0)
    return list(records.values()), [i.problem for i in batch.items if i.entry is None]


@pytest.mark.parametrize("expectation", files())
def test_real_export_imports(expectation: dict[str, Any] | None) -> None:
    assert expectation is not None, f"CI=true but the real export files are missing: {EXPORTS}"
    if "expect_error" in expectation:
        with pytest.raises(TrayCodesError) as refused:
            imported(expectation)
        assert 2 <= refused.value.exit_code <= 4
        assert "\n" not in str(refused.value) and str(refused.value)
        return
    records, left_out = imported(expectation)
    wanted = [otp_of(a) for a in expectation["accounts"]]
    got = [r.otp for r in records]
    missing = [w for w in wanted if w not in got]
    assert not missing, f"{len(missing)} expected account(s) missing"
    phantoms = [g for g in got if g not in wanted]
    assert not phantoms, f"{len(phantoms)} record(s) the file does not hold"
    assert len(got) == len(set(wanted)), "only exact duplicates merge"
    assert len(left_out) == len(expectation.get("not_importable", [])), left_out
