"""The fake Stripe (the `localstripe` package, a development dependency) on a free loopback
port: a stateful server speaking Stripe's API that also serves a fake Stripe.js at
`/js.stripe.com/v3/`. The tests start one per run; `make run` starts one when
KLEARMIND_FAKE_STRIPE is set (README, "Payments")."""

import socket
import subprocess  # nosec B404: starts the fake Stripe, for tests and the demo only
import sys
import time
from dataclasses import dataclass

# Keys in Stripe's test-mode shape; the fake server takes any key.
SECRET_KEY = "sk_test_klearmind"  # noqa: S105 (a key for the fake server only)
PUBLISHABLE_KEY = "pk_test_klearmind"
WEBHOOK_SECRET = "whsec_klearmind_test"  # noqa: S105 (the fake server's only)


@dataclass
class FakeStripe:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def settings(self) -> dict:
        """The settings that point the site at this server."""
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.url,
            "STRIPE_JS_URL": f"{self.url}/js.stripe.com/v3/",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*, port: int | None = None, wait_seconds: float = 30) -> FakeStripe:
    """Starts the server and returns once it accepts connections."""
    port = port or free_port()
    # Our own interpreter and a fixed module, no input: ruff's S603 and bandit's B603 agree.
    process = subprocess.Popen(  # noqa: S603  # nosec B603
        # localstripe, taught the parameters it lacks (fake_stripe_server).
        [
            sys.executable,
            "-m",
            "klearmind.payments.fake_stripe_server",
            "--port",
            str(port),
            "--from-scratch",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"The fake Stripe did not start on port {port}.") from None
            time.sleep(0.05)
    return FakeStripe(url=f"http://127.0.0.1:{port}", process=process)
