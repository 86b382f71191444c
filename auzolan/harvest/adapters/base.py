"""What every adapter shares: the fetcher (the safe HTTP client with the harvest's limits, pages counted and
compared), the normalised dataset, and the guesses from remote vocabularies to the catalogue's (licences,
frequencies, dates, formats).

An adapter reads a remote portal page by page (`pages()`, raw records) and maps one raw record to a
`RemoteDataset` (`normalise()`). `gather()` reads every page before anything is written: a source that fails
half-way (invalid JSON, wrong content type, endless or repeating paging, a huge page, a timeout) raises
`SourceError` and the run changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource
from auzolan.catalog.vocabularies import Frequency, Licence
from auzolan.core import safe_http
from auzolan.core.errors import ApplicationError

TITLE_MAX = 200
DESCRIPTION_MAX = 20000
RESOURCE_TITLE_MAX = 200
RESOURCE_DESCRIPTION_MAX = 5000
KEYWORDS_MAX = 30
URL_MAX = 1000


class SourceError(ApplicationError):
    """The source as a whole cannot be harvested (French message); the run fails and nothing is written."""

    code = "harvest-source"


class RecordError(ApplicationError):
    """One remote record cannot become a dataset (French message); the others go on."""

    code = "harvest-record"


@dataclass
class RemoteResource:
    url: str
    title: str = ""
    format: str = ""
    kind: str = Resource.Kind.REMOTE
    description: str = ""


@dataclass
class RemoteDataset:
    title: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    licence: str = Licence.OTHER
    licence_url: str = ""
    frequency: str = Frequency.UNKNOWN
    temporal_start: datetime.date | None = None
    temporal_end: datetime.date | None = None
    landing_page: str = ""
    resources: list[RemoteResource] = field(default_factory=list)

    def dataset_fields(self) -> dict:
        """The arguments of the catalogue's dataset services."""
        return {
            "title": self.title,
            "description": self.description,
            "keywords": self.keywords,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "frequency": self.frequency,
            "temporal_start": self.temporal_start,
            "temporal_end": self.temporal_end,
        }


def record_hash(raw) -> str:
    """The fingerprint of a raw record: its canonical JSON (keys sorted), hashed."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Fetching -------------------------------------------------------------------------------------------------


class Fetcher:
    """The safe HTTP client with the harvest's limits; counts the pages and refuses a page seen before."""

    def __init__(self):
        self.max_pages = int(settings.HARVEST_MAX_PAGES)
        self.max_bytes = int(settings.HARVEST_MAX_RESPONSE_BYTES)
        self.max_total = int(settings.HARVEST_MAX_TOTAL_BYTES)
        self.timeout = float(settings.HARVEST_TIMEOUT)
        self.pages = 0
        self.total = 0
        self._seen: set[str] = set()

    def get(self, url: str, *, accept: str) -> safe_http.Response:
        self.pages += 1
        if self.pages > self.max_pages:
            raise SourceError(
                _("La source a plus de %(max)d pages : moisson interrompue (pagination sans fin ?).")
                % {"max": self.max_pages}
            )
        try:
            response = safe_http.request(
                url,
                headers={"Accept": accept},
                connect_timeout=min(self.timeout, 10.0),
                read_timeout=self.timeout,
                total_timeout=self.timeout * 4,
                max_bytes=self.max_bytes,
            ).raise_for_status()
        except safe_http.ResponseTooLarge as error:
            raise SourceError(
                _("Réponse trop volumineuse (plus de %(size)d Mo) à l'adresse %(url)s.")
                % {"size": self.max_bytes // (1024 * 1024) or 1, "url": url}
            ) from error
        except safe_http.SafeHTTPError as error:
            raise SourceError(
                _("Le portail n'a pas pu être lu (%(reason)s) à l'adresse %(url)s.")
                % {"reason": error.message, "url": url}
            ) from error
        self.total += len(response.body)
        if self.total > self.max_total:
            raise SourceError(
                _("La source dépasse %(size)d Mo en tout : moisson interrompue.")
                % {"size": self.max_total // (1024 * 1024) or 1}
            )
        digest = hashlib.sha256(response.body).hexdigest()
        if digest in self._seen:
            raise SourceError(
                _("La source renvoie deux fois la même page (%(url)s) : moisson interrompue.") % {"url": url}
            )
        self._seen.add(digest)
        return response

    def get_json(self, url: str):
        response = self.get(url, accept="application/json")
        try:
            response.require_content_type("application/json", "+json", "text/json", "text/javascript")
            return response.json()
        except safe_http.SafeHTTPError as error:
            raise SourceError(
                _("Réponse inattendue du portail à l'adresse %(url)s : %(reason)s.")
                % {"url": url, "reason": error.message}
            ) from error


# --- Adapters -------------------------------------------------------------------------------------------------


class Adapter(ABC):
    """One type of portal. Subclasses define `pages()`, `remote_id()` and `normalise()`."""

    kind = ""
    #: Records asked per page.
    page_size = 100
    #: Ends of an address that name the portal's API rather than the portal (`/api/3/action`): `base` drops them, so
    #: that a person may paste either.
    api_tails: tuple[str, ...] = ()

    def __init__(self, url: str, config: dict | None = None, fetcher: Fetcher | None = None):
        self.url = url.strip()
        self.config = config or {}
        self.fetcher = fetcher or Fetcher()

    @property
    def base(self) -> str:
        url = self.url.rstrip("/")
        for tail in self.api_tails:
            if url.endswith(tail):
                return url[: -len(tail)]
        return url

    @abstractmethod
    def pages(self) -> Iterator[list[dict]]:
        """The records of the portal, a page at a time."""

    @abstractmethod
    def remote_id(self, raw: dict) -> str:
        """The record's identifier on its portal."""

    @abstractmethod
    def normalise(self, raw: dict) -> RemoteDataset:
        """The record as the catalogue's fields."""

    def gather(self) -> list[tuple[str, dict]]:
        """Every (remote id, raw record) of the source, each id once (the first one wins). Raises SourceError."""
        records: dict[str, dict] = {}
        for page in self.pages():
            if not isinstance(page, list):
                raise SourceError(_("Réponse inattendue du portail : la liste des jeux de données manque."))
            for raw in page:
                if not isinstance(raw, dict):
                    raise SourceError(_("Réponse inattendue du portail : un jeu de données n'est pas un objet."))
                remote_id = str(self.remote_id(raw) or "").strip()[:255]
                if remote_id and remote_id not in records:
                    records[remote_id] = raw
        return list(records.items())


# --- Guesses from remote vocabularies -------------------------------------------------------------------------


def text(value, limit: int | None = None) -> str:
    """A remote value as plain text (None and non-text become ""; NUL removed), cut at `limit`."""
    if value is None or isinstance(value, dict | list):
        return ""
    result = str(value).replace("\x00", "").strip()
    return result[:limit] if limit else result


def one_line(value, limit: int) -> str:
    return " ".join(text(value).split())[:limit]


_LICENCE_WORDS = (
    # (our code, substrings of a remote licence id, title or address, lower case)
    (
        "lov2",
        (
            "lov2",
            "fr-lo",
            "etalab",
            "licence ouverte",
            "licence-ouverte",
            "open licence",
            "open-licence",
            "lo-2",
            "lo-v2",
        ),
    ),
    ("odc-odbl", ("odbl", "open database license", "opendatacommons.org/licenses/odbl")),
    ("cc-zero", ("cc0", "cc-zero", "cc-0", "publicdomain/zero", "cc zero", "domaine public")),
    ("cc-by", ("cc-by", "cc by", "creativecommons.org/licenses/by/", "creative commons attribution")),
)


def guess_licence(*candidates, fallback_url: str = "") -> tuple[str, str]:
    """(our licence code, licence address for "other") from a remote id, title or address.

    CC-BY-SA and other variants are not CC-BY: they stay "other" with their address. An unknown licence with no
    address gets `fallback_url` (the dataset's page on its portal, where its terms are written); with neither, the
    record cannot be harvested (RecordError)."""
    words = [text(c).lower() for c in candidates if text(c)]
    for code, needles in _LICENCE_WORDS:
        for word in words:
            if code == "cc-by" and re.search(r"by[-_ ]?(sa|nc|nd)", word):
                continue
            if any(needle in word for needle in needles):
                return code, ""
    for word, original in zip(words, [text(c) for c in candidates if text(c)], strict=True):
        if word.startswith(("http://", "https://")):
            return Licence.OTHER, original[:500]
    if fallback_url:
        return Licence.OTHER, fallback_url[:500]
    raise RecordError(
        _("Licence inconnue (%(licence)s) et aucune adresse où la lire.") % {"licence": ", ".join(words) or "—"}
    )


_FREQUENCIES = {
    "cont": Frequency.CONTINUOUS,
    "continuous": Frequency.CONTINUOUS,
    "update_cont": Frequency.CONTINUOUS,
    "realtime": Frequency.CONTINUOUS,
    "daily": Frequency.DAILY,
    "quotidienne": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "hebdomadaire": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "mensuelle": Frequency.MONTHLY,
    "quarterly": Frequency.QUARTERLY,
    "trimestrielle": Frequency.QUARTERLY,
    "biannual": Frequency.BIANNUAL,
    "semiannual": Frequency.BIANNUAL,
    "semestrielle": Frequency.BIANNUAL,
    "annual": Frequency.ANNUAL,
    "yearly": Frequency.ANNUAL,
    "annuelle": Frequency.ANNUAL,
    "irreg": Frequency.IRREGULAR,
    "irregular": Frequency.IRREGULAR,
    "irrégulière": Frequency.IRREGULAR,
    "punctual": Frequency.NEVER,
    "never": Frequency.NEVER,
    "notplanned": Frequency.NEVER,
}


def guess_frequency(value) -> str:
    """EU (…/frequency/ANNUAL) and Dublin Core (purl.org/cld/freq/annual) URIs or codes, udata's and French words."""
    word = text(value).lower().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace(" ", "")
    return _FREQUENCIES.get(word, Frequency.UNKNOWN)


_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(value, *, end: bool = False) -> datetime.date | None:
    """`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a timestamp; a year or a month alone is its first (or, `end`, last) day."""
    match = _DATE.match(text(value))
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            return datetime.date(int(year), int(month), int(day))
        if month:
            first = datetime.date(int(year), int(month), 1)
            if not end:
                return first
            following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - datetime.timedelta(days=1)
        return datetime.date(int(year), 12, 31) if end else datetime.date(int(year), 1, 1)
    except ValueError:
        return None


def temporal(start, end) -> tuple[datetime.date | None, datetime.date | None]:
    first, last = parse_date(start), parse_date(end, end=True)
    if first and last and last < first:
        return None, None  # a remote mistake is not worth failing the record
    return first, last


_MEDIA_FORMATS = {
    "text/csv": "csv",
    "application/json": "json",
    "application/geo+json": "geojson",
    "application/vnd.geo+json": "geojson",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/html": "html",
    "application/rdf+xml": "rdf",
    "text/turtle": "ttl",
    "application/vnd.apache.parquet": "parquet",
    "application/x-shapefile": "shp",
}


def guess_format(value) -> str:
    """A remote format (`CSV`, `.csv`, `text/csv`, an EU file-type or IANA URI) as the catalogue writes it."""
    word = text(value).lower().strip()
    if not word:
        return ""
    if word.startswith(("http://", "https://")):
        tail = word.rstrip("/").split("/")
        word = "/".join(tail[-2:]) if "iana.org" in word else tail[-1]
    word = word.split(";", 1)[0].strip()
    if word in _MEDIA_FORMATS:
        return _MEDIA_FORMATS[word]
    word = word.rsplit("/", 1)[-1].lstrip(".")
    word = {"geo+json": "geojson", "zip_csv": "zip", "shape": "shp", "esri shapefile": "shp"}.get(word, word)
    return re.sub(r"[^a-z0-9+.-]", "", word)[:20]


def keywords(values) -> list[str]:
    """Remote keywords (strings or {"name": …}), each once, at most the catalogue's limit."""
    names: dict[str, str] = {}
    for value in values or ():
        name = one_line(value.get("name") or value.get("display_name") if isinstance(value, dict) else value, 100)
        if name and name.lower() not in names:
            names[name.lower()] = name
    return list(names.values())[:KEYWORDS_MAX]


def resource_url(value) -> str:
    """A remote resource's address, or "" when it is not one the catalogue may link to: http(s) only, no
    credentials, no literal private, loopback or link-local address (names are resolved by the link checker at
    each connection, through the same safe client)."""
    url = text(value)
    if not url or len(url) > URL_MAX:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() not in safe_http.SCHEMES or not host or parts.username or parts.password:
        return ""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url
    return "" if not safe_http.address_allowed(host, address) else url


def remote_resource(url, *, title="", fmt="", kind=Resource.Kind.REMOTE, description="") -> RemoteResource | None:
    address = resource_url(url)
    if not address:
        return None
    fmt = guess_format(fmt)
    name = one_line(title, RESOURCE_TITLE_MAX)
    if not name:
        name = one_line(urlsplit(address).path.rstrip("/").rsplit("/", 1)[-1], RESOURCE_TITLE_MAX)
    if not name:
        name = _("Ressource %(format)s") % {"format": fmt.upper()} if fmt else _("Ressource")
    return RemoteResource(
        url=address, title=name, format=fmt, kind=kind, description=text(description, RESOURCE_DESCRIPTION_MAX)
    )


def required_title(value) -> str:
    title = one_line(value, TITLE_MAX)
    if not title:
        raise RecordError(_("Jeu de données sans titre."))
    return title
