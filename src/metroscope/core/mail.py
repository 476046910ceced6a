"""Every e-mail the site sends goes through the task queue: `QueuedEmailBackend` is Django's
EMAIL_BACKEND, so a request only records the messages (in its own transaction, with the
database queue) and a worker sends them with the real backend (METROSCOPE_EMAIL_BACKEND, e.g.
SMTP). An outage of the mail server no longer turns a committed registration into an error
page: the sending job fails, keeps the error, and the Secretariat runs it again from /jobs/."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.translation import gettext_noop

from metroscope.core import jobs


def _encode(content: Any) -> dict[str, str]:
    if isinstance(content, bytes):
        return {"base64": base64.b64encode(content).decode("ascii")}
    return {"text": str(content)}


def _decode(content: dict[str, str]) -> str | bytes:
    if "base64" in content:
        return base64.b64decode(content["base64"])
    return content["text"]


def to_json(message: EmailMessage) -> dict[str, Any]:
    """A message as JSON for the queue; refuses what it could not carry rather than drop it."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise TypeError("A queued e-mail carries (name, content, type) attachments only.")
        name, content, mimetype = attachment
        attachments.append({"name": name, "content": _encode(content), "mimetype": mimetype})
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "subtype": message.content_subtype,
        "alternatives": [
            {"content": _encode(content), "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def from_json(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data["subtype"]
    for alternative in data["alternatives"]:
        message.attach_alternative(_decode(alternative["content"]), alternative["mimetype"])
    for attachment in data["attachments"]:
        message.attach(attachment["name"], _decode(attachment["content"]), attachment["mimetype"])
    return message


class QueuedEmailBackend(BaseEmailBackend):
    """Puts the messages in the task queue, one job per call (a batch shares one connection
    to the mail server when it is sent)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        payload = [to_json(message) for message in email_messages]
        if not payload:
            return 0
        recipients = sum(len(m["to"]) + len(m["cc"]) + len(m["bcc"]) for m in payload)
        jobs.start(
            deliver,
            title=gettext_noop("E-mail “%(subject)s” to %(recipients)s recipient(s)"),
            params={
                "messages": payload,
                "title_args": {"subject": payload[0]["subject"][:120], "recipients": recipients},
            },
        )
        return len(payload)


@jobs.job_function
def deliver(job: jobs.Running) -> jobs.Outcome:
    """Send a batch with the real backend, over one connection; any failure fails the job."""
    messages = [from_json(data) for data in job.params["messages"]]
    job.progress(0, len(messages), unit=gettext_noop("e-mails"), step=gettext_noop("Sending"))
    with get_connection(settings.METROSCOPE_EMAIL_DELIVERY_BACKEND, fail_silently=False) as mail:
        sent = mail.send_messages(messages) or 0
    if sent != len(messages):
        raise RuntimeError(f"the mail server took {sent} of {len(messages)} messages")
    return jobs.Outcome(result={"sent": sent})
