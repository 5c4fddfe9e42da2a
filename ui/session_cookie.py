"""The session cookie, set by the server so that it is HttpOnly: no script in the page can read
it, so a script that got into the page (a crafted file name, a component) cannot steal it.

Streamlit's scripts cannot send HTTP headers; the server (server.py's `st.App`) has this one
route besides Streamlit's. After a sign-in the script hands the token over for a one-time code
(`hand_off`); the page posts the code to the route, whose answer carries
`Set-Cookie: ydbq_session=…; HttpOnly; SameSite=Strict; Path=/` (and `Secure` over https). The
code is worth one use within a minute; the token never reaches the page's scripts. Sign-out asks
the route to clear the cookie (the session already ended in the store).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE = "ydbq_session"
PATH = "/_ydbq/session"
# A header no cross-site form or plain fetch can send without the server's consent (CORS
# preflight, which this route never grants): another site cannot drive the route.
HEADER = "X-Ydbq-Session"
CODE_LIFETIME = 60.0  # seconds
MAX_AGE = 12 * 60 * 60  # data.accounts.SESSION_LIMIT: the store ends the session then anyway

_pending: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def hand_off(token: str) -> str:
    """A one-time code the page exchanges at PATH for the cookie holding `token`."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for key in [k for k, (_, until) in _pending.items() if until < now]:
            del _pending[key]
        _pending[_digest(code)] = (token, now + CODE_LIFETIME)
    return code


def _take(code: str) -> str | None:
    with _lock:
        token, until = _pending.pop(_digest(code), (None, 0.0))
    return token if token is not None and until >= time.monotonic() else None


def _cookie(request: Request, value: str, max_age: int) -> str:
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    parts = [f"{COOKIE}={value}", f"Max-Age={max_age}", "Path=/", "HttpOnly", "SameSite=Strict"]
    return "; ".join(parts + (["Secure"] if secure else []))


async def session_route(request: Request) -> Response:
    """POST a one-time code: the cookie is set. DELETE: the cookie is cleared."""
    if request.headers.get(HEADER) != "1" or request.headers.get("sec-fetch-site") not in (
        None,
        "same-origin",
    ):
        return Response(status_code=403)
    if request.method == "DELETE":
        return Response(status_code=204, headers={"Set-Cookie": _cookie(request, "", 0)})
    token = _take((await request.body()).decode(errors="replace")[:100])
    if token is None:
        return Response(status_code=403)
    return Response(status_code=204, headers={"Set-Cookie": _cookie(request, token, MAX_AGE)})


ROUTES = [Route(PATH, session_route, methods=["POST", "DELETE"])]


def script(token: str) -> str:
    """The page's part: exchange a code for the cookie (a token), or clear it ("")."""
    method, body = ("POST", f", body: {hand_off(token)!r}") if token else ("DELETE", "")
    return (
        f"<script>fetch({PATH!r}, {{method: {method!r}, credentials: 'same-origin', "
        f"headers: {{{HEADER!r}: '1'}}{body}}});</script>"
    )
