"""Gunicorn settings for production, the benchmark and the load drill.

    gunicorn -c deploy/gunicorn.conf.py klearmind.wsgi:application

Each value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_WORKER_CLASS, GUNICORN_THREADS, GUNICORN_KEEPALIVE, GUNICORN_TIMEOUT). Why these
defaults: docs/decisions/016-serving-behind-nginx.md.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", _cores()))
# Gunicorn quietly turns sync workers with threads into gthread ones; sync means one thread.
threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Several gunicorns on one host would share the default control socket path.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
