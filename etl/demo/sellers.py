"""Sellers and their applications (dim_seller, seller_application).

Applicants are generated once; the first ``n_sellers`` were approved and became sellers,
the rest sit in the other workflow states. Where people live follows the population
weights of the reference geography, with Bangkok damped: the programme's sellers are
mostly rural producers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.demo import ids, vocab
from etl.demo.common import DAY_S, HOUR_S, choice, pick_within, rng_for
from warehouse.vocab import SELLER_TYPES

# Bangkok has 8 % of the population but few community producers.
BANGKOK_SELLER_DAMPING = 0.25
# Share of low-income sellers by region (welfare-card holders are most common in the
# Northeast and North, DOMAIN.md household incomes).
LOW_INCOME_SHARE = {
    "northeast": 0.6,
    "north": 0.55,
    "west": 0.45,
    "south": 0.4,
    "east": 0.35,
    "central": 0.3,
}
OPEN_STATES = ("submitted", "in_review", "needs_information", "resubmitted", "rejected")
OPEN_STATE_WEIGHTS = (0.22, 0.25, 0.15, 0.1, 0.28)
# Days before the end of data that an open application was submitted (low, high).
OPEN_STATE_AGE_DAYS = {
    "submitted": (0, 12),
    "in_review": (2, 30),
    "needs_information": (8, 45),
    "resubmitted": (3, 40),
    "rejected": (10, 500),
}
MEMBERS = {  # (low, high) members of each seller type; community enterprises need >= 7
    "community_enterprise": (7, 60),
    "otop_producer": (1, 25),
    "farmer_group": (5, 80),
    "housewife_group": (5, 40),
    "individual": (1, 1),
}
# Open applications that repeat an approved seller's national ID, phone or bank account:
# the same person applying again in another group or province, a shared phone. The
# duplicate check exists for these. Each demo officer's province (dashboard.accounts)
# gets at least one, so the demo shows a flag on both sides.
DUPLICATE_SHARE = 0.04
DUPLICATE_FIELD_WEIGHTS = (0.5, 0.3, 0.2)  # national ID, phone, bank account
DEMO_OFFICER_PROVINCES = ("50", "82")
GROUP_NAME = {  # (Thai prefix, English suffix)
    "community_enterprise": ("วิสาหกิจชุมชน", "Community Enterprise"),
    "otop_producer": ("ผลิตภัณฑ์โอทอป", "OTOP"),
    "farmer_group": ("กลุ่มเกษตรกร", "Farmers Group"),
    "housewife_group": ("กลุ่มแม่บ้าน", "Housewives Group"),
}


@dataclass(frozen=True)
class Places:
    """Subdistricts with national weights for sellers and buyers, from the reference dims."""

    frame: pl.DataFrame  # subdistrict_code, district_code, province_code, postal_code, names,
    # region_code, lat, lon, w_seller, w_buyer


def places(ref: dict[str, pl.DataFrame]) -> Places:
    prov = ref["dim_province"].select("province_code", "region_code", "population_weight")
    frame = (
        ref["dim_subdistrict"]
        .join(prov.rename({"population_weight": "w_province"}), on="province_code")
        .with_columns(
            w=pl.col("w_province") * pl.col("population_weight").fill_null(0.0),
        )
        .with_columns(
            w_buyer=pl.col("w") / pl.col("w").sum(),
            w_seller=pl.col("w")
            * pl.when(pl.col("province_code") == "10").then(BANGKOK_SELLER_DAMPING).otherwise(1.0),
        )
        .with_columns(w_seller=pl.col("w_seller") / pl.col("w_seller").sum())
        .sort("subdistrict_code")
    )
    return Places(frame)


def _names(rng: np.random.Generator, people: pl.DataFrame) -> pl.DataFrame:
    n = len(people)
    first = np.array(vocab.FIRST_NAMES)[rng.integers(0, len(vocab.FIRST_NAMES), n)]
    last = np.array(vocab.LAST_NAMES)[rng.integers(0, len(vocab.LAST_NAMES), n)]
    trade = np.array(vocab.TRADES)[rng.integers(0, len(vocab.TRADES), n)]
    prefix_th = {i: GROUP_NAME.get(t, ("", ""))[0] for i, t in enumerate(SELLER_TYPES)}
    suffix_en = {i: GROUP_NAME.get(t, ("", ""))[1] for i, t in enumerate(SELLER_TYPES)}
    kinds = dict(zip(SELLER_TYPES, range(len(SELLER_TYPES)), strict=True))
    return people.with_columns(
        _kind=pl.col("seller_type").replace_strict(kinds, return_dtype=pl.Int32),
        _first_th=pl.Series(first[:, 0]),
        _first_en=pl.Series(first[:, 1]),
        _last_th=pl.Series(last[:, 0]),
        _last_en=pl.Series(last[:, 1]),
        _trade_th=pl.Series(trade[:, 0]),
        _trade_en=pl.Series(trade[:, 1]),
    ).with_columns(
        name_th=pl.when(pl.col("seller_type") == "individual")
        .then(pl.concat_str("_first_th", pl.lit(" "), "_last_th"))
        .otherwise(
            pl.concat_str(
                pl.col("_kind").replace_strict(prefix_th, return_dtype=pl.Utf8),
                "_trade_th",
                pl.lit("บ้าน"),
                "sub_th",
            )
        ),
        name_en=pl.when(pl.col("seller_type") == "individual")
        .then(pl.concat_str("_first_en", pl.lit(" "), "_last_en"))
        .otherwise(
            pl.concat_str(
                pl.lit("Ban "),
                "sub_en",
                pl.lit(" "),
                "_trade_en",
                pl.lit(" "),
                pl.col("_kind").replace_strict(suffix_en, return_dtype=pl.Utf8),
            )
        ),
    )


def applicants(
    seed: int,
    ref: dict[str, pl.DataFrame],
    where: Places,
    n_sellers: int,
    n_open: int,
    start_s: int,
    end_s: int,
) -> pl.DataFrame:
    """Every applicant with the attributes an application carries, plus workflow timing."""
    rng = rng_for(seed, "sellers")
    n = n_sellers + n_open
    pf = where.frame
    sub_idx = rng.choice(len(pf), size=n, p=pf["w_seller"].to_numpy())
    people = pf[sub_idx].select(
        "subdistrict_code",
        "district_code",
        "province_code",
        "postal_code",
        "region_code",
        pl.col("name_th").alias("sub_th"),
        pl.col("name_en").alias("sub_en"),
    )
    seller_type = choice(rng, SELLER_TYPES, vocab.SELLER_TYPE_WEIGHTS, n)
    lo = np.array([MEMBERS[t][0] for t in seller_type])
    hi = np.array([MEMBERS[t][1] for t in seller_type])
    members = lo + np.floor(rng.random(n) ** 1.6 * (hi - lo + 1)).astype(np.int64)
    low_share = people["region_code"].replace_strict(LOW_INCOME_SHARE, default=0.4).to_numpy()

    # When they applied: 45 % before the data starts (the programme's first year), the rest
    # spread over the data span and growing with it.
    span = end_s - start_s
    before = rng.random(n) < 0.45
    submitted = np.where(
        before,
        start_s - (rng.random(n) * 365 * DAY_S),
        start_s + np.sqrt(rng.random(n)) * (span - 12 * DAY_S),
    ).astype(np.int64)
    status = np.array(["approved"] * n, dtype=object)
    status[n_sellers:] = choice(rng, OPEN_STATES, OPEN_STATE_WEIGHTS, n_open)
    for state, (a, b) in OPEN_STATE_AGE_DAYS.items():
        m = status == state
        submitted[m] = end_s - ((a + rng.random(m.sum()) * (b - a)) * DAY_S).astype(np.int64)
    decision_days = rng.gamma(2.0, 3.5, size=n) + 0.5
    decided = np.where(
        np.isin(status, ["approved", "rejected"]),
        submitted + (decision_days * DAY_S).astype(np.int64),
        -1,
    )
    decided = np.where(decided > end_s, end_s - rng.integers(0, 6 * HOUR_S, n), decided)
    touched = submitted + (rng.random(n) * np.clip(end_s - submitted, 0, 20 * DAY_S)).astype(
        np.int64
    )
    updated = np.where(decided > 0, decided, touched)

    years_be = (1970 + submitted // (365.25 * DAY_S)).astype(np.int64) + 543 - rng.integers(0, 8, n)
    registered = np.isin(seller_type, ["otop_producer", "community_enterprise"]) & (
        rng.random(n) < np.where(seller_type == "otop_producer", 0.4, 0.15)
    )
    bank_code, bank_acc = ids.bank_accounts(rng, n)
    phone = ids.mobile_phones(rng, n)
    nat = ids.national_ids(rng, people["district_code"])
    nat, phone, bank_code, bank_acc = _plant_duplicates(
        seed, people["province_code"].to_numpy(), status, n_sellers, nat, phone, bank_code, bank_acc
    )
    jur = ids.juristic_ids(rng, people["province_code"], years_be)
    ce_seq = pl.Series(rng.integers(0, 10**5, n)).cast(pl.Utf8).str.zfill(5)
    proxy_kind = rng.random(n)

    dc = ref["dim_digital_centre"].sort("province_code", "digital_centre_id")
    dc_pick = pick_within(rng, people["province_code"].to_numpy(), dc["province_code"].to_numpy())
    linked = (dc_pick >= 0) & (rng.random(n) < 0.65)
    dc_ids = np.where(linked, dc["digital_centre_id"].to_numpy()[np.maximum(dc_pick, 0)], None)

    people = people.with_columns(
        seller_type=pl.Series(seller_type),
        count_members=pl.Series(members).cast(pl.Int32),
        is_low_income=pl.Series(rng.random(n) < low_share),
        national_id=nat,
        juristic_id=pl.when(pl.Series(registered)).then(jur).otherwise(None),
        ce_registration_code=pl.when(pl.Series(seller_type == "community_enterprise"))
        .then(pl.concat_str(pl.lit("1"), pl.col("subdistrict_code").str.slice(0, 6), ce_seq))
        .otherwise(None),
        phone=phone,
        bank_code=bank_code,
        bank_account_no=bank_acc,
        digital_centre_id=pl.Series(dc_ids.tolist(), dtype=pl.Utf8),
        status=pl.Series(status.tolist(), dtype=pl.Utf8),
        submitted_s=pl.Series(submitted),
        decided_s=pl.Series(decided),
        updated_s=pl.Series(updated),
        _proxy=pl.Series(proxy_kind),
        application_id="APP" + pl.Series(np.arange(n)).cast(pl.Utf8).str.zfill(7),
    )
    people = people.with_columns(
        promptpay_proxy=pl.when(pl.col("_proxy") < 0.6)
        .then(pl.col("phone"))
        .when((pl.col("_proxy") < 0.9) | pl.col("juristic_id").is_null())
        .then(pl.col("national_id"))
        .otherwise(pl.col("juristic_id")),
    )
    # Sellers are numbered in the order they were approved.
    seller_rank = np.empty(n_sellers, dtype=np.int64)
    seller_rank[np.argsort(decided[:n_sellers], kind="stable")] = np.arange(n_sellers)
    seller_id = np.full(n, None, dtype=object)
    seller_id[:n_sellers] = np.char.add("S", np.char.zfill(seller_rank.astype(str), 6))
    people = people.with_columns(seller_id=pl.Series(seller_id.tolist(), dtype=pl.Utf8))
    return _names(rng, people)


def _plant_duplicates(
    seed: int,
    province: np.ndarray,
    status: np.ndarray,
    n_sellers: int,
    *columns: pl.Series,
) -> tuple[pl.Series, ...]:
    """national_id, phone, bank_code, bank_account_no with some open applicants' copied
    from an approved seller (see DUPLICATE_SHARE). Its own random stream: the rest of the
    demo does not move when this share changes."""
    n = len(province)
    if n_sellers == 0 or n == n_sellers:
        return columns
    rng = rng_for(seed, "duplicates")
    nat, phone, bank_code, bank_acc = (c.to_numpy().astype(object) for c in columns)
    open_idx = np.arange(n_sellers, n)
    picked = open_idx[rng.random(len(open_idx)) < DUPLICATE_SHARE]
    field = choice(rng, (0, 1, 2), DUPLICATE_FIELD_WEIGHTS, len(picked))
    source = rng.integers(0, n_sellers, len(picked))
    for code in DEMO_OFFICER_PROVINCES:
        here = open_idx[province[open_idx] == code]
        waiting = here[np.isin(status[here], ["submitted", "in_review"])]
        elsewhere = np.flatnonzero(province[:n_sellers] != code)
        if len(here) == 0 or len(elsewhere) == 0:
            continue
        picked = np.append(picked, (waiting if len(waiting) else here)[0])
        field = np.append(field, 0)  # the national ID: the clearest case to show
        source = np.append(source, elsewhere[rng.integers(0, len(elsewhere))])
    for f, targets in ((0, (nat,)), (1, (phone,)), (2, (bank_code, bank_acc))):
        m = field == f
        for target in targets:
            target[picked[m]] = target[source[m]]
    return tuple(
        pl.Series(c.name, values, dtype=pl.Utf8)
        for c, values in zip(columns, (nat, phone, bank_code, bank_acc), strict=True)
    )


def application_frame(people: pl.DataFrame) -> pl.DataFrame:
    """seller_application rows, columns as in the lake."""
    return people.select(
        "application_id",
        "seller_type",
        "name_th",
        "name_en",
        "national_id",
        "juristic_id",
        "ce_registration_code",
        "count_members",
        "is_low_income",
        "province_code",
        "district_code",
        "subdistrict_code",
        "postal_code",
        "phone",
        "bank_code",
        "bank_account_no",
        "promptpay_proxy",
        "digital_centre_id",
        "status",
        pl.col("submitted_s").alias("submitted_at"),
        pl.when(pl.col("decided_s") >= 0).then(pl.col("decided_s")).alias("decided_at"),
        "seller_id",
        pl.col("updated_s").alias("updated_at"),
    )


def seller_frame(seed: int, people: pl.DataFrame, end_s: int) -> pl.DataFrame:
    """dim_seller rows (approved applicants), plus helper columns starting with ``_``."""
    rng = rng_for(seed, "sellers", 1)
    s = people.filter(pl.col("status") == "approved").sort("seller_id")
    n = len(s)
    stars = choice(rng, (1, 2, 3, 4, 5), (0.1, 0.2, 0.35, 0.25, 0.1), n)
    has_stars = s["seller_type"].is_in(["otop_producer", "community_enterprise"]).to_numpy() & (
        rng.random(n) < 0.7
    )
    suspended = rng.random(n) < 0.04
    later = s["decided_s"].to_numpy() + (rng.random(n) * 200 * DAY_S).astype(np.int64)
    return s.with_columns(
        otop_stars=pl.Series(np.where(has_stars, stars, 0), dtype=pl.Int32).replace(0, None),
        status=pl.Series(np.where(suspended, "suspended", "active")),
        registered_at=pl.col("submitted_s"),
        approved_at=pl.col("decided_s"),
        updated_at=pl.Series(np.minimum(later, end_s)),
    ).select(
        "seller_id",
        "seller_type",
        "name_th",
        "name_en",
        "national_id",
        "juristic_id",
        "ce_registration_code",
        "count_members",
        "is_low_income",
        "province_code",
        "district_code",
        "subdistrict_code",
        "postal_code",
        "digital_centre_id",
        "bank_code",
        "bank_account_no",
        "promptpay_proxy",
        "phone",
        "otop_stars",
        "status",
        "registered_at",
        "approved_at",
        "updated_at",
    )


def master_applications(people: pl.DataFrame, seller_df: pl.DataFrame) -> pl.DataFrame:
    """The sellers' applications as the ops DB holds them once the office has suspended
    the demo's suspended sellers: the input of the seller master's sync
    (``etl.load.conform_sellers``), which is how the demo's ``dim_seller`` is written."""
    suspended = seller_df.filter(pl.col("status") == "suspended")["seller_id"]
    return application_frame(people).with_columns(
        status=pl.when(pl.col("seller_id").is_in(suspended.implode()))
        .then(pl.lit("suspended"))
        .otherwise(pl.col("status"))
    )


def demo_only_attributes(seller_df: pl.DataFrame) -> pl.DataFrame:
    """What an application does not carry: OTOP stars (the OTOP registry's) and when the
    seller's record last changed in the demo's story."""
    return seller_df.select("seller_id", "otop_stars", "updated_at")
