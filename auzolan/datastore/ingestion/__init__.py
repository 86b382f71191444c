"""Ingestion: a tabular resource version becomes a typed Parquet file queried with DuckDB.

- `pipeline.py`: `load_file`, the steps from a file to the Parquet file (pure: no database), choosing the path.
- `direct.py`: the direct load, one guarded typed `COPY` from the CSV (the fast path).
- `staged.py`: the staged load, through a `staging` table of text columns (other formats, and the hand-overs).
- `casts.py`: column types: the cast of a text cell to each type, the inference on a sample, the editor's choice.
- `csv_reader.py`: DuckDB's CSV reader as both paths configure it, short rows and the lines it leaves out.
- `result.py`: what a load produces: the Parquet options, `LoadResult` and the load report.
- `job.py`: `run_table_load`, the work of the `datastore.ingest` job: the `Table` row marked ready or failed.

The actions that start a load (`table_load`, `table_reload`) and edit the data dictionary are in
`auzolan.datastore.services`.
"""
