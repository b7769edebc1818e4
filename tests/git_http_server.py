"""Git over HTTP on 127.0.0.1 with GitHub-style token authentication, for push tests.

``GitHttpServer(repo_root, token)`` serves the bare repositories under ``repo_root`` through
``git http-backend`` (CGI), the way GitHub serves ``https://github.com/OWNER/NAME.git``: every
request must carry ``Authorization: Basic base64(x-access-token:TOKEN)``; anything else gets
401 with a ``WWW-Authenticate`` challenge. It records the request line and headers it saw, so a
test can prove where the token travelled (a header, never the URL)::

    with GitHttpServer(tmp_path / "remotes", "t0ken") as server:
        url = server.url("gitops.git")          # http://127.0.0.1:PORT/gitops.git
        ...
        assert all("t0ken" not in r.path for r in server.requests)
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from .loopback import LoopbackServer

HTTP_BACKEND = (
    Path(
        subprocess.run(
            ["git", "--exec-path"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or "/usr/lib/git-core"
    )
    / "git-http-backend"
)
USER = "x-access-token"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str  # as sent, query string included
    headers: dict[str, str]  # lower-cased names
    status: int


class GitHttpServer(LoopbackServer):
    """A threaded loopback git server; ``token`` is the only password it accepts."""

    thread_name = "git-http"

    def __init__(self, repo_root: Path | str, token: str) -> None:
        self.repo_root = Path(repo_root).resolve()
        self.token = token
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        super().__init__()

    def start(self) -> GitHttpServer:
        if not HTTP_BACKEND.exists():
            raise RuntimeError(f"{HTTP_BACKEND} is missing: git http-backend is needed")
        for repo in self.bare_repositories():
            self.enable_push(repo)
        return super().start()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(_Handler):
            server_owner = owner

        return Handler

    def url(self, name: str) -> str:
        """The clone URL of the bare repository ``repo_root/name``."""
        return f"http://127.0.0.1:{self.port}/{name}"

    def bare_repositories(self) -> list[Path]:
        return sorted(
            p.parent for p in self.repo_root.glob("*/HEAD") if (p.parent / "objects").is_dir()
        )

    @staticmethod
    def enable_push(bare: Path) -> None:
        """Let ``git http-backend`` accept pushes into ``bare`` (``http.receivepack``)."""
        subprocess.run(
            ["git", "--git-dir", str(bare), "config", "http.receivepack", "true"], check=True
        )

    def authorized(self, header: str | None) -> bool:
        if not header:
            return False
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        return decoded == f"{USER}:{self.token}"

    def record(self, request: SeenRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    server_owner: GitHttpServer
    protocol_version = "HTTP/1.0"  # one request per connection: simple and what git expects

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        owner = self.server_owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self._body()
        if not owner.authorized(self.headers.get("Authorization")):
            owner.record(SeenRequest(self.command, self.path, headers, 401))
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        split = urlsplit(self.path)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GIT_") or k in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL")
        }
        env.update(
            {
                "GIT_PROJECT_ROOT": str(owner.repo_root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "REMOTE_USER": USER,
                "REMOTE_ADDR": self.client_address[0],
                "REQUEST_METHOD": self.command,
                "PATH_INFO": split.path,
                "QUERY_STRING": split.query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "GATEWAY_INTERFACE": "CGI/1.1",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_SOFTWARE": "gitops-promote-tests",
            }
        )
        for name in ("Content-Encoding", "Git-Protocol"):
            value = self.headers.get(name)
            if value:
                env["HTTP_" + name.upper().replace("-", "_")] = value
        done = subprocess.run(
            [str(HTTP_BACKEND)], input=body, capture_output=True, env=env, check=False
        )
        head, sep, payload = done.stdout.partition(b"\r\n\r\n")
        if not sep:
            head, sep, payload = done.stdout.partition(b"\n\n")
        status = 200
        out_headers: list[tuple[str, str]] = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                out_headers.append((name, value.strip()))
        if done.returncode != 0 and not sep:
            status, out_headers, payload = 500, [("Content-Type", "text/plain")], done.stderr
        owner.record(SeenRequest(self.command, self.path, headers, status))
        self.send_response(status)
        for name, value in out_headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve


def git_available() -> bool:
    return shutil.which("git") is not None and HTTP_BACKEND.exists()
