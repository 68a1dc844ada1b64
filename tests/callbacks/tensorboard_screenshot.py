"""Serve a log folder with the real TensorBoard and screenshot its Scalars page with headless Chromium.

Usage: ``python tests/callbacks/tensorboard_screenshot.py LOGDIR OUT.png [TAG]``

Also imported by the tests for its helpers (free port, bounded server start,
HTTP JSON queries). Everything listens on 127.0.0.1 only and every wait is
bounded.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

CHROMIUM = "/usr/bin/chromium"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        return response.read()


def get_json(url, timeout=10):
    return json.loads(get(url, timeout))


@contextlib.contextmanager
def tensorboard_server(logdir, timeout=90):
    """Run ``tensorboard --logdir`` on a free loopback port; yield its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1",
           "--port", str(port), "--load_fast", "false", "--reload_interval", "1"]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"tensorboard exited ({proc.returncode}): {log.read().decode()[-2000:]}")
            try:
                get_json(base + "/data/runs", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"tensorboard did not answer on {base} within {timeout}s") from None
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def wait_for_scalars(base, run, tag, count, timeout=60):
    """The ``[[wall_time, step, value], ...]`` series once it has ``count`` points (bounded wait)."""
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    deadline = time.monotonic() + timeout
    while True:
        try:
            series = get_json(f"{base}/data/plugin/scalars/scalars?{query}")
            if len(series) >= count:
                return series
        except urllib.error.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"scalars {run}/{tag} did not reach {count} points within {timeout}s")
        time.sleep(0.5)


def screenshot(url, out_png, chromium=CHROMIUM, timeout=120):
    """Headless Chromium screenshot of ``url`` (1280x900) into ``out_png``."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--hide-scrollbars",
           "--virtual-time-budget=20000", f"--screenshot={os.path.abspath(out_png)}", "--window-size=1280,900",
           url]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not os.path.exists(out_png):
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return out_png


def main(argv):
    logdir, out_png = argv[1], argv[2]
    tag = argv[3] if len(argv) > 3 else "epoch_loss"
    with tensorboard_server(logdir) as base:
        wait_for_scalars(base, "train", tag, 1)
        screenshot(f"{base}/?darkMode=false#scalars&tagFilter={urllib.parse.quote(tag)}", out_png)
    print(out_png)


if __name__ == "__main__":
    main(sys.argv)
