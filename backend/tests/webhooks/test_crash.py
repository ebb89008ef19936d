"""kill -9 of the process sending a delivery: another process delivers it, with the same webhook-id.

The receiver holds the first attempt open (so the delivery is in flight in process A), A is
killed, and process B, started afterwards, sends the delivery again once A's lease has run out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from standardwebhooks import Webhook

from tests.support.cluster import cluster, wait_until
from tests.support.receiver import ThreadedReceiver


def test_kill_9_during_a_delivery_still_delivers_with_the_same_webhook_id(
    tmp_path: Path, database_url: str
) -> None:
    receiver = ThreadedReceiver(hold_first=True)
    settings = {"UNDERWAY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32", "UNDERWAY_WEBHOOK_TIMEOUT_S": "4"}
    try:
        with cluster(tmp_path, database_url, **settings) as c:
            c.create_user("root")
            c.start_api(workers=2)
            with c.client(0) as api:
                r = api.post("/webhooks/endpoints", json={"url": receiver.url})
                assert r.status_code == 201, r.text
                secret = r.json()["secret"]
            op = c.submit(0, "demo.sleep", {"steps": 1, "step_s": 0})
            assert receiver.arrived(1), c.logs()
            c.processes[0].proc.kill()  # kill -9 while the attempt is in flight
            c.processes[0].exit_code()

            c.start_api(workers=2)
            assert receiver.arrived(2, timeout=60), c.logs()
            (held_headers, held_body), (headers, body) = receiver.requests[0], receiver.requests[1]
            assert headers["webhook-id"] == held_headers["webhook-id"]
            event = Webhook(secret).verify(body, headers)
            assert body == held_body and event["data"]["operation"]["id"] == op["id"]

            def delivered() -> dict[str, Any] | None:
                with c.client(1) as api:
                    d: dict[str, Any] = api.get(f"/webhooks/deliveries/{headers['webhook-id']}").json()
                return d if d["status"] == "succeeded" else None

            assert wait_until(delivered, "the delivery recorded")["attempt_log"][-1]["status_code"] == 200
    finally:
        receiver.close()
