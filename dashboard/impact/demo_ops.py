"""The demo's ops DB after a first load: the demo's suspended sellers suspended by the
office (through the workflow, audited), so that the seller master the sync writes from the
ops DB is the one the demo wrote (``postmart demo`` then runs the sync: nothing changes).
"""

from __future__ import annotations

from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import store, workflow
from warehouse.lake import connect_reader
from warehouse.query import fetch_df

DEMO_SUSPEND_REASON = "inactive"
DEMO_SUSPEND_NOTE = "Demo: suspended seller"


def suspend_demo_sellers(actor: User) -> int:
    """Suspend in the ops DB the approved applications whose seller the demo suspended."""
    lake = connect_reader()
    try:
        rows = fetch_df(
            lake,
            "select a.application_id from seller_application a "
            "join dim_seller s on s.seller_id = a.seller_id "
            "where s.status = 'suspended' and a.status = 'approved' order by 1",
        )
    finally:
        lake.close()
    ids = rows["application_id"].to_list()
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, None)
        done = 0
        for app_id in ids:
            app = store.get_application(conn, app_id)
            if app["status"] != "approved":
                continue
            workflow.apply_transition(
                conn,
                actor,
                app_id,
                "suspend",
                trail,
                reason_code=DEMO_SUSPEND_REASON,
                note=DEMO_SUSPEND_NOTE,
            )
            done += 1
    return done
