"""What payments does after a load: reconcile when a money feed loaded, and apply the
bank's payout returns when they loaded. Called by the Data loads page and ``postmart etl
load``; a failure here never fails the load."""

from __future__ import annotations

from dashboard.errors import AppError
from dashboard.identity.user import User
from dashboard.payments import payout_bank, recon
from warehouse.lake import LakeError
from warehouse.settings import Settings

# Feeds whose rows reconciliation reads: a load of one of them may open or close cases.
MONEY_FEEDS = frozenset(
    {
        "orders",
        "settlements",
        "payments",
        "counter_payments",
        "cod_remittances",
        "bank_statement",
        "tracking_api",
        "tracking_jsonl",
    }
)


def after_load(
    actor: User | None,
    feeds: set[str] | None,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> recon.RunResult | None:
    """Reconcile after a load that brought rows of a money feed (``feeds``: the feeds that
    loaded, None when unknown), and apply the bank's payout returns after a load of them.
    A failure here never fails the load: the next run catches
    up, since a run reads the whole lake."""
    try:
        if feeds is None or "payout_returns" in feeds:
            # the bank's returns put money back on sellers before anyone opens payouts
            payout_bank.apply_returns(actor, settings=settings, session_id=session_id)
        if feeds is not None and not feeds & MONEY_FEEDS:
            return None
        return recon.run(actor, settings=settings, session_id=session_id)
    except (AppError, LakeError):
        return None
