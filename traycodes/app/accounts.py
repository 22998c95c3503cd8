"""The accounts as the windows see them: rows for a search, where a new entry could go,
and storing what the enrolment dialog or an import confirmed, by the one rule of
traycodes/adding.py. Plain data in and out (rows, targets), so that the windows can be in
another process. Runs on the app's loop; the vault is the session's."""

from __future__ import annotations

from typing import Protocol

from ..adding import NEW, AddReport, add_entries, place
from ..errors import TrayCodesError
from ..faces import brand_for
from ..i18n import _
from ..matching import domain_of, rank
from ..model import Entry, OtpType, Record
from ..otp import code, group_code, remaining
from ..ui.enrolform import Target
from ..ui.rows import SITE_PREFIX, Row
from .session import Session


class Clock(Protocol):
    def now(self) -> float: ...


class Accounts:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def rows(self, query: str) -> list[Row]:
        now = self.clock.now()
        rows = []
        for record in rank(self.session.records(), query)[:50]:
            otp = record.otp
            timed = otp is not None and otp.type is not OtpType.HOTP
            rows.append(
                Row(
                    key=record.id,
                    title=record.issuer or record.account or "(unnamed)",
                    subtitle=record.account if record.issuer else "",
                    code=group_code(code(otp, now)) if otp is not None else "",
                    remaining=remaining(otp, now) if otp is not None and timed else None,
                    period=otp.period if otp is not None and timed else None,
                    hidden=self.session.settings.hide_codes,
                    face=brand_for(record.issuer, record.websites),
                )
            )
        if not rows and len(query.strip()) >= 2:
            rows = site_rows(query)
        return rows

    def propose(self, entry: Entry) -> list[Target]:
        """Where the entry could go: a new record, or records that look like the same site
        (issuer, a website's domain, the account), waiting ones first."""
        issuer, account = entry.issuer.casefold(), entry.account.casefold()
        fits = []
        for record in self.session.records():
            same_issuer = bool(issuer) and record.issuer.casefold() == issuer
            same_site = bool(issuer) and any(
                issuer in domain_of(w).split(".") or domain_of(w) == issuer for w in record.websites
            )
            same_account = bool(account) and record.account.casefold() == account
            if same_issuer or same_site or (same_account and not record.issuer):
                fits.append(record)
        fits.sort(key=lambda r: (r.otp is not None, r.account.casefold() != account))
        now = self.clock.now()
        return [Target(None, _("a new record"))] + [
            Target(r.id, r.label, r.otp is not None, code(r.otp, now) if r.otp else "")
            for r in fits
        ]

    def save_enrolment(self, pairs: list[tuple[Entry, str | None]]) -> str:
        """Store what the dialog confirmed: new records, or OTPs given to existing ones."""
        vault = self.session.vault
        if vault is None:
            raise TrayCodesError(_("traycodes is locked"))
        now = self.clock.now()

        def store(records: dict[str, Record]) -> list[str]:
            report = AddReport()
            for entry, record_id in pairs:  # where the user chose: the one rule (adding.place)
                report.results.append(place(records, entry, now, target=record_id or NEW))
            return report.sentences()

        said = " ".join(vault.update(store))
        self.session.saved()
        return said

    def import_entries(self, entries: list[Entry]) -> list[str]:
        vault = self.session.vault
        if vault is None:
            raise TrayCodesError(_("traycodes is locked"))
        now = self.clock.now()
        report = vault.update(lambda records: add_entries(records, entries, now))
        self.session.saved()
        return report.sentences()


def site_rows(query: str) -> list[Row]:
    """No account matches the search: what the 2FA directory knows of it ("GitHub supports
    authenticator codes: set it up"), so that the next step is one Enter away."""
    from ..directory import search

    found = []
    for site in search(query, limit=3):
        if site.totp:
            subtitle = _("supports authenticator codes: Enter to set it up")
        else:
            methods = ", ".join(m for m in site.methods if m != "totp") or _("none listed")
            subtitle = _("no authenticator codes (its 2FA: {methods})").format(methods=methods)
        found.append(
            Row(
                key=SITE_PREFIX + site.name,
                title=site.name,
                subtitle=subtitle,
                code="",
                remaining=None,
                period=None,
                link=site.documentation if site.totp else "",
                face=brand_for(site.name),
            )
        )
    return found
