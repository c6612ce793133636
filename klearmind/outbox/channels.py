"""The channels a message goes out by. E-mail renders the kind's text template and its HTML
alternative. A text-message channel registers beside it as "text" (`register_channel("text",
send)`, rendering a `.sms.txt` template) once the clinic has a provider; until then a text is
held back, as it is for anyone who has not agreed to texts (`services.hold_reason`)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template

from .registry import Built, register_channel


def render_email(*, template: str, built: Built, recipient: str) -> EmailMultiAlternatives:
    # A plain string, not the template's safe one: the HTML version escapes what it quotes.
    text = render_to_string(f"{template}.txt", built.context).encode().decode()
    message = EmailMultiAlternatives(
        built.subject,
        text,
        from_email=built.from_email,
        to=[recipient],
        headers=built.headers,
    )
    html = select_template([f"{template}.html", "outbox/email/base.html"])
    context = {**built.context, "text": text, "subject": built.subject}
    message.attach_alternative(html.render(context), "text/html")
    for name, content, mimetype in built.attachments:
        message.attach(name, content, mimetype)
    return message


def send_email(*, template: str, built: Built, recipient: str) -> None:
    render_email(template=template, built=built, recipient=recipient).send()


register_channel("email", send_email)
