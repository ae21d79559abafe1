"""Per-request cost of the request-id/access-log and CSP middlewares, in microseconds.

Runs each middleware around a view that does nothing, under production settings (JSON log
lines), with the access line written to /dev/null, and prints the cost each one adds to a
request. No database. Usage: .venv/bin/python bench/middleware.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def per_request_us(handler, requests, rounds: int = 5) -> float:
    """Return the best of `rounds` mean CPU times (µs) to run `handler` over the requests.

    CPU time of this process, not wall time: the machine is shared, and other processes'
    work would otherwise count as ours.
    """
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for request in requests:
            handler(request)
        best = min(best, (time.process_time() - started) / len(requests) * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    # bench/queue.py would shadow the standard library's queue module (asgiref needs it).
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from django.http import HttpResponse, JsonResponse
    from django.test import RequestFactory

    from config.csp import ContentSecurityPolicyMiddleware
    from config.logs import RequestIdMiddleware

    # The access line goes through the configured JSON handler, pointed at /dev/null.
    handler = logging.getLogger().handlers[0]
    handler.setStream(open(os.devnull, "w"))  # noqa: SIM115

    factory = RequestFactory()
    with_id = [
        factory.get("/api/v1/queue/next/", HTTP_X_REQUEST_ID=f"req-{n:08d}")
        for n in range(args.requests)
    ]
    without_id = [factory.get("/api/v1/queue/next/") for _ in range(args.requests)]
    json_view = lambda request: JsonResponse({"id": 1})  # noqa: E731
    html_view = lambda request: HttpResponse("<p>hi</p>")  # noqa: E731

    bare = per_request_us(json_view, with_id)
    rows = [
        ("request id (incoming) + JSON access line", RequestIdMiddleware(json_view), with_id),
        ("request id (new uuid4) + JSON access line", RequestIdMiddleware(json_view), without_id),
    ]
    logging.getLogger("access").setLevel(logging.WARNING)
    off = per_request_us(RequestIdMiddleware(json_view), with_id) - bare
    logging.getLogger("access").setLevel(logging.NOTSET)
    print(f"requests per round: {args.requests}; the bare view: {bare:.2f} µs")
    for name, middleware, requests in rows:
        print(f"{name:<48} +{per_request_us(middleware, requests) - bare:6.2f} µs")
    print(f"{'request id, access line off (LOG_LEVEL=WARNING)':<48} +{off:6.2f} µs")
    csp_json = per_request_us(ContentSecurityPolicyMiddleware(json_view), with_id) - bare
    print(f"{'CSP on a JSON answer (skipped)':<48} +{csp_json:6.2f} µs")
    html_bare = per_request_us(html_view, with_id)
    csp_html = per_request_us(ContentSecurityPolicyMiddleware(html_view), with_id) - html_bare
    print(f"{'CSP on an HTML page (header set)':<48} +{csp_html:6.2f} µs")


if __name__ == "__main__":
    main()
