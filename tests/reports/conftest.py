"""Shared fixtures of the report tests."""

import http.server
import threading

import pytest


@pytest.fixture
def recording_server():
    """A local HTTP server that records every request: a report must never make one."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()


@pytest.fixture
def published_table():
    """Builds a published table by hand (the disclosure step's output schema), threshold 5."""
    import pandas as pd

    def build(rows):
        columns = ["table", "scope", "variable", "category", "status", "n", "N", "prop", "ci_low", "ci_high"]
        return pd.DataFrame(rows, columns=columns).assign(threshold=5).astype({"n": "Int64", "N": "Int64"})

    return build
