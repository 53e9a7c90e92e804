"""Storage: lake (DuckDB + DuckLake) and ops DB connections, schema, query helpers."""
