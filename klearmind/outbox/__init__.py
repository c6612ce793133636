"""The one outbox: every message the product sends (e-mail now, SMS later) is a row here,
delivered by the task worker with retries, claimed so it goes out once, swept when its task
was lost. The outbox imports no domain app: each app registers a builder per kind of message
that turns the ids the row holds into the message's context at send time."""
