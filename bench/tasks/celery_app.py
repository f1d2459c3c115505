"""The Celery side of the tasks benchmark: a trivial task and a lateness task, on the bench's Redis.

Run by run.mjs as `/usr/bin/python3 -m celery -A celery_app worker ...` with cwd bench/tasks and
BENCH_REDIS_URL set (broker and result backend are the same Redis as the other systems).
"""

import os
import time

from celery import Celery

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

app = Celery("celery_app", broker=REDIS, backend=REDIS)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # Results are what we wait for; keep them (the default), no extra per-task events.
    task_ignore_result=False,
    worker_send_task_events=False,
    task_send_sent_event=False,
    # Celery's default; each prefork child has 4 messages prefetched.
    worker_prefetch_multiplier=4,
    broker_connection_retry_on_startup=True,
    # Long ETAs (10 s) are far below the Redis transport's visibility timeout (1 h), no redelivery.
)


@app.task(name="bench.add")
def add(a, b):
    return a + b


@app.task(name="bench.late")
def late(eta):
    """Seconds after its ETA this ran (negative = early)."""
    return time.time() - eta
