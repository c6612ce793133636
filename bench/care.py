"""Care benchmark: the clinician's screens of the demo clinic (a patient's record, a signed
infusion chart, the progress page, today's treatments and the outcomes dashboard), rendered
in this process as a signed-in clinician: median and 90th-percentile time and SQL queries
per page.

Run by bench/run.sh after load_demo, with the server's settings in the environment. Every
view is written to the audit log, as in real use, so that cost is included.
"""

import statistics
import time

import django

RUNS = 30
BUDGET_MS = 150


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clinician = get_user_model().objects.get(username="daniel.okafor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clinician)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=clinician).persistent_id
    session.save()
    return client


def screens() -> dict[str, str]:
    from klearmind.care.models import InfusionChart, Patient

    jamie = Patient.objects.with_email("jamie.fox@example.com").get()
    chart = InfusionChart.objects.filter(patient=jamie).signed().order_by("-pk").first()
    return {
        "patient record": f"/admin/care/patients/{jamie.pk}/",
        "signed chart": f"/admin/care/charts/{chart.pk}/",
        "progress": f"/admin/care/patients/{jamie.pk}/progress/",
        "today's treatments": "/admin/care/today/",
        "outcomes dashboard": "/admin/care/outcomes/",
    }


def measure(client, url: str) -> tuple[list[float], int]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"care: {url} answered {response.status_code}")
    # Django empties the query log at the start of every request; keep this one's.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # read now: the log is emptied again by the next request
    finally:
        request_started.connect(reset_queries)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, count


def main() -> None:
    django.setup()
    client = signed_in_client()
    for name, url in screens().items():
        timings, queries = measure(client, url)
        median = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1]
        verdict = "PASS" if median < BUDGET_MS else "FAIL"
        print(
            f"care: {name}: median {median:.1f} ms, p90 {p90:.1f} ms, {queries} SQL queries "
            f"({RUNS} runs); budget {BUDGET_MS} ms {verdict}"
        )


if __name__ == "__main__":
    main()
