"""RemoteMonitor against a real local HTTP server (127.0.0.1 only, bounded)."""
import http.server
import json
import socket
import threading
import urllib.parse

import pytest
from callback_helpers import data, small_model

from cornu import callbacks


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    srv.received = []
    srv.timeout = 5
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize("as_json", [False, True])
def test_posts_each_epoch(server, as_json):
    root = f"http://127.0.0.1:{server.server_address[1]}"
    x, y = data(n=16)
    monitor = callbacks.RemoteMonitor(root=root, path="/publish/epoch/end/", field="payload",
                                      headers={"X-Run": "abc"}, send_as_json=as_json)
    history = small_model().fit(x, y, epochs=2, batch_size=8, verbose=0, validation_data=(x, y),
                                callbacks=[monitor])
    assert len(server.received) == 2
    for epoch, (path, headers, body) in enumerate(server.received):
        assert path == "/publish/epoch/end/" and headers["X-Run"] == "abc"
        if as_json:
            assert headers["Content-Type"] == "application/json"
            sent = json.loads(body)
        else:
            assert headers["Content-Type"] == "application/x-www-form-urlencoded"
            form = urllib.parse.parse_qs(body.decode())
            assert list(form) == ["payload"]
            sent = json.loads(form["payload"][0])
        expected = {"epoch": epoch, **{k: v[epoch] for k, v in history.history.items()}}
        assert sent == expected


def test_unreachable_server_warns():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monitor = callbacks.RemoteMonitor(root=f"http://127.0.0.1:{port}")
    monitor.timeout = 2
    x, y = data(n=8)
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor"):
        small_model().fit(x, y, epochs=1, verbose=0, callbacks=[monitor])


def test_url_checks():
    with pytest.raises(ValueError, match="scheme"):
        callbacks.RemoteMonitor(root="file:///etc/passwd")
    with pytest.raises(ValueError, match="Host injection"):
        callbacks.RemoteMonitor(root="http://127.0.0.1:9000", path="@evil.example/")
