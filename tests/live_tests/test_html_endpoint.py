"""An endpoint that answers an HTML page (a captive portal, a proxy, a wrong --endpoint-url):
one line and exit 2, never botocore's parser traceback (issue 12). The server is a local
``http.server`` on 127.0.0.1 that answers every request with the same page."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.load.live import FetchError, decode_authorization_message, fetch_account
from core.load.samples import sample_path
from tui.cli import main

PAGE = b"<html><body><h1>Welcome to nginx!</h1></body></html>"


class _Html(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def html_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_from_an_html_endpoint_is_one_line(aws_env: None, html_endpoint: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_account(endpoint_url=html_endpoint, region="us-east-1")
    message = str(info.value)
    assert "is not an AWS response" in message and "check --endpoint-url" in message
    assert "\n" not in message


def test_decode_from_an_html_endpoint_is_one_line(aws_env: None, html_endpoint: str) -> None:
    with pytest.raises(FetchError, match="is not an AWS response"):
        decode_authorization_message("AAAA", profile=None, endpoint_url=html_endpoint)


def test_cli_fetch_from_an_html_endpoint_exits_2(
    aws_env: None, html_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snapshot.json"
    code = main(["fetch", "--endpoint-url", html_endpoint, "--region", "us-east-1", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1 and "is not an AWS response" in captured.err
    assert "Traceback" not in captured.err and not out.exists()
    # explain-denial --encoded decodes through STS with a named profile.
    config = tmp_path / "config"
    config.write_text("[profile html]\nregion = us-east-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[html]\naws_access_key_id = testing\naws_secret_access_key = x\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_CONFIG_FILE", str(config))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        code = main(
            [
                "explain-denial",
                "--profile",
                "html",
                "--endpoint-url",
                html_endpoint,
                "--encoded",
                "A" * 60,
                "--snapshot",
                str(sample_path("classic-story")),
            ]
        )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is not an AWS response" in err
