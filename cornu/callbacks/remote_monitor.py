"""``RemoteMonitor``: POST each epoch's results to an HTTP server."""
import ipaddress
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from cornu.callbacks.callback import Callback


def _validate_url(root, path):
    """Refuse non-HTTP schemes and paths that change the host (as Keras 3 does)."""
    root_parsed = urllib.parse.urlparse(root)
    if root_parsed.scheme not in ("http", "https"):
        raise ValueError(f"Invalid URL scheme '{root_parsed.scheme}'. Only 'http' and 'https' are allowed.")
    full = urllib.parse.urlparse(root + path)
    if full.hostname != root_parsed.hostname:
        raise ValueError(
            f"Host injection detected: the combined URL hostname '{full.hostname}' does not match the root "
            f"hostname '{root_parsed.hostname}'. Ensure 'path' does not contain '@', scheme separators, or "
            "other authority-altering characters.")
    if not full.hostname:
        raise ValueError("URL must contain a valid hostname.")


def _check_not_link_local(hostname):
    """Refuse link-local targets (cloud metadata services), checked at request time."""
    try:
        infos = socket.getaddrinfo(hostname, None)
    except socket.gaierror as exc:
        raise ValueError(f"Unable to resolve hostname '{hostname}': {exc}") from exc
    for info in infos:
        try:
            ip = ipaddress.ip_address(info[4][0])
        except ValueError:
            continue
        if ip.is_link_local:
            raise ValueError(f"Requests to link-local IP addresses are not allowed (SSRF protection): "
                             f"'{ip}' resolved from '{hostname}'.")


class RemoteMonitor(Callback):
    """Send ``{"epoch": epoch, **logs}`` as an HTTP POST at the end of each epoch.

    Uses only the standard library (``urllib``), with a 10 s timeout; an
    unreachable server gives a warning, never an error.

    Args:
        root: root URL of the server.
        path: path relative to ``root`` the events are posted to.
        field: form field holding the JSON (when ``send_as_json=False``).
        headers: extra HTTP headers (dict).
        send_as_json: post the JSON itself with ``Content-Type:
            application/json`` instead of a form.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        _validate_url(root, path)
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json
        self.timeout = 10

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        _check_not_link_local(urllib.parse.urlparse(self.root).hostname)
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
