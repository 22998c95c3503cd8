"""Pages at real sites' addresses for the browser tests: ``https://idmsa.apple.com/...``
served from this machine. Chromium maps every host to a local server (port 443 to an
https one, 80 to an http one: ``--host-resolver-rules``) and accepts the certificate made
here for the run (``--ignore-certificate-errors``: the test's own Chromium profile only).
The page's address stays the site's, so the extension and the host see exactly what they
would see there. Each document reports what its inputs hold (as in test_browser.py), with
its host and path, so a test can tell a frame's reports from its page's."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import queue
import ssl
import threading
import time
from pathlib import Path

from tests.desktop.apphelper import TrayApp
from tests.desktop.test_browser import REPORTING, Chromium

SAVED = Path(__file__).parents[1] / "js" / "pages"  # real sites' markup (its README)


def certificate(folder: Path, hosts: list[str]) -> tuple[Path, Path]:
    """A self-signed certificate for ``hosts``: (certificate file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "traycodes test sites")])
    now = datetime.datetime.now(datetime.UTC)
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "sites.crt", folder / "sites.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class Sites:
    """``pages``: "host/path" -> the document's markup (the query is not looked at), served
    over https and http; ``reports`` gets what each document says of its inputs."""

    def __init__(self, pages: dict[str, str], folder: Path) -> None:
        self.pages = pages
        self.reports: queue.Queue[dict[str, str]] = queue.Queue()
        self.kept: list[dict[str, str]] = []  # reports no wait has taken yet
        sites = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle(self) -> None:
                if isinstance(self.connection, ssl.SSLSocket):
                    try:
                        self.connection.do_handshake()  # here, not in the accepting thread
                    except (OSError, ssl.SSLError):
                        return
                super().handle()

            def do_GET(self) -> None:
                where = self.headers.get("Host", "").split(":")[0] + self.path.split("?")[0]
                body = sites.pages.get(where, "<title>nothing</title>") + REPORTING
                data = f"<!doctype html><html><body>{body}</body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                if self.path == "/report":
                    sites.reports.put(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        hosts = sorted({where.split("/")[0] for where in pages})
        cert, key = certificate(folder, hosts)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.https = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.https.socket = context.wrap_socket(
            self.https.socket, server_side=True, do_handshake_on_connect=False
        )
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        for server in (self.https, self.http):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def resolver_rules(self) -> str:
        https_port, http_port = self.https.server_address[1], self.http.server_address[1]
        return f"MAP *:443 127.0.0.1:{https_port}, MAP *:80 127.0.0.1:{http_port}"

    def next_report(self, kind: str, page: str, timeout: float = 20) -> dict[str, str]:
        """The next report of ``kind`` from the document whose host and path start with
        ``page``. Others' reports are kept for a later wait: a document's reports are
        separate requests, which can arrive in either order (a fill's "change" after the
        note's "panel")."""
        deadline = time.monotonic() + timeout
        while True:
            for report in self.kept:
                if report["kind"] == kind and report["page"].startswith(page):
                    self.kept.remove(report)
                    return report
            report = self.reports.get(timeout=max(0.0, deadline - time.monotonic()))
            self.kept.append(report)

    def forget(self) -> None:
        """Drop every report so far (before a page is opened)."""
        self.kept.clear()
        while not self.reports.empty():
            self.reports.get()

    def loaded(self, *pages: str, timeout: float = 60) -> None:
        """Wait until each of ``pages`` (host and path prefixes) reported its load, in
        whichever order (a frame loads before the page around it)."""
        for page in pages:
            self.next_report("load", page, timeout=timeout)

    def close(self) -> None:
        for server in (self.https, self.http):
            server.shutdown()
            server.server_close()


class RealSitesChromium(Chromium):
    """The test's Chromium, every host mapped to ``sites``, their certificate accepted."""

    def __init__(self, app: TrayApp, extension: str, sites: Sites) -> None:
        super().__init__(app, extension)
        self.sites = sites

    def flags(self) -> list[str]:
        kept = [f for f in super().flags() if not f.startswith("--host-resolver-rules=")]
        return [
            *kept,
            f"--host-resolver-rules={self.sites.resolver_rules()}",
            "--ignore-certificate-errors",
        ]

    def press_until(self, kind: str, page: str, *, allow: bool = False) -> dict[str, str]:
        """Press the shortcut until ``page`` reports ``kind`` (a browser just started
        registers the extension's shortcut a moment after the page loads). ``allow``: the
        browser's question whether the extension may enter the page's frames of other
        origins (a dialog in the tab, its Deny button focused) is answered Allow (Tab,
        Return) while no report comes."""
        for _ in range(6):
            self.press_shortcut()
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                try:
                    return self.sites.next_report(kind, page, timeout=0.5)
                except queue.Empty:
                    if allow:
                        self.app.run("xdotool", "key", "Tab", "Return")
        raise AssertionError(f"{page} reported no {kind} after the shortcut")
