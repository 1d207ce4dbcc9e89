"""A mail server for tests that refuses some addresses: Django's locmem outbox for everyone else."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends import locmem


class RefusingBackend(locmem.EmailBackend):
    """Refuses each address of `refusals` that many times (None: always), as a server refuses a mailbox; every
    address tried is appended to `attempts`. The `refusing_mail` fixture sets both up afresh."""

    refusals: dict[str, int | None] = {}
    attempts: list[str] = []

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                self.attempts.append(address)
                if address in self.refusals and self.refusals[address] != 0:
                    if self.refusals[address] is not None:
                        self.refusals[address] -= 1
                    raise SMTPRecipientsRefused({address: (550, b"5.1.1 Mailbox unavailable")})
        return super().send_messages(messages)


class RefusingMail:
    def __init__(self):
        RefusingBackend.refusals, RefusingBackend.attempts = {}, []

    def refuse(self, address: str, *, times: int | None = None) -> None:
        RefusingBackend.refusals[address] = times

    @property
    def attempts(self) -> list[str]:
        return RefusingBackend.attempts
