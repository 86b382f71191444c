"""The work of the `datastore.ingest` job (`tasks.ingest`, and `manage.py ingest`): load the file of a `Table`'s version
with the pipeline, store the Parquet file, compute the column statistics, and mark the table ready (it becomes the
resource's current table, in one transaction, unless a newer one already is) or failed with the French reason (the
previous table stays current). Then, the table being already queryable, write its row file (`rowstore`), which
pages read their rows from once it is there, and its text index (`textindex`), which a full-text `q` reads its rows
from once it is there.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.text import file_extension
from auzolan.datastore import query, reading, rowstore, stats, textindex
from auzolan.datastore.duck import connect
from auzolan.datastore.ingestion.pipeline import Progress, load_file
from auzolan.datastore.ingestion.result import LoadResult
from auzolan.datastore.models import ColumnDescription, Table

logger = logging.getLogger(__name__)


def is_tabular(version: ResourceVersion) -> bool:
    """Whether the version's file is a table the pipeline loads (CSV, spreadsheet, JSON, GeoJSON, Parquet)."""
    return version.extension in reading.TABULAR_FORMATS


def _dictionary(resource: Resource) -> dict[str, ColumnDescription]:
    return {d.name: d for d in ColumnDescription.objects.filter(resource=resource)}


def _copy_to_local(version: ResourceVersion, target: str) -> None:
    with version.file.open("rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)


def local_source(version: ResourceVersion, workdir: str) -> str:
    """A local path of the version's file: the stored file itself when the storage is a local file system (only
    ever read: DuckDB and `reading` open it read-only, a transcoded or converted copy goes to a temporary file),
    else a copy in `workdir` (S3-compatible storage)."""
    try:
        path = version.file.path
    except (NotImplementedError, AttributeError, ValueError):
        path = ""
    if path and os.path.isfile(path):
        return path
    ext = file_extension(version.original_name) or "csv"
    local = os.path.join(workdir, f"source.{ext}")
    _copy_to_local(version, local)
    return local


def run_table_load(*, table: Table, progress: Progress | None = None) -> Table:
    """Do the load of `table` (in the worker, or in the `ingest` command). Raises ApplicationError on failure."""
    Table.objects.filter(pk=table.pk).update(state=Table.State.RUNNING, updated_at=timezone.now())
    version = table.version
    dictionary = _dictionary(table.resource)
    types = {name: d.type for name, d in dictionary.items() if d.type}
    types.update(table.requested_types or {})
    workdir = tempfile.mkdtemp(prefix="auzolan-ingest-")
    stored = ""
    try:
        result = load_file(
            local_source(version, workdir),
            name=version.original_name,
            workdir=workdir,
            sheet=table.sheet or None,
            header_row=table.header_row,
            column_types=types,
            progress=progress,
        )
        for column in result.columns:
            entry = dictionary.get(column["name"])
            if entry:
                column["label"], column["description"] = entry.label, entry.description
        name = f"datastore/{table.resource.identifier}/v{version.number}/{table.identifier.hex}.parquet"
        with open(result.parquet_path, "rb") as file:
            stored = default_storage.save(name, File(file, name=os.path.basename(name)))
        _mark_ready(table, stored, result, stats.safe_compute(result.parquet_path, result.columns, result.row_count))
    except reading.ReadError as error:
        if stored:
            default_storage.delete(stored)
        _mark_failed(table, error.message)
        raise
    except Exception:
        if stored:
            default_storage.delete(stored)
        _mark_failed(
            table, _("Une erreur inattendue est survenue pendant le chargement. L'équipe technique est prévenue.")
        )
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table.refresh_from_db()
    return table


@transaction.atomic
def _mark_ready(table: Table, stored: str, result: LoadResult, column_stats: dict | None = None) -> None:
    current = (
        Table.objects.select_for_update()
        .filter(resource_id=table.resource_id, is_current=True)
        .select_related("version")
        .first()
    )
    newer = current is not None and (current.version.number, current.created_at) > (
        table.version.number,
        table.created_at,
    )
    if current is not None and not newer:
        Table.objects.filter(pk=current.pk).update(is_current=False)
    Table.objects.filter(pk=table.pk).update(
        state=Table.State.READY,
        is_current=not newer,
        parquet=stored,
        row_count=result.row_count,
        columns=result.columns,
        report=result.report,
        stats=column_stats or {},
        error="",
        sheet=result.report.get("sheet") or "",
        finished_at=timezone.now(),
    )


def _mark_failed(table: Table, message: str) -> None:
    Table.objects.filter(pk=table.pk).update(state=Table.State.FAILED, error=message, finished_at=timezone.now())


def build_row_file(table: Table) -> bool:
    """Write the row file of a ready table and record it (`Table.rows_file`). Returns whether it was written. A
    failure is logged and changes nothing: pages then read their rows from the Parquet file, as before."""
    if table.state != Table.State.READY or not table.parquet or table.rows_file:
        return False
    workdir = tempfile.mkdtemp(prefix="auzolan-rows-")
    stored = ""
    try:
        local = os.path.join(workdir, "table.rows")
        con = connect(threads=1)
        try:
            rowstore.write_from_parquet(con, query.parquet_path(table), local)
        finally:
            con.close()
        name = f"{os.path.splitext(table.parquet)[0]}.rows"
        with open(local, "rb") as file:
            stored = default_storage.save(name, File(file, name=os.path.basename(name)))
        Table.objects.filter(pk=table.pk).update(rows_file=stored)
        table.rows_file = stored
        return True
    except Exception:
        logger.exception("Row file of table %s not written", table.identifier)
        if stored:
            default_storage.delete(stored)
        return False
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def build_postings(table: Table) -> bool:
    """Write the postings beside a text index written before them (from the index itself: no new index). True when
    written or already there; a failure is logged and changes nothing (`q` reads the Parquet index, same rows)."""
    if not table.text_index:
        return False
    name = textindex.postings_name(table.text_index)
    if default_storage.exists(name):
        return True
    workdir = tempfile.mkdtemp(prefix="auzolan-postings-")
    try:
        local = os.path.join(workdir, "table.postings")
        con = connect(threads=1, temp_directory=workdir)
        try:
            index = query.local_path(table.text_index, f"{table.identifier.hex}{textindex.INDEX_SUFFIX}")
            pairs = con.execute("SELECT count(*) FROM read_parquet(?)", [index]).fetchone()[0]
            textindex.write_postings(con, index, local, int(pairs))
        finally:
            con.close()
        with open(local, "rb") as file:
            if default_storage.save(name, File(file, name=os.path.basename(name))) != name:
                logger.warning("Postings of table %s stored under another name: not used", table.identifier)
                return False
        return True
    except Exception:
        logger.exception("Postings of table %s not written", table.identifier)
        return False
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def build_text_index(table: Table) -> dict | None:
    """Write the text index of a ready table and record it (`Table.text_index`). Returns its figures (postings,
    tokens, bytes) when written, else None. A failure is logged and changes nothing: a full-text `q` then scans the
    text columns, as before (same answer, slower)."""
    if table.state != Table.State.READY or not table.parquet or table.text_index:
        return None
    workdir = tempfile.mkdtemp(prefix="auzolan-words-")
    stored = ""
    try:
        local = os.path.join(workdir, "table.words.parquet")
        local_lexicon = os.path.join(workdir, "table.lexicon.parquet")
        local_postings = os.path.join(workdir, "table.postings")
        texts = [c["name"] for c in table.columns if c.get("type", "text") == "text"]
        con = connect(threads=1, temp_directory=workdir)
        try:
            figures = textindex.write_from_parquet(
                con, query.parquet_path(table), texts, local, local_lexicon, local_postings
            )
        finally:
            con.close()
        figures["bytes"] = sum(os.path.getsize(f) for f in (local, local_lexicon, local_postings))
        name = f"{os.path.splitext(table.parquet)[0]}{textindex.INDEX_SUFFIX}"
        with open(local, "rb") as file:
            stored = default_storage.save(name, File(file, name=os.path.basename(name)))
        # The lexicon and the postings go under the names derived from the index's (optimisations only: without
        # them, same rows).
        for beside, local_file in (
            (textindex.lexicon_name(stored), local_lexicon),
            (textindex.postings_name(stored), local_postings),
        ):
            if default_storage.exists(beside):
                default_storage.delete(beside)
            with open(local_file, "rb") as file:
                if default_storage.save(beside, File(file, name=os.path.basename(beside))) != beside:
                    logger.warning("%s of table %s stored under another name: not used", beside, table.identifier)
        Table.objects.filter(pk=table.pk).update(text_index=stored)
        table.text_index = stored
        return figures
    except Exception:
        logger.exception("Text index of table %s not written", table.identifier)
        if stored:
            default_storage.delete(stored)
        return None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
