"""The fake Stripe's server: localstripe, taught the few parameters of Stripe's API that the
clinic sends and localstripe does not know yet, so the code under test sends what it sends to
Stripe itself. Run by `fake_stripe.start` as `python -m klearmind.payments.fake_stripe_server`.

- A PaymentIntent's `setup_future_usage` ("off_session" or "on_session"): kept on the intent.
- A PaymentIntent's `description`: kept on the intent."""

from localstripe import resources, server
from localstripe.errors import UserError

FUTURE_USAGES = ("off_session", "on_session")


def teach() -> None:
    known = resources.PaymentIntent.__init__

    def payment_intent(self, setup_future_usage=None, description=None, **data):
        if setup_future_usage not in (None, "", *FUTURE_USAGES):
            raise UserError(400, "Bad request")
        if description is not None and not isinstance(description, str):
            raise UserError(400, "Bad request")
        known(self, **data)
        self.setup_future_usage = setup_future_usage or None
        self.description = description

    resources.PaymentIntent.__init__ = payment_intent


if __name__ == "__main__":
    teach()
    server.start()
