"""The review page's application: its pages, sign-in, and the guards every request passes."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import api
from .data import KINDS, OUTCOMES, STAGES, AlertFilter, Data, NotFound, eastern_day, marked_body
from .feed import FEED_MAX, atom_feed
from .security import COOKIE, SAFE_METHODS, SESSION_SECONDS, Guard
from .svg import timeline_svg

HERE = Path(__file__).parent
T = TypeVar("T")
PUBLIC = ("/static/", "/signin")
SHOWN_MAX = 500  # rows the queue lists; the filter narrows, bulk "shown" acts on every match
FILTERS = ("state", "rule", "severity", "note", "kind", "subject", "age", "q")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class BulkForm(BaseModel):
    """The queue's bulk form: the alerts ticked (or all the filter shows), what to do, and the
    filter itself so the queue comes back as it was."""

    action: str
    scope: str = "selected"  # selected | shown
    ids: list[int] = []
    outcome: str | None = None
    comment: str | None = None
    state: str = "active"
    rule: str = ""
    severity: str = ""
    note: str = ""
    kind: str = ""
    subject: str = ""
    age: str = ""
    q: str = ""


def now() -> datetime:
    return datetime.now(UTC)


def create_app(data: Data, guard: Guard) -> FastAPI:
    """The application on one database; `guard` says who may sign in and from where."""
    app = FastAPI(
        title="legistrack review API",
        version="1",
        summary="Staleness alerts, measures, bills and notes as legistrack stores them.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is served
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.data = data
    app.state.guard = guard
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.autoescape = True  # every template, whatever its name: sources' text is text
    templates.env.globals.update(
        day=eastern_day,
        outcomes=OUTCOMES,
        stages=STAGES,
        kinds=KINDS,
        timeline=timeline_svg,
    )
    templates.env.filters["words"] = lambda name: str(name or "").replace("_", " ")
    templates.env.filters["href"] = href
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)

    @app.middleware("http")
    async def guard_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await _guarded(request, call_next, guard)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, exc.status_code)
        return page(request, "error.html", {"message": exc.detail}, exc.status_code)

    def page(
        request: Request, name: str, context: dict[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        context = {
            "reviewer": getattr(request.state, "reviewer", None),
            "mode": guard.mode,
            "now": now(),
            **context,
        }
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    app.state.page = page
    app.state.shown_max = SHOWN_MAX
    app.state.feed_max = FEED_MAX

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def queue(request: Request) -> HTMLResponse:
        wanted = filter_from(request.query_params)
        found = data.queue(wanted, now(), limit=request.app.state.shown_max)
        return page(
            request,
            "queue.html",
            {
                "queue": found,
                "wanted": wanted,
                "query": query_of(wanted),
                "done": request.query_params.get("done"),
                "n": request.query_params.get("n"),
                "skipped": request.query_params.get("skipped"),
            },
        )

    @app.post("/alerts/bulk", include_in_schema=False)
    def bulk(
        request: Request,
        form: Annotated[BulkForm, Form()],
    ) -> Response:
        wanted = filter_from(form.model_dump())
        ids, comment = form.ids, form.comment
        target = _target(form.action, form.outcome)
        outcome = form.outcome if target == "resolved" else None
        if form.scope == "shown":
            ids = [a["id"] for a in data.queue(wanted, now()).alerts]
        problems = data.change(ids, target, request.state.reviewer, comment or None, outcome)
        back = {
            **query_of(wanted),
            "done": target,
            "n": len(ids) - len(problems),
            "skipped": len(problems),
        }
        return RedirectResponse(f"/?{urlencode(back)}", status_code=303)

    @app.get("/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
    def alert(request: Request, alert_id: int) -> HTMLResponse:
        found = _found(lambda: data.alert(alert_id, now()))
        picture = timeline_svg(
            found.tracks, now(), found.note_date, found.measure.name if found.measure else ""
        )
        return page(
            request,
            "alert.html",
            {
                "page": found,
                "record_kind": type(found.record).__name__,
                "a": found.alert,
                "picture": picture,
                "problem": request.query_params.get("problem"),
            },
        )

    @app.post("/alerts/{alert_id}/ack", include_in_schema=False)
    def ack(request: Request, alert_id: int, comment: Annotated[str, Form()] = "") -> Response:
        problems = data.change(
            [alert_id], "acknowledged", request.state.reviewer, comment or None, None
        )
        return _back_to(alert_id, problems)

    @app.post("/alerts/{alert_id}/resolve", include_in_schema=False)
    def resolve(
        request: Request,
        alert_id: int,
        outcome: Annotated[str, Form()],
        comment: Annotated[str, Form()] = "",
    ) -> Response:
        _target("resolve", outcome)
        problems = data.change(
            [alert_id], "resolved", request.state.reviewer, comment or None, outcome
        )
        return _back_to(alert_id, problems)

    @app.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status(request: Request) -> HTMLResponse:
        report, tracks = data.status(now())
        pictures = {
            m.name: timeline_svg(tracks.get(m.name, []), now(), None, m.name)
            for m in report.measures
        }
        return page(request, "status.html", {"report": report, "pictures": pictures})

    @app.get("/measures/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def measure(request: Request, name: str) -> HTMLResponse:
        report, tracks = data.status(now())
        found = [m for m in report.measures if m.name == name]
        if not found:
            raise HTTPException(404, f"no configured measure {name}")
        picture = timeline_svg(tracks.get(name, []), now(), None, name)
        return page(request, "measure.html", {"m": found[0], "picture": picture})

    @app.get("/bills/{court}/{number}", response_class=HTMLResponse, include_in_schema=False)
    def bill(request: Request, court: int, number: str) -> HTMLResponse:
        found = _found(lambda: data.bill(court, number, now()))
        return page(request, "bill.html", {"b": found, "court": court, "number": number})

    @app.get("/bills/{court}/{number}/diff", response_class=HTMLResponse, include_in_schema=False)
    def diff(
        request: Request, court: int, number: str, since: str = "", until: str = ""
    ) -> HTMLResponse:
        start, end = _stamp_or_none(since), _stamp_or_none(until)
        key, change = _found(lambda: data.diff(court, number, start, end))
        return page(
            request, "diff.html", {"key": key, "d": change, "court": court, "number": number}
        )

    @app.get("/orders", response_class=HTMLResponse, include_in_schema=False)
    def orders(request: Request) -> HTMLResponse:
        report, _ = data.status(now())
        return page(request, "orders.html", {"orders": report.executive_orders})

    @app.get("/news", response_class=HTMLResponse, include_in_schema=False)
    def news(request: Request, subject: str = "") -> HTMLResponse:
        found = data.news(subject or None)
        by_subject: dict[str, list[Any]] = {}
        for story in found:
            for key in story.subjects or ("(keywords only)",):
                by_subject.setdefault(key, []).append(story)
        return page(
            request,
            "news.html",
            {"by_subject": dict(sorted(by_subject.items())), "subject": subject},
        )

    @app.get("/notes", response_class=HTMLResponse, include_in_schema=False)
    def notes(request: Request) -> HTMLResponse:
        results, errors = data.notes(now())
        return page(request, "notes.html", {"results": results, "errors": errors})

    @app.get("/notes/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def note(request: Request, name: str) -> HTMLResponse:
        result = _found(lambda: data.note(name, now()))
        body = marked_body(result.note.body, [f.note_says for f in result.findings])
        return page(request, "note.html", {"r": result, "body": body})

    @app.get("/stats", response_class=HTMLResponse, include_in_schema=False)
    def stats(request: Request) -> HTMLResponse:
        return page(request, "stats.html", {"rules": data.stats(), "outcomes": OUTCOMES})

    @app.get("/feed.atom", include_in_schema=False)
    def feed(request: Request) -> Response:
        rows = data.queue(AlertFilter(state="open"), now(), limit=request.app.state.feed_max).alerts
        base = data.config.web.base_url or str(request.base_url).rstrip("/")
        return Response(atom_feed(rows, base, now()), media_type="application/atom+xml")

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    def signin_page(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "signin.html", {"next": _local(next), "failed": False})

    @app.post("/signin", include_in_schema=False)
    def signin(
        request: Request,
        name: Annotated[str, Form()],
        secret: Annotated[str, Form()],
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        name = name.strip()[:128]
        if not name or not guard.sign_in(name, secret):
            context = {"next": _local(next), "failed": True}
            return page(request, "signin.html", context, status_code=401)
        response = RedirectResponse(_local(next), status_code=303)
        response.set_cookie(
            COOKIE,
            guard.session_value(name, int(time.time())),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=guard.secure_cookie,
        )
        return response

    @app.post("/signout", include_in_schema=False)
    def signout() -> Response:
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    return app


async def _guarded(
    request: Request, call_next: Callable[[Request], Awaitable[Response]], guard: Guard
) -> Response:
    """Refuse requests for another host (DNS rebinding), cross-site state changes, and anyone
    not signed in; note who is asking for the handlers."""
    path = request.url.path
    if not guard.host_allowed(request):
        return _refuse(
            path,
            421,
            "this server does not answer for that host name "
            "(set [web] base_url to the address people use)",
        )
    if request.method not in SAFE_METHODS:
        why = guard.cross_site(request)
        if why:
            return _refuse(path, 403, f"cross-site request refused ({why})")
    request.state.reviewer = guard.reviewer(request)
    if request.state.reviewer is None and not path.startswith(PUBLIC):
        if path.startswith("/api/") or path == "/feed.atom" or request.method not in SAFE_METHODS:
            response = _refuse(path, 401, "sign in first")
            response.headers["WWW-Authenticate"] = 'Basic realm="legistrack"'
            return response
        return RedirectResponse(f"/signin?{urlencode({'next': path})}", status_code=303)
    return await call_next(request)


def _refuse(path: str, status: int, message: str) -> Response:
    if path.startswith("/api/"):
        return JSONResponse({"error": message}, status)
    return Response(message + "\n", status, media_type="text/plain; charset=utf-8")


def href(url: str | None) -> str:
    """A link from a source or a note, only when it is http(s): never `javascript:`."""
    text = (url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


def filter_from(params: Any) -> AlertFilter:
    """A queue filter from a query string or form; unknown values are ignored, never errors."""
    values = {key: str(params.get(key) or "").strip() for key in FILTERS}
    state = (
        values["state"]
        if values["state"] in ("active", "open", "acknowledged", "resolved", "all")
        else "active"
    )
    age = values["age"] if values["age"] in ("day", "week", "month", "older") else ""
    return AlertFilter(
        state=state,
        rule=values["rule"] or None,
        severity=values["severity"] or None,
        note=values["note"] or None,
        kind=values["kind"] or None,
        subject=values["subject"] or None,
        age=age or None,
        q=values["q"][:200] or None,
    )


def query_of(wanted: AlertFilter) -> dict[str, str]:
    """The filter as query parameters (only those set), for links and redirects."""
    values = {key: getattr(wanted, key) for key in FILTERS}
    return {k: str(v) for k, v in values.items() if v and not (k == "state" and v == "active")}


def _target(action: str, outcome: str | None) -> str:
    if action in ("ack", "acknowledged"):
        return "acknowledged"
    if action in ("resolve", "resolved"):
        if outcome not in OUTCOMES:
            raise HTTPException(400, f"resolve needs an outcome: {', '.join(OUTCOMES)}")
        return "resolved"
    raise HTTPException(400, f"unknown action {action!r}")


def _back_to(alert_id: int, problems: dict[int, str]) -> Response:
    where = f"/alerts/{alert_id}"
    if problems:
        where += "?" + urlencode({"problem": problems[alert_id]})
    return RedirectResponse(where, status_code=303)


def _local(target: str) -> str:
    """Only a path on this site (no scheme, no //host) is a place to go back to."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _stamp_or_none(text: str) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(400, f"not a date and time: {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _found(load: Callable[[], T]) -> T:
    try:
        return load()
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
