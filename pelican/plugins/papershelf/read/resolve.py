"""Finding the arXiv id of a paper whose listings gave none: `papershelf resolve`.

It asks the arXiv API (`query`, by title) and accepts an answer only when
exactly one paper there has the same normalised title. Requests are at least
3 seconds apart, as arXiv's terms of use ask; a 503 or 429 waits for its
Retry-After. Answers are Atom, read with feedparser as arXiv's own API manual
does; a body is read with a size and a time limit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ..archive.identity import normalise_title

INTERVAL = 3.0  # seconds between requests (arXiv API terms of use)
MAX_BYTES = 4 << 20  # an answer of 10 entries is about 30 KB
_ABS_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")


class ResolveError(Exception):
    """arXiv cannot be asked now (offline, refusing, too slow); the message says why."""


@dataclass(frozen=True)
class Lookup:
    title: str  # as the listing gives it
    ids: tuple[str, ...]  # arXiv ids whose title is the same: one when found

    @property
    def found(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


class ArxivTitles:
    """Asks arXiv for papers by title, no faster than it allows."""

    def __init__(
        self,
        client: httpx.Client,
        api_url: str,
        interval: float | None = None,  # INTERVAL
        retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client, self.api_url, self.retries = client, api_url, retries
        self.interval = INTERVAL if interval is None else interval
        self.clock, self.sleep = clock, sleep
        self._not_before = float("-inf")  # when the next request may be sent

    def lookup(self, title: str) -> Lookup:
        wanted = normalise_title(title)
        query = f'ti:"{wanted}"'  # the words, as a phrase: punctuation is no query syntax
        body = self._get({"search_query": query, "start": "0", "max_results": "10"})
        return Lookup(title, _same_title(body, wanted))

    def _get(self, params: dict) -> bytes:
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                status, headers, body = self._request(params)
            except httpx.TimeoutException:
                if attempt == self.retries:
                    raise ResolveError(
                        f"{self.api_url}: no answer in time, {self.retries + 1} tries"
                    ) from None
                continue
            except httpx.TransportError as error:
                raise ResolveError(
                    f"cannot reach {self.api_url}: {error or type(error).__name__}"
                    " (are you offline?)"
                ) from None
            if status in (429, 503) or status >= 500:
                if attempt == self.retries:
                    raise ResolveError(f"{self.api_url}: HTTP {status} after {attempt + 1} tries")
                self._not_before = max(self._not_before, self.clock() + _retry_after(headers))
                continue
            if status != 200:
                raise ResolveError(f"{self.api_url}: HTTP {status}")
            return body
        raise AssertionError("unreachable")

    def _wait(self) -> None:
        """Wait until the next request may be sent, and note when this one is."""
        left = self._not_before - self.clock()
        if left > 0:
            self.sleep(left)
        self._not_before = self.clock() + self.interval

    def _request(self, params: dict) -> tuple[int, httpx.Headers, bytes]:
        """One GET, its body read whole within the client's read timeout and
        MAX_BYTES: a server that trickles or floods is cut off."""
        deadline = time.monotonic() + (self.client.timeout.read or 30.0)
        with self.client.stream("GET", self.api_url, params=params) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ResolveError(f"{self.api_url}: an answer over {MAX_BYTES:,} bytes")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)


def _same_title(body: bytes, wanted: str) -> tuple[str, ...]:
    """The arXiv ids in an Atom answer whose title normalises to `wanted`."""
    import feedparser  # only `resolve` needs it

    found = []
    for entry in feedparser.parse(body).entries:
        match = _ABS_ID.search(entry.get("id", ""))
        if match and normalise_title(entry.get("title", "")) == wanted:
            found.append(match["id"])
    return tuple(dict.fromkeys(found))


def _retry_after(headers: httpx.Headers) -> float:
    """Seconds a 503 or 429 asks to wait (at least INTERVAL, at most 5 minutes)."""
    try:
        return min(300.0, max(INTERVAL, float(headers.get("retry-after", ""))))
    except ValueError:
        return INTERVAL
