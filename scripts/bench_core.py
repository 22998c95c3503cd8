"""Benchmarks without a desktop: code generation, a one-shot command's start-up, opening
and saving vaults, the 2FA directory, `list` on a large vault (run by scripts/benchmarks.py)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import BIN, best_rate, real_keyring, report, vault_with


def bench_otp() -> None:
    """Code generation throughput: traycodes.otp.totp against pyotp.TOTP.at."""
    import pyotp

    from traycodes.otp import totp

    secret_b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    key = b"12345678901234567890"
    times = [1_700_000_000 + 30 * i for i in range(20_000)]
    baseline = pyotp.TOTP(secret_b32)
    assert baseline.at(times[0]) == totp(key, times[0])

    def ours() -> None:
        for at in times:
            totp(key, at)

    def theirs() -> None:
        for at in times:
            baseline.at(at)

    rates_ours, rates_base = [], []
    for _ in range(7):
        rates_ours.append(best_rate(ours, len(times)))
        rates_base.append(best_rate(theirs, len(times)))
    print("otp: TOTP codes per second (best of 7 rounds of 20,000; target >= 2.5x pyotp)")
    report("totp()", max(rates_ours), max(rates_base), "codes/s", higher_is_better=True)
    # The HMAC inside: the standard library's, unless a hand-made one is > 1.5x faster.
    import hashlib
    import hmac

    ipad, opad = bytes(x ^ 0x36 for x in range(256)), bytes(x ^ 0x5C for x in range(256))
    messages = [(at // 30).to_bytes(8, "big") for at in times]

    def hand_made(key: bytes, message: bytes) -> bytes:  # what otp.py had, as it was
        sha1 = hashlib.sha1
        padded = key.ljust(64, b"\0")
        return sha1(
            padded.translate(opad) + sha1(padded.translate(ipad) + message).digest()
        ).digest()

    def two_hashes() -> None:
        for message in messages:
            hand_made(key, message)

    def stdlib() -> None:
        for message in messages:
            hmac.digest(key, message, "sha1")

    hand = max(best_rate(two_hashes, len(messages)) for _ in range(7))
    standard = max(best_rate(stdlib, len(messages)) for _ in range(7))
    print("  HMAC-SHA1 of a counter: a hand-made two-hash HMAC against hmac.digest (used)")
    report("two hash calls", hand, standard, "MACs/s", higher_is_better=True)


def median_run_ms(argv: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        out.append((time.perf_counter() - start) * 1000)
    return out


def bench_startup() -> None:
    """A one-shot `traycodes code --uri` process against a python -c pyotp one-liner."""
    uri = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
    ours_argv = [str(BIN / "traycodes"), "code", "--uri", uri]
    base_argv = [sys.executable, "-c", f"import pyotp; print(pyotp.parse_uri({uri!r}).now())"]
    # pip compiles what it installs; an editable install only gets .pyc files when Python may
    # write them (not under PYTHONDONTWRITEBYTECODE), so compile ours as an install would,
    # where the command imports them from: a strict editable install's tree of links to the
    # checkout has a __pycache__ of its own (-P: not the checkout in the working folder).
    import compileall

    found = subprocess.run(
        [sys.executable, "-P", "-c", "import traycodes; print(traycodes.__file__)"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    compileall.compile_dir(str(Path(found.stdout.strip()).parent), quiet=1)
    for argv in (ours_argv, base_argv):  # warm the page cache
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(10):
        ours += median_run_ms(ours_argv, 3)
        base += median_run_ms(base_argv, 3)
    print(
        "startup: one-shot process, median wall time of 30 runs "
        "(target: at most 1.3x the pyotp one-liner)"
    )
    report(
        "traycodes code --uri",
        statistics.median(ours),
        statistics.median(base),
        "ms",
        higher_is_better=False,
    )


def bench_vault() -> None:
    """Open + decrypt and save at 10, 1,000 and 10,000 records; keyring vs password unlock."""
    import tempfile

    from traycodes.keystore import MemoryStore
    from traycodes.vault import KDF_DEFAULT, Vault, password_slot

    root = Path(tempfile.mkdtemp(prefix="traycodes-bench-"))
    store = MemoryStore()
    print("vault: open (keyring slot, so no KDF) and save (one record changed), best of 5")
    for count in (10, 1_000, 10_000):
        path = vault_with(root, count, keystore=store)
        opens, saves = [], []
        for _ in range(5):
            start = time.perf_counter()
            vault = Vault.open(path, keystore=store, password=lambda: None, keep_backups=2)
            opens.append(time.perf_counter() - start)
            first = vault.records[0]
            start = time.perf_counter()
            vault.update(
                lambda held, r=first: held.__setitem__(r.id, r.edited(1.8e9, favorite=True))
            )
            saves.append(time.perf_counter() - start)
        open_ms, save_ms = min(opens) * 1000, min(saves) * 1000
        print(
            f"  {count:>6,} records: open {open_ms:7.1f} ms, save {save_ms:7.1f} ms "
            f"({1000 * open_ms / count:5.1f} and {1000 * save_ms / count:5.1f} us a record)"
        )
    with real_keyring() as (keyring, where):
        path = root / "unlock" / "vault.tcv"
        vault = Vault.create(path, password=None, keystore=keyring)  # type: ignore[arg-type]
        slot = password_slot(vault.vault_id, vault.master_key, "pw", KDF_DEFAULT)
        vault.update(lambda held: None, slots=lambda slots: (*slots, slot))
        times: dict[str, list[float]] = {"keyring": [], "password": []}
        for _ in range(5):
            for how, keys in (("keyring", keyring), ("password", None)):
                start = time.perf_counter()
                opened = Vault.open(path, keystore=keys, password=lambda: "pw")  # type: ignore[arg-type]
                assert opened.unlocked_with == how
                times[how].append(time.perf_counter() - start)
    print(
        f"  unlock, median of 5: keyring slot ({where}) vs password slot "
        "(Argon2id 128 MiB, t=3, p=4)"
    )
    report(
        "keyring unlock",
        statistics.median(times["keyring"]) * 1000,
        statistics.median(times["password"]) * 1000,
        "ms",
        higher_is_better=False,
    )


DIRECTORY_LOOKUP = """
import sys, time
from pathlib import Path
from traycodes.keystore import MemoryStore
from traycodes.vault import Vault
path, with_directory = Path(sys.argv[1]), sys.argv[2] == "yes"
start = time.perf_counter()
vault = Vault.open(path, keystore=None, password=lambda: "pw")
if with_directory:
    from traycodes.directory import websites_from_directory
    found = websites_from_directory(vault.records)
print((time.perf_counter() - start) * 1000)
"""


def bench_directory() -> None:
    """Websites from the 2FA directory for 10,000 records (half of them named like a site
    and without a website): what it adds to opening the vault, in a fresh process each
    time (the directory is read from the package on first use)."""
    import tempfile

    from traycodes.directory import sites
    from traycodes.model import OtpParams, Record
    from traycodes.vault import KDF_MINIMUM, Vault

    root = Path(tempfile.mkdtemp(prefix="traycodes-bench-"))
    path = root / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)  # noqa: S106
    names = [site.name for site in sites()]
    records = [
        Record(
            id=f"{i:032x}",
            issuer=names[i % len(names)] if i % 2 else f"Homelab {i}",
            otp=OtpParams(i.to_bytes(20, "big")),
            created=1.7e9,
            modified=1.7e9,
        )
        for i in range(10_000)
    ]
    vault.update(lambda held: held.update((r.id, r) for r in records))
    runs: dict[str, list[float]] = {"yes": [], "no": []}
    for _ in range(7):
        for kind in ("no", "yes"):
            done = subprocess.run(
                [sys.executable, "-c", DIRECTORY_LOOKUP, str(path), kind],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            runs[kind].append(float(done.stdout))
    with_ms, without_ms = statistics.median(runs["yes"]), statistics.median(runs["no"])
    print("directory: open a 10,000-record vault (password slot, minimum KDF), median of 7")
    report("open + directory websites", with_ms, without_ms, "ms", higher_is_better=False)
    print(f"  the directory adds {with_ms - without_ms:.1f} ms (target: under 50 ms)")


def bench_list() -> None:
    """`traycodes list --json` on 10,000 records against 10, through the real keyring."""
    import os
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="traycodes-bench-"))
    with real_keyring() as (keyring, where):
        small, large = (vault_with(root, n, keystore=keyring) for n in (10, 10_000))
        argv = [str(BIN / "traycodes"), "list", "--json"]
        runs: dict[Path, list[float]] = {small: [], large: []}
        env = dict(os.environ)
        if "memory" in where:  # another process cannot see a memory store: use the password
            env.update(TRAYCODES_PASSWORD="pw", TRAYCODES_KEYRING="off")  # noqa: S106
        for _ in range(7):
            for path in (small, large):
                start = time.perf_counter()
                subprocess.run(
                    argv,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    env={**env, "TRAYCODES_VAULT": str(path)},
                )
                runs[path].append((time.perf_counter() - start) * 1000)
    print(
        f"list: `traycodes list --json`, median of 7, unlocked through {where} "
        "(target: 10,000 records at most 1.5x 10 records)"
    )
    report(
        "10,000 vs 10 records",
        statistics.median(runs[large]),
        statistics.median(runs[small]),
        "ms",
        higher_is_better=False,
    )
