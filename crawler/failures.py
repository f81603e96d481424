"""Turns a Twisted/Scrapy download failure into one line naming the fault and the URL."""

from __future__ import annotations

import re
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from crawler.parsers.errors import ParseError


def describe_failure(failure: Failure) -> str:
    """`HTTP 500 at https://...`, `timed out at ...`, `connection refused at ...`."""
    request = getattr(failure, "request", None)
    url = getattr(request, "url", "?")
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        return f"HTTP {response.status} at {response.url}"
    name = type(error).__name__
    if isinstance(error, TimeoutError | TCPTimedOutError) or name == "DownloadTimeoutError":
        return f"timed out at {url}"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused at {url}"
    if isinstance(error, DNSLookupError):
        return f"host not found at {url}"
    if isinstance(error, IgnoreRequest):
        return f"{error} (at {url})"
    if isinstance(error, ConnectionLost | ResponseFailed) or name == "ResponseDataLossError":
        return f"connection lost mid-response at {url}"
    message = str(failure.value).strip().splitlines()[0] if str(failure.value).strip() else ""
    return f"{type(failure.value).__name__} at {url}" + (f": {message}" if message else "")


def strict_text(response: Any) -> str:
    """The body as text, in the charset its Content-Type declares, else UTF-8 (JSON is always
    UTF-8). Bytes that do not decode are a ParseError, never guessed into another encoding or
    replaced by characters that would end up in stored data as if the source had said them."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    declared = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    json_body = "json" in content_type.lower()
    encoding = declared.group(1).lower() if declared and not json_body else "utf-8"
    try:
        return bytes(response.body).decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise ParseError(f"{response.url}: body is not valid {encoding} text") from None


def parse_failure(exc: Exception, response: Any) -> str:
    """What a parse of a response failed on: the ParseError's text, or a body that is not text."""
    if isinstance(exc, AttributeError):  # a non-text body (binary) has no .text
        return f"HTTP {response.status} at {response.url}: body is not text"
    return str(exc)
