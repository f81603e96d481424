"""Turns a Twisted/Scrapy download failure into one line naming the fault and the URL."""

from __future__ import annotations

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


def describe_failure(failure: Failure) -> str:
    """`HTTP 500 at https://...`, `timed out at ...`, `connection refused at ...`."""
    request = getattr(failure, "request", None)
    url = getattr(request, "url", "?")
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        return f"HTTP {response.status} at {response.url}"
    if isinstance(error, TimeoutError | TCPTimedOutError):
        return f"timed out at {url}"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused at {url}"
    if isinstance(error, DNSLookupError):
        return f"host not found at {url}"
    if isinstance(error, ConnectionLost | ResponseFailed):
        return f"connection lost mid-response at {url}"
    message = str(failure.value).strip().splitlines()[0] if str(failure.value).strip() else ""
    return f"{type(failure.value).__name__} at {url}" + (f": {message}" if message else "")
