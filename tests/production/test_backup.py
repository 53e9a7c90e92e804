"""`postmart backup` / `postmart restore` on SQLite and on PostgreSQL (ops DB and lake
catalog alike): a restore into an empty place finds the same figures, the same accounts
and an audit chain that verifies; a load after the backup is not in it (one snapshot);
a restore never overwrites a place that holds data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.admin import accounts, loads
from dashboard.cli import main
from dashboard.identity import audit, authz
from dashboard.production import backup
from tests.lake_catalogs import PgServer
from tests.services.helpers import build_small_lake
from tests.services.test_loads import BRANCHES_CSV
from warehouse import ops
from warehouse.lake import connect_reader
from warehouse.settings import Settings, load_settings

FIGURES = {
    "orders": "select count(*) from fct_order",
    "sales": "select sum(sales_thb) from mart_paid_order",
    "branches": "select count(*) from dim_branch",
    "snapshots": "select count(*) from lake.snapshots()",
}


def figures(settings: Settings) -> dict[str, object]:
    con = connect_reader(settings)
    try:
        out = {k: con.execute(q).fetchone()[0] for k, q in FIGURES.items()}
    finally:
        con.close()
    users = accounts.list_users(authz.CLI_ACTOR, settings=settings)
    out["users"] = sorted(users["username"].to_list())
    out["audit"] = audit.verify(settings).checked
    return out


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def places(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Settings]]:
    """A place with data and an empty one, on the engine of the test."""
    made: list[str] = []
    server: PgServer | None = None

    def place(name: str) -> Settings:
        data = tmp_path / name
        data.mkdir()
        env = {"POSTMART_DATA_DIR": str(data)}
        if server is not None:
            ops_db, lake_db = server.create_database(), server.create_database()
            made.extend([ops_db, lake_db])
            env["POSTMART_OPS_DB_URL"] = (
                f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/{ops_db}"
            )
            env["POSTMART_LAKE_CATALOG"] = "postgres:" + server.conninfo(lake_db)
        return load_settings(env)

    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
    try:
        yield place("live"), place("restored")
    finally:
        ops.dispose_all()
        for name in made:
            server.drop_database(name)


# Slow (make test-all): a lake, two loads, a backup and a restore per engine; the default
# run keeps the command-line round trip below.
@pytest.mark.slow
def test_restore_into_an_empty_place_finds_the_same(places, tmp_path: Path) -> None:
    live, empty = places
    admin, _ = accounts.create_user(
        authz.CLI_ACTOR, username="ops.admin", display_name="Ops", role="admin", settings=live
    )
    build_small_lake(live)
    inbox = live.inbox_dir
    inbox.mkdir(parents=True)
    (inbox / "branches.csv").write_bytes(BRANCHES_CSV)
    loads.run_loads(admin, [inbox / "branches.csv"], settings=live)
    before = figures(live)

    dest = tmp_path / "backup"
    manifest = backup.backup(live, dest)
    # A load after the backup is not in it.
    (inbox / "more.csv").write_bytes(BRANCHES_CSV.replace(b"T0001", b"T0009"))
    loads.run_loads(admin, [inbox / "more.csv"], settings=live)
    assert figures(live)["branches"] == before["branches"] + 1

    assert backup.restore(empty, dest).snapshot_id == manifest.snapshot_id
    after = figures(empty)
    assert after == before
    assert audit.verify(empty).ok
    # The restored lake's files are its own: with the live place's Parquet files gone,
    # it reads the same.
    moved = Path(live.lake_data_path).with_name("files-away")
    Path(live.lake_data_path).rename(moved)
    try:
        assert figures(empty) == before
    finally:
        moved.rename(live.lake_data_path)

    # Never over a place that holds data.
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.restore(live, dest)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(live, dest)


def test_commands_say_what_they_did(tmp_path: Path, monkeypatch, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("POSTMART_DATA_DIR", str(data))
    for name in ("OPS_DB_URL", "LAKE_CATALOG", "LAKE_DATA_PATH", "INBOX_DIR"):
        monkeypatch.delenv(f"POSTMART_{name}", raising=False)
    build_small_lake(load_settings())
    assert main(["backup", str(tmp_path / "b")]) == 0
    assert "backed up lake snapshot" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b")]) == 2  # the place holds that lake
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("POSTMART_DATA_DIR", str(tmp_path / "elsewhere"))
    assert main(["restore", str(tmp_path / "b")]) == 0
    assert main(["audit", "verify"]) == 0
