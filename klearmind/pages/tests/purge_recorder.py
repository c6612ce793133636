"""A local stand-in for a caching proxy's purge endpoint, configured as Wagtail's frontend cache."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings


@contextmanager
def recorded_purges():
    """Yields the list of addresses (host and path) the site asks the proxy to purge."""
    purged = []

    class PurgeHandler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            purged.append(f"{self.headers['Host']}{self.path}")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    backend = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": f"http://127.0.0.1:{server.server_port}",
    }
    try:
        with override_settings(WAGTAILFRONTENDCACHE={"proxy": backend}):
            yield purged
    finally:
        server.shutdown()
        server.server_close()
