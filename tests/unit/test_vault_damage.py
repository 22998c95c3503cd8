"""A damaged or tampered vault file: every region's flipped byte, truncation, an edited
header, a KDF bomb, a newer format; each refused with the file kept as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.vaults import (
    add,
    create,
    make_record,
    path_fixture,  # noqa: F401 (the fixture: path)
    reopen,
)
from traycodes.errors import DamagedData, UnsupportedVersion
from traycodes.vault import list_backups
from traycodes.vault.format import canonical


def split(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """The format line, the header line, the checksum line, and the sealed records."""
    first, _, rest = data.partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    checksum, _, ciphertext = rest.partition(b"\n")
    return first, body, checksum, ciphertext


def regions(data: bytes) -> dict[str, range]:
    """Byte ranges of each region of a vault file."""
    first, body, checksum, _ = split(data)
    header = json.loads(body)
    body_start = len(first) + 1
    found = {"format line": range(0, len(first))}
    for name, value in [
        ("slot salt", header["slots"][0]["kdf"]["salt"]),
        ("slot nonce", header["slots"][0]["nonce"]),
        ("slot wrapped key", header["slots"][0]["wrapped"][:20]),
        ("slot wrapped key tag", header["slots"][0]["wrapped"][-20:]),
        ("vault id", header["vault_id"]),
        ("payload nonce", header["payload"]["nonce"]),
        ("json punctuation", "{"),
        ("kdf memory", str(header["slots"][0]["kdf"]["memory_kib"])),
    ]:
        start = body_start + body.index(value.encode())
        found[name] = range(start, start + len(value))
    checksum_start = body_start + len(body) + 1
    found["checksum"] = range(checksum_start + 7, checksum_start + len(checksum))
    sealed = checksum_start + len(checksum) + 1
    found["ciphertext"] = range(sealed, len(data) - 16)
    found["ciphertext tag"] = range(len(data) - 16, len(data))
    return found


@pytest.mark.parametrize(
    "region",
    [
        "format line",
        "slot salt",
        "slot nonce",
        "slot wrapped key",
        "slot wrapped key tag",
        "vault id",
        "payload nonce",
        "ciphertext",
        "ciphertext tag",
        "checksum",
        "json punctuation",
        "kdf memory",
    ],
)
def test_a_flipped_byte_anywhere_is_refused_and_the_file_kept(path: Path, region: str) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    data = path.read_bytes()
    span = regions(data)[region]
    for offset in (span.start, span.start + len(span) // 2, span.stop - 1):
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DamagedData):
            reopen(path)
        with pytest.raises(DamagedData):  # a save through a vault opened earlier refuses too
            vault.update(lambda records: add(records, make_record()))
        assert path.read_bytes() == bytes(damaged)
    path.write_bytes(data)
    assert len(reopen(path).records) == 1


def test_damage_message_points_to_the_backups(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(DamagedData, match="traycodes restore"):
        reopen(path)


def test_truncated_files_are_refused(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    data = path.read_bytes()
    for size in (0, 1, 10, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:size])
        with pytest.raises(DamagedData):
            reopen(path)


def rewrite(path: Path, edit: object) -> None:
    """Change the header as an attacker would: edit the JSON and recompute the checksum."""
    import hashlib

    first, body, _, ciphertext = split(path.read_bytes())
    header = json.loads(body)
    edit(header)  # type: ignore[operator]
    new_body = canonical(header)
    digest = hashlib.sha256(first + b"\n" + new_body + b"\n" + ciphertext).hexdigest()
    path.write_bytes(first + b"\n" + new_body + b"\n" + f"sha256 {digest}\n".encode() + ciphertext)


def test_lowered_kdf_parameters_are_detected(path: Path) -> None:
    create(path)

    def lower(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"][0]["kdf"]["memory_kib"] = 8
        body["slots"][0]["kdf"]["iterations"] = 1

    rewrite(path, lower)
    with pytest.raises(DamagedData, match="tampered"):
        reopen(path)


def test_altered_header_fails_authentication(path: Path) -> None:
    create(path).update(lambda records: add(records, make_record()))

    def add_slot(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"].append(
            {
                "type": "keyring",
                "id": "attacker",
                "nonce": body["slots"][0]["nonce"],
                "wrapped": body["slots"][0]["wrapped"],
            }
        )

    rewrite(path, add_slot)
    with pytest.raises(DamagedData, match="authentication"):
        reopen(path)


def test_kdf_memory_bomb_is_refused(path: Path) -> None:
    create(path)

    def bomb(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"][0]["kdf"]["memory_kib"] = 2**40

    rewrite(path, bomb)
    with pytest.raises(DamagedData, match="more password-hashing"):
        reopen(path)


def test_newer_format_is_refused_clearly(path: Path) -> None:
    create(path)
    path.write_bytes(path.read_bytes().replace(b"traycodes-vault 3", b"traycodes-vault 4", 1))
    with pytest.raises(UnsupportedVersion, match="newer traycodes"):
        reopen(path)


def test_not_a_vault(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("hello")
    with pytest.raises(DamagedData, match="not a traycodes vault"):
        reopen(path)


def test_backup_of_a_damaged_file_is_not_made(path: Path) -> None:
    vault = create(path)
    path.write_bytes(b"garbage")
    with pytest.raises(DamagedData):
        vault.update(lambda records: add(records, make_record()))
    assert path.read_bytes() == b"garbage"
    assert list_backups(path) == []
