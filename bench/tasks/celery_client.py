"""The Celery client of the tasks benchmark; run.mjs runs it with /usr/bin/python3 and reads one
JSON line from its stdout.

  celery_client.py enqueue N            N x add.delay() with no worker running (then purged)
  celery_client.py e2e N WARM           WARM untimed, then N x add.delay() and wait for every result
  celery_client.py late N SPAN LEAD     N x late.apply_async(eta=...) with ETAs spread uniformly over
                                        SPAN s, the first LEAD s after the enqueueing started; waits
                                        for every result (each is how late it ran, in s)

BENCH_REDIS_URL names the Redis (see celery_app.py).
"""

import json
import sys
import time
from datetime import datetime, timezone

from celery.result import ResultSet

from celery_app import add, app, late


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def wait_all(results, timeout):
    # ResultSet.get uses the Redis backend's native join (one pub/sub consumer for all results).
    return ResultSet(results).get(timeout=timeout, propagate=True)


def main():
    mode = sys.argv[1]
    n = int(sys.argv[2])
    if mode == "enqueue":
        t0 = time.perf_counter()
        for i in range(n):
            add.delay(i, i)
        seconds = time.perf_counter() - t0
        app.control.purge()
        out({"count": n, "seconds": seconds, "rate": n / seconds})
    elif mode == "e2e":
        warm = int(sys.argv[3])
        wait_all([add.delay(i, i) for i in range(warm)], 120)
        t0 = time.perf_counter()
        results = [add.delay(i, i) for i in range(n)]
        accepted = time.perf_counter() - t0
        values = wait_all(results, 600)
        seconds = time.perf_counter() - t0
        if values[-1] != 2 * (n - 1):
            raise SystemExit(f"bad result {values[-1]}")
        out({"count": n, "seconds": seconds, "rate": n / seconds, "acceptedSeconds": accepted})
    elif mode == "late":
        span = float(sys.argv[3])
        lead = float(sys.argv[4])
        start = time.time() + lead
        results = []
        for i in range(n):
            eta = start + span * i / n
            when = datetime.fromtimestamp(eta, tz=timezone.utc)
            results.append(late.apply_async((eta,), eta=when))
        enqueued = time.time()
        values = wait_all(results, span + lead + 120)
        out({"count": n, "leadAfterEnqueue": start - enqueued, "lateMs": [v * 1000 for v in values]})
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
