"""Turning an outbox row into an e-mail, and the two ways of sending it (SMTP, console).

A sender has `send(message)` and `close()`. `send` returns only once the message was handed
over (the SMTP server accepted it, or it was printed); anything else raises. Errors that say
the server itself cannot be reached raise `SenderUnavailable`, so the worker does not try the
rest of its batch against a dead server; a recipient refused for good raises
`PermanentFailure`, so the message is not retried.
"""
from __future__ import annotations

import smtplib
import ssl
import sys
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol
from zoneinfo import ZoneInfo

from app.notifications.models import OutboxMessage

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# UTF-8 everywhere, but 7-bit safe on the wire (quoted-printable or base64, whichever is
# shorter) so that a relay without 8BITMIME does not mangle Vietnamese text.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")


class SenderUnavailable(Exception):
    """The mail server could not be reached or refused the session (connect, TLS, login)."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx for the recipient): do not retry."""


class Sender(Protocol):
    """What `deliver()` needs from a sender."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def message_id(row: OutboxMessage, from_address: str) -> str:
    """A Message-ID fixed by the row (id and creation time), so a resent message keeps it.

    Mail clients and servers treat two copies with the same Message-ID as one message: if a
    worker dies after the server accepted a message but before it was marked sent, the copy
    sent again is recognisably the same.
    """
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{row.id}.{int(row.created_at.timestamp())}@{domain}>"


def build_message(row: OutboxMessage, from_address: str) -> EmailMessage:
    """The e-mail for an outbox row: UTF-8 plain text, Date in Viet Nam time, stable Message-ID."""
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = from_address
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at.astimezone(LOCAL_TZ))
    msg["Message-ID"] = message_id(row, from_address)
    # RFC 3834: an automatic notice; out-of-office robots should not answer it.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body_text, charset="utf-8")
    return msg


def _is_permanent(exc: smtplib.SMTPException) -> bool:
    """True when retrying cannot help: the recipient was refused with a 5xx code."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    # The address needs SMTPUTF8 and the server does not offer it.
    return isinstance(exc, smtplib.SMTPNotSupportedError)


class SmtpSender:
    """Sends over one SMTP connection, opened on first use and reopened after an error."""

    def __init__(self, host: str, port: int, *, timeout: float = 30, use_tls: bool = False,
                 username: str | None = None, password: str | None = None,
                 envelope_from: str = "") -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.use_tls, self.username, self.password = use_tls, username, password
        self.envelope_from = envelope_from
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise SenderUnavailable(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        try:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(smtp)
            raise SenderUnavailable(f"SMTP session refused by {self.host}:{self.port}: {exc}") from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; return only if the server accepted every recipient."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            # send_message raises unless at least one recipient was accepted; with one
            # recipient per message, returning means the server took it.
            refused = self._smtp.send_message(message, from_addr=self.envelope_from or None,
                                              to_addrs=[message["To"]])
        except smtplib.SMTPException as exc:
            self.close()  # the session may be in any state: start clean for the next message
            if _is_permanent(exc):
                raise PermanentFailure(str(exc)) from exc
            raise
        except OSError:
            self.close()
            raise
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        """Say goodbye to the server (errors ignored: the messages are already accounted for)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            _quietly_close(smtp)


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


class ConsoleSender:
    """Development: print the message, readable, to standard output instead of sending it."""

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        out = self.stream or sys.stdout  # looked up now, so captured output sees it
        lines = ["-" * 72]
        lines += [f"{name}: {message[name]}" for name in ("Message-ID", "Date", "From", "To", "Subject")]
        lines += ["", message.get_content().replace("\r\n", "\n").rstrip("\n"), "-" * 72]
        print("\n".join(lines), file=out, flush=True)

    def close(self) -> None:
        """Nothing to close."""


def make_sender(config) -> Sender:
    """The sender chosen by MAIL_BACKEND ("smtp" or "console")."""
    backend = (config.get("MAIL_BACKEND") or "smtp").lower()
    if backend == "console":
        return ConsoleSender()
    if backend != "smtp":
        raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'console', not {backend!r}")
    return SmtpSender(
        config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=float(config["MAIL_TIMEOUT"]),
        use_tls=bool(config["MAIL_USE_TLS"]), username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"), envelope_from=parseaddr(config["MAIL_FROM"])[1],
    )
