"""The channels a message goes out by. E-mail renders the kind's text template and its HTML
alternative; an SMS channel would register beside it and render a `.sms.txt` template."""

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
