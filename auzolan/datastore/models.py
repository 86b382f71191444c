"""Models of the datastore."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.models import Job, Progressing, TimeStampedModel

# --- Ingestion ---------------------------------------------------------------------------------------------


class Table(TimeStampedModel):
    """One load of a resource version into a Parquet file queried with DuckDB.

    A version may be loaded several times (another sheet, corrected column types): each load is a row. Exactly one
    ready table per resource is `is_current` — the one the preview and the API read. A new load becomes current only
    once it is ready (atomically), so a failed load leaves the previous table in place.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("Chargement en cours")
        READY = "ready", _("Prête")
        FAILED = "failed", _("Échec")

    class ColumnType(models.TextChoices):
        INTEGER = "integer", _("Nombre entier")
        NUMBER = "number", _("Nombre décimal")
        BOOLEAN = "boolean", _("Booléen (oui/non)")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date et heure")
        GEOPOINT = "geopoint", _("Point géographique (lat,lon)")
        TEXT = "text", _("Texte")

    identifier = models.UUIDField(_("identifiant"), default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(Resource, verbose_name=_("ressource"), on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ResourceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    is_current = models.BooleanField(_("table actuelle"), default=False)
    sheet = models.CharField(_("feuille"), max_length=255, blank=True)
    #: The line (or sheet row) of the column names chosen by the editor; None: detected (`reading.find_header`).
    header_row = models.PositiveIntegerField(_("ligne des noms de colonnes"), null=True, blank=True)
    requested_types = models.JSONField(_("types demandés"), default=dict, blank=True)
    parquet = models.CharField(_("fichier Parquet"), max_length=500, blank=True)
    rows_file = models.CharField(
        _("fichier des lignes"),
        max_length=500,
        blank=True,
        help_text=_("Les lignes par blocs, pour lire vite celles d'une page (écrit après le chargement)."),
    )
    text_index = models.CharField(
        _("index des mots"),
        max_length=500,
        blank=True,
        help_text=_(
            "Les mots des colonnes de texte et leurs lignes, pour la recherche plein texte (écrit après le chargement)."
        ),
    )
    row_count = models.PositiveBigIntegerField(_("lignes"), default=0)
    columns = models.JSONField(_("colonnes"), default=list, blank=True)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    #: Column statistics computed once the table is ready (auzolan.datastore.stats); {} until then.
    stats = models.JSONField(_("statistiques des colonnes"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    job = models.ForeignKey(Job, verbose_name=_("tâche"), null=True, blank=True, on_delete=models.SET_NULL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lancé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource"], condition=Q(is_current=True), name="datastore_one_current_table"
            )
        ]
        indexes = [models.Index(fields=["resource", "-created_at"], name="datastore_table_resource")]

    def __str__(self) -> str:
        return f"{self.resource} v{self.version.number if self.version_id else '?'}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)


class ColumnDescription(models.Model):
    """The data dictionary of a resource: label, description and chosen type of a column, kept across versions."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("colonne"), max_length=255)
    type = models.CharField(_("type"), max_length=20, choices=Table.ColumnType.choices, blank=True)
    label = models.CharField(_("libellé"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    #: The unit of the column's values (€, k€, %, m²…), when the editor gives it; the one found at load otherwise.
    unit = models.CharField(_("unité"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("description de colonne")
        verbose_name_plural = _("descriptions de colonnes")
        constraints = [models.UniqueConstraint(fields=["resource", "name"], name="datastore_column_unique")]

    def __str__(self) -> str:
        return self.name


# --- Validation of resource versions against the dataset's schema -----------------------------------------


class ValidationReport(TimeStampedModel):
    """The validation of one resource version against a Table Schema (the dataset's declared schema).

    A version may be validated several times (the schema changed, an editor asked again): the latest row is the one
    shown and counted by the quality score. `report` holds the engine's report (`Report.as_dict()`, the shape of
    POST /api/v1/validate); the schema's name and version are copied so that the report stays readable if the
    schema is deleted.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("Validation en cours")
        DONE = "done", _("Terminée")
        FAILED = "failed", _("Échec")

    version = models.ForeignKey(
        ResourceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="validation_reports"
    )
    schema = models.ForeignKey(
        "catalog.TableSchema",
        verbose_name=_("schéma"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    schema_name = models.CharField(_("nom du schéma"), max_length=255, blank=True)
    schema_version = models.CharField(_("version du schéma"), max_length=50, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    valid = models.BooleanField(_("valide"), default=False)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("erreurs"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    job = models.ForeignKey(Job, verbose_name=_("tâche"), null=True, blank=True, on_delete=models.SET_NULL)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapport de validation")
        verbose_name_plural = _("rapports de validation")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["version", "-created_at"], name="datastore_report_version")]

    def __str__(self) -> str:
        return f"{self.version} — {self.schema_name}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


# --- Exports run in the background (auzolan.datastore.export_jobs) -----------------------------------------


class TableExport(Progressing, TimeStampedModel):
    """One export of a table's filtered, sorted result that was too large to produce during the request.

    Its id (random, unguessable) is what the person who asked holds: the status (`/api/v1/exports/<id>`) and the file
    (`…/file`) are reached with it, and the dataset's visibility is checked again each time. The same export asked
    again (same table, filters, search, sort, fields, format and `raw`: the same `fingerprint`) reuses this row while
    it is queued, running or ready; each person logged in who asked for it follows it through their own `jobs`.
    The file lives in Django's storage and is deleted, with the row, `DATASTORE_EXPORT_RETENTION_HOURS` after it was
    produced (`manage.py prune_data_exports`).
    """

    State = Job.State  # queued, running, succeeded, failed: the states of a person's job, as the job page reads them

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=10)
    raw = models.BooleanField(_("octets bruts"), default=False)
    #: The query as data ({"filters": [[column, operator, value], …], "sort", "fields", "q"}), replayed by the task.
    query = models.JSONField(_("requête"), default=dict)
    fingerprint = models.CharField(_("empreinte"), max_length=64, db_index=True)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    state = models.CharField(_("état"), max_length=20, choices=Job.State.choices, default=Job.State.QUEUED)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    #: Rows and columns of the result, as counted (or estimated above 100 000 rows) when it was asked.
    rows = models.PositiveBigIntegerField(_("lignes"), default=0)
    columns = models.PositiveIntegerField(_("colonnes"), default=0)
    file = models.CharField(_("fichier"), max_length=500, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    jobs = models.ManyToManyField(Job, verbose_name=_("tâches des personnes"), blank=True, related_name="+")
    task_result_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export de table")
        verbose_name_plural = _("exports de tables")
        ordering = ["-created_at"]
        constraints = [
            # One live export per question: a second request finds it (a failed one may be asked again).
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(state__in=["queued", "running", "succeeded"]),
                name="datastore_one_live_export",
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} — {self.format}"


class ExportSlot(models.Model):
    """A place for one heavy export at a time: `DATASTORE_EXPORT_CONCURRENCY` rows (numbers 0…N-1), taken with a
    conditional UPDATE (atomic on SQLite and PostgreSQL), so that all the workers of all the machines share them. A
    place held longer than the export time limit (a worker killed mid-export) is taken back."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    export = models.ForeignKey(TableExport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("place d'export")
        verbose_name_plural = _("places d'export")

    def __str__(self) -> str:
        return str(self.number)
