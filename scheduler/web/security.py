"""Who may use the review page and how: sign-in (token, configured users, or a trusted proxy
header), signed session cookies, and the checks against cross-site requests and rebinding."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

from .data import WebSettings

COOKIE = "legistrack_session"
SESSION_SECONDS = 12 * 3600
HASH_SCHEME = "pbkdf2_sha256"
HASH_ITERATIONS = 600_000
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SetupError(Exception):
    """The web settings cannot be used as given: one line for the operator."""


def hash_password(password: str, iterations: int = HASH_ITERATIONS, salt: str = "") -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hash>`, for [[web.users]] password_hash."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{HASH_SCHEME}${iterations}${salt}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, _ = stored.split("$", 3)
        if scheme != HASH_SCHEME:
            return False
        return hmac.compare_digest(hash_password(password, int(iterations), salt), stored)
    except ValueError:
        return False


def expand_secret(value: str) -> str:
    """`${VAR}` read from the environment; a missing variable names itself, never a value."""

    def read(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise SetupError(f"web.token: environment variable {name} is not set")
        return os.environ[name]

    return _VAR.sub(read, value)


@dataclass(frozen=True)
class Guard:
    """The settings the server runs with, resolved: the mode, the secret token, the hosts."""

    mode: str  # none | token | users | proxy
    token: str | None
    users: dict[str, str]  # name -> password hash
    proxy_header: str
    hosts: frozenset[str]  # Host header values answered (DNS rebinding defence)
    origins: frozenset[str]  # scheme://host[:port] allowed in Origin besides the request's own
    secure_cookie: bool
    local_user: str
    key: bytes

    @classmethod
    def build(cls, settings: WebSettings, host: str, port: int, local_user: str) -> Guard:
        if settings.auth == "none" and host not in LOOPBACK:
            raise SetupError(
                f"serve: --host {host} would expose the review page without sign-in; "
                "set [web] auth to token, users or proxy (or bind 127.0.0.1)"
            )
        token = expand_secret(settings.token) if settings.token else None
        if settings.auth == "token" and not token:
            raise SetupError('web.token: auth = "token" needs a token, like "${WEB_TOKEN}"')
        hosts = set(LOOPBACK) | {host}
        origins = set()
        if settings.base_url:
            base = urlsplit(settings.base_url)
            hosts.add(base.hostname or "")
            origins.add(f"{base.scheme}://{base.netloc}")
        return cls(
            mode=settings.auth,
            token=token,
            users={u.name: u.password_hash for u in settings.users},
            proxy_header=settings.proxy_header,
            hosts=frozenset(h for h in hosts if h),
            origins=frozenset(origins),
            secure_cookie=bool(settings.base_url and settings.base_url.startswith("https:")),
            local_user=local_user,
            key=secrets.token_bytes(32),
        )

    # -- requests from elsewhere --------------------------------------------------------------

    def host_allowed(self, request: Request) -> bool:
        host = request.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in self.hosts or host in self.hosts

    def cross_site(self, request: Request) -> str | None:
        """Why a state-changing request looks cross-site, or None when it comes from this site."""
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site and fetch_site not in ("same-origin", "none"):
            return f"Sec-Fetch-Site: {fetch_site}"
        origin = request.headers.get("origin")
        if origin is None:
            return None  # not a browser's cross-site request: browsers send Origin with a POST
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != own and origin not in self.origins:
            return f"Origin {origin} is not this site"
        return None

    # -- who is asking ------------------------------------------------------------------------

    def reviewer(self, request: Request) -> str | None:
        """The signed-in reviewer's name, or None when the request must sign in first."""
        if self.mode == "none":
            return self.local_user
        if self.mode == "proxy":
            name = request.headers.get(self.proxy_header, "").strip()
            return name[:128] or None
        from_cookie = self.read_session(request.cookies.get(COOKIE, ""), _now())
        return from_cookie or self._from_header(request)

    def _from_header(self, request: Request) -> str | None:
        """API clients and feed readers: `Authorization: Bearer TOKEN` (token mode), or Basic
        with a name and the token (token mode) or the user's password (users mode)."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and self.mode == "token" and self.token:
            return "api" if hmac.compare_digest(value.strip(), self.token) else None
        if scheme.lower() != "basic":
            return None
        try:
            name, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return name[:128] if name and self.sign_in(name, secret) else None

    def sign_in(self, name: str, secret: str) -> bool:
        if self.mode == "token":
            return bool(self.token) and hmac.compare_digest(secret, self.token or "")
        if self.mode == "users":
            stored = self.users.get(name)
            return stored is not None and check_password(secret, stored)
        return False

    def session_value(self, name: str, now: int) -> str:
        body = base64.urlsafe_b64encode(f"{name}\n{now + SESSION_SECONDS}".encode()).decode()
        return f"{body}.{self._mac(body)}"

    def read_session(self, value: str, now: int) -> str | None:
        body, _, mac = value.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            name, _, expires = base64.urlsafe_b64decode(body).decode().partition("\n")
            return name if int(expires) > now else None
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None

    def _mac(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()


def _now() -> int:
    return int(time.time())
