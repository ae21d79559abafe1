"""bench/faults.py's clients: API calls from threads, and a record of every answer."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from bench._fault_stack import Stack


@dataclass
class Answer:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    started: float
    ended: float
    body: str
    content_type: str


@dataclass
class Record:
    """Everything the clients sent and what they were told, for the checks."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[Answer] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # title -> id, acknowledged 201
    unknown_titles: set[str] = field(default_factory=set)  # outcome unknown to the client
    claims: list[int] = field(default_factory=list)  # acknowledged claims (ticket ids)
    unknown_claims: int = 0
    resolved: list[int] = field(default_factory=list)  # acknowledged status changes
    unknown_resolves: set[int] = field(default_factory=set)
    outages: list[tuple[float, float]] = field(default_factory=list)


def call(base: str, method: str, path: str, token: str, payload: dict | None = None, key: str = ""):
    """Return (status, content type, body); status 0 when no HTTP answer came back.

    `key` is sent as the Idempotency-Key header (ticket creation)."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(  # noqa: S310
        base + path, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()
    except OSError:
        return 0, "", ""


class Traffic:
    """Client threads: ticket creators, a CE filing pre-sales requests, a claimer."""

    def __init__(self, stack: Stack, tokens: dict[str, str], accounts: dict[str, int]):
        self.stack, self.tokens, self.accounts = stack, tokens, accounts
        self.record = Record()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.seq = iter(range(1, 10**9))
        self.seq_lock = threading.Lock()

    def _answer(self, kind: str, started: float, status: int, ctype: str, body: str) -> None:
        with self.record.lock:
            self.record.answers.append(Answer(kind, status, started, time.time(), body, ctype))

    def _title(self, prefix: str) -> str:
        with self.seq_lock:
            return f"{prefix}-{next(self.seq):06d}"

    def _create(self, title: str) -> int:
        """POST one ticket with its title as Idempotency-Key; return the status."""
        body = {"title": title, "description": "fault drill", "source": "customer",
                "account": self.accounts["acme"], "severity": "p2"}  # fmt: skip
        started = time.time()
        status, ctype, text = call(
            self.stack.base, "POST", "/api/v1/tickets/", self.tokens["sam"], body, key=title
        )
        self._answer("create", started, status, ctype, text)
        with self.record.lock:
            if status == 201:
                self.record.created[title] = json.loads(text)["id"]
                self.record.unknown_titles.discard(title)
            elif status == 0 or status >= 500:
                self.record.unknown_titles.add(title)
        return status

    def _creator(self) -> None:
        while not self.stop.is_set():
            self._create(self._title("faults"))
            time.sleep(0.05)

    def retry_unknown_creates(self) -> int:
        """After the faults, a real client retries the creates it never got an answer to,
        with the same Idempotency-Key: each must come back as the one ticket, never a second."""
        with self.record.lock:
            pending = sorted(t for t in self.record.unknown_titles if t.startswith("faults-"))
        for title in pending:
            self._create(title)
        return len(pending)

    def _presales(self) -> None:
        while not self.stop.is_set():
            summary = self._title("presales")
            body = {"account": self.accounts["prospect"], "summary": summary,
                    "attempted_and_expected": "SSO login; expected the dashboard",
                    "steps_taken": "checked the metadata", "impact": "blocks the trial",
                    "design_doc_links": [], "sales_context": "evaluation"}  # fmt: skip
            started = time.time()
            status, ctype, text = call(
                self.stack.base, "POST", "/api/v1/presales/requests/", self.tokens["cara"], body
            )
            self._answer("presales", started, status, ctype, text)
            with self.record.lock:
                if status == 201:
                    self.record.created[summary] = json.loads(text)["id"]
                elif status == 0 or status >= 500:
                    self.record.unknown_titles.add(summary)
            time.sleep(0.3)

    def _claimer(self) -> None:
        while not self.stop.is_set():
            started = time.time()
            status, ctype, text = call(
                self.stack.base, "POST", "/api/v1/queue/claim/", self.tokens["sam"], {}
            )
            self._answer("claim", started, status, ctype, text)
            if status == 200:
                ticket_id = json.loads(text)["id"]
                with self.record.lock:
                    self.record.claims.append(ticket_id)
                started = time.time()
                status, ctype, text = call(
                    self.stack.base, "PATCH", f"/api/v1/tickets/{ticket_id}/",
                    self.tokens["sam"], {"status": "resolved"},
                )  # fmt: skip
                self._answer("resolve", started, status, ctype, text)
                with self.record.lock:
                    if status == 200:
                        self.record.resolved.append(ticket_id)
                    elif status == 0 or status >= 500:
                        self.record.unknown_resolves.add(ticket_id)
            elif status == 0 or status >= 500:
                with self.record.lock:
                    self.record.unknown_claims += 1
            time.sleep(0.4)

    def start(self, creators: int) -> None:
        targets = [self._creator] * creators + [self._presales, self._claimer]
        for target in targets:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)
