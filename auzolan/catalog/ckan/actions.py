"""The read actions of CKAN's Action API v3, one function each: `action(context, data) -> result`.

`context.user` is whoever asks (`views.request_user`), `context.request` serves absolute addresses; `data` is the
request's data dict. An action raises `params.ActionError` (or a `core.errors` error) for a refusal, which the view
turns into CKAN's error envelope. Other apps add actions with `register_action(name, function)` from their
`hooks.py` (the datastore adds `datastore_search`).

Reads go through the catalogue's search service (`catalog.search`: full text, facets, pages) and its models; published
datasets are public, the others are seen only by the members of their organisation (and agency staff), and never
appear otherwise: a package_show of a draft to an outsider is a "Not Found Error", as for a name that does not exist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import search
from auzolan.catalog.ckan import dictize, params
from auzolan.catalog.ckan.params import ActionError, Term
from auzolan.catalog.models import Dataset, DatasetFormat, DatasetTheme, Keyword, Resource
from auzolan.catalog.vocabularies import LICENCES, Theme
from auzolan.core import ratelimit
from auzolan.core.errors import NotFound
from auzolan.core.inputs import MAX_OFFSET
from auzolan.core.permissions import can
from auzolan.organisations.models import Membership, Organisation

CKAN_VERSION = "2.10.4"
ROWS_DEFAULT = 10
ROWS_MAX = 1000
LIST_MAX = 1000
LIST_MAX_ALL_FIELDS = 25
FACET_LIMIT_DEFAULT = 50


@dataclass
class Context:
    request: object
    user: object


Action = Callable[[Context, dict], object]
ACTIONS: dict[str, Action] = {}


def register_action(name: str, function: Action) -> None:
    """Make `function` answer `/api/3/action/<name>` (a read action: GET and POST)."""
    ACTIONS[name] = function


def get_action(name: str) -> Action | None:
    return ACTIONS.get(name)


def not_found(message: str | None = None) -> NotFound:
    return NotFound(message or _("Introuvable."))


def search_limits() -> dict:
    """The rate and concurrency limits of the CKAN searches (package_search, datastore_search)."""
    return {
        "rates": {
            "ip": ratelimit.Rate.parse(settings.CKAN_API_RATE_IP),
            "user": ratelimit.Rate.parse(settings.CKAN_API_RATE_ACCOUNT),
        },
        "concurrency": {"ip": settings.CKAN_API_CONCURRENCY_IP, "user": settings.CKAN_API_CONCURRENCY_ACCOUNT},
        "hold": 60,
    }


# --- Site ------------------------------------------------------------------------------------------------------


def site_read(context: Context, data: dict) -> bool:
    """Whether the site may be read: always true.

    :rtype: bool
    """
    return True


def status_show(context: Context, data: dict) -> dict:
    """The site's title, description, address, default language and the CKAN version whose API it follows.

    :rtype: dictionary
    """
    return {
        "site_title": settings.PLATFORM_NAME,
        "site_description": _("Portail des données ouvertes du territoire"),
        "site_url": settings.SITE_URL,
        "error_emails_to": None,
        "locale_default": "fr",
        "extensions": ["datastore"],
        "ckan_version": CKAN_VERSION,
    }


def help_show(context: Context, data: dict) -> str:
    """The documentation of an action.

    :param name: the action's name
    :type name: string
    :rtype: string
    """
    name = params.text(data, "name", max_length=100)
    action = get_action(name)
    if action is None:
        raise not_found(_("Action inconnue : %(name)s.") % {"name": name})
    return action.__doc__ or ""


def license_list(context: Context, data: dict) -> list[dict]:
    """The licences datasets may carry, with the ids data.gouv.fr recognises.

    :rtype: list of dictionaries
    """
    return [dictize.licence_dict(code) for code in LICENCES]


# --- Visibility ------------------------------------------------------------------------------------------------


def _member_scope(user) -> Q | None:
    """The datasets beyond the published ones that `user` may see (None: none)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return None
    if user.is_staff:
        return Q(pk__isnull=False)
    organisations = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("organisation_id")
    return Q(organisation_id__in=organisations)


def _visible_package(context: Context, key: str, field: str = "id") -> Dataset:
    """A dataset by stable identifier or name, if `context.user` may see it; a Not Found Error otherwise."""
    if not key:
        raise ActionError(_("Ce paramètre est obligatoire."), field=field)
    lookup = Q(slug=key[:120])
    with contextlib.suppress(ValueError):
        lookup |= Q(identifier=uuid.UUID(key))
    dataset = dictize.package_queryset().filter(lookup).first()
    if dataset is None or not can(context.user, "catalog.view_dataset", dataset):
        raise not_found(_("Jeu de données introuvable."))
    return dataset


def _public_organisations():
    return Organisation.objects.public()


def _organisation_by(key: str) -> Organisation:
    """A public organisation by name (slug) or id (`dictize.derived_id`)."""
    organisation = _public_organisations().filter(slug=key[:80]).first()
    if organisation is None:
        ids = {
            dictize.derived_id("organisation", pk): pk for pk in _public_organisations().values_list("pk", flat=True)
        }
        if key in ids:
            organisation = Organisation.objects.get(pk=ids[key])
    if organisation is None:
        raise not_found(_("Organisation introuvable."))
    return organisation


# --- Packages --------------------------------------------------------------------------------------------------


def package_list(context: Context, data: dict) -> list[str]:
    """The names of the published datasets, ordered by name.

    :param limit: how many names (default: all)
    :type limit: int
    :param offset: how many to skip
    :type offset: int
    :rtype: list of strings
    """
    limit = params.integer(data, "limit", 0, minimum=0, maximum=MAX_OFFSET)
    offset = params.integer(data, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    names = Dataset.objects.published().order_by("slug").values_list("slug", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def package_show(context: Context, data: dict) -> dict:
    """A dataset by its stable identifier (UUID) or its name.

    :param id: the identifier or the name of the dataset
    :type id: string
    :rtype: dictionary
    """
    dataset = _visible_package(context, params.text(data, "id", max_length=200).strip())
    return dictize.package_dict(dataset, context.request)


def resource_show(context: Context, data: dict) -> dict:
    """A resource by its identifier (UUID), as in its dataset's dictionary.

    :param id: the identifier of the resource
    :type id: string
    :rtype: dictionary
    """
    key = params.text(data, "id", max_length=200).strip()
    if not key:
        raise ActionError(_("Ce paramètre est obligatoire."), field="id")
    try:
        identifier = uuid.UUID(key)
    except ValueError:
        raise not_found(_("Ressource introuvable.")) from None
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(context.user, "catalog.view_dataset", resource.dataset):
        raise not_found(_("Ressource introuvable."))
    dataset = dictize.package_queryset().get(pk=resource.dataset_id)
    for entry in dictize.package_dict(dataset, context.request)["resources"]:
        if entry["id"] == str(identifier):
            return entry
    raise not_found(_("Ressource introuvable."))  # pragma: no cover (deleted between the two reads)


# --- package_search: Solr's q, fq and sort onto the search service ------------------------------------------------

SORT_FIELDS = {
    "score": None,
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "name": "slug",
    "title_string": "title",
    "title": "title",
    "id": "identifier",
}

#: CKAN facet fields → the search service's facets.
FACET_FIELDS = {
    "organization": "organisation",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "licence",
    "groups": "theme",
    "frequency": "frequency",
}

_NOTHING = Q(pk__in=[])


def _date(value: str, field: str) -> dt.datetime | None:
    value = value.strip()
    if value == "*":
        return None
    if value.upper().startswith("NOW"):
        return timezone.now()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise params.search_error(
            _("Date illisible pour %(field)s : %(value)s (attendu : 2024-01-01T00:00:00Z).")
            % {"field": field, "value": value[:40]}
        ) from None
    try:
        return parsed.astimezone(dt.UTC) if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)
    except OverflowError:  # 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        raise params.search_error(_("Date hors limites pour %(field)s.") % {"field": field}) from None


def _through(model, **lookup) -> Q:
    return Q(pk__in=model.objects.filter(**lookup).values("dataset_id"))


def _term_q(term: Term, context: Context) -> Q:
    field, value = term.field, term.value
    if field is None:
        raise params.search_error(
            _("Dans fq, chaque condition nomme un champ (organization:…, tags:…) : « %(value)s ».")
            % {"value": value[:60]}
        )
    if term.high is not None:
        column = {"metadata_modified": "updated_at", "metadata_created": "created_at"}.get(field)
        if column is None:
            raise params.search_error(_("Intervalle non pris en charge pour le champ %(field)s.") % {"field": field})
        low, high = _date(value, field), _date(term.high, field)
        condition = Q()
        if low is not None:
            condition &= Q(**{f"{column}__gte": low})
        if high is not None:
            condition &= Q(**{f"{column}__lte": high})
        return condition
    if value == "*":
        return Q()
    keywords = Dataset.keywords.through
    if field == "organization":  # a subquery rather than a join: each facet's count repeats the condition
        return Q(organisation_id__in=Organisation.objects.filter(slug=value[:80]).values("pk"))
    if field == "owner_org":
        ids = {dictize.derived_id("organisation", pk): pk for pk in Organisation.objects.values_list("pk", flat=True)}
        if value in ids:
            return Q(organisation_id=ids[value])
        return Q(organisation_id__in=Organisation.objects.filter(slug=value[:80]).values("pk"))
    if field == "tags":
        return _through(keywords, keyword__name__iexact=value) | _through(keywords, keyword__slug=value)
    if field == "res_format":
        return _through(DatasetFormat, format=value.lower())
    if field == "license_id":
        return Q(licence=dictize.LICENCE_CODES.get(value, value))
    if field == "groups":
        return _through(DatasetTheme, code=value.upper())
    if field == "name":
        return Q(slug=value)
    if field == "id":
        try:
            return Q(identifier=uuid.UUID(value))
        except ValueError:
            return _NOTHING
    if field == "frequency":
        codes = {name: code for code, name in dictize.FREQUENCIES.items()}
        return Q(frequency=codes.get(value, value.upper()))
    if field in ("dataset_type", "type"):
        return Q() if value == "dataset" else _NOTHING
    if field == "capacity":
        return Q(state=Dataset.State.PUBLISHED) if value == "public" else ~Q(state=Dataset.State.PUBLISHED)
    if field == "state":
        return {"active": ~Q(state=Dataset.State.DRAFT), "draft": Q(state=Dataset.State.DRAFT)}.get(value, _NOTHING)
    if field in ("title", "notes"):
        return Q(**{f"{'description' if field == 'notes' else 'title'}__icontains": value[:200]})
    raise params.search_error(
        _("Champ inconnu dans fq : %(field)s. Champs possibles : %(valid)s.")
        % {
            "field": field[:60],
            "valid": "organization, owner_org, tags, res_format, license_id, groups, name, id, frequency, "
            "metadata_modified, metadata_created, title, notes",
        }
    )


def _node_q(node, context: Context) -> Q:
    if isinstance(node, Term):
        condition = _term_q(node, context)
    else:
        parts = [_node_q(item, context) for item in node.items]
        condition = parts[0]
        for part in parts[1:]:
            condition = condition | part if node.operator == "OR" else condition & part
    return ~condition if node.negated else condition


def _split_q(node) -> tuple[list[str], list]:
    """The free text of `q` (its terms without a field) and its field clauses (udata sends `q=key:value AND …`)."""
    if node is None:
        return [], []
    if isinstance(node, Term):
        if node.field is None:
            return ([] if node.negated else [node.value]), []
        return [], [node]
    if node.operator == "AND" and not node.negated:
        words, clauses = [], []
        for item in node.items:
            item_words, item_clauses = _split_q(item)
            words += item_words
            clauses += item_clauses
        return words, clauses
    words = [w for item in node.items for w in _split_q(item)[0]]
    has_fields = any(_split_q(item)[1] for item in node.items)
    return words, ([node] if has_fields and not words else [])


def package_search(context: Context, data: dict) -> dict:
    """Search the datasets: full text, filters, facets, sorts and pages.

    :param q: text searched (French: accents and plurals ignored; every word is required, an OR between words
        included); `field:value` clauses are filters, as in `fq`
    :type q: string
    :param fq: filters: `organization:x`, `tags:x`, `res_format:CSV`, `license_id:x`, `groups:x`, `name:x`, `id:x`,
        `metadata_modified:[2024-01-01T00:00:00Z TO *]`, `-organization:x`, `A OR B`, quoted values
    :type fq: string
    :param rows: how many results (default 10, at most 1000)
    :type rows: int
    :param start: how many to skip
    :type start: int
    :param sort: `score desc`, `metadata_modified desc`, `metadata_created desc`, `name asc`, `title_string asc`,
        `id asc` (comma-separated keys)
    :type sort: string
    :param facet.field: facets to count: organization, tags, res_format, license_id, groups, frequency (JSON list)
    :type facet.field: list of strings
    :param facet.limit: items per facet (default 50; the search service counts at most 30)
    :type facet.limit: int
    :param facet.mincount: smallest count of an item
    :type facet.mincount: int
    :param include_private: also the datasets that are not published, of the organisations the person belongs to
    :type include_private: bool
    :rtype: dictionary with `count`, `results`, `facets`, `search_facets`, `sort`
    """
    with ratelimit.limit(context.request, "ckan-search", **search_limits()):
        return _package_search(context, data)


def _package_search(context: Context, data: dict) -> dict:
    rows = params.integer(data, "rows", ROWS_DEFAULT, minimum=0, maximum=ROWS_MAX)
    start = params.integer(data, "start", 0, minimum=0, maximum=1_000_000)
    q_source = params.text(data, "q", max_length=params.MAX_TEXT)
    fq_source = params.text(data, "fq", max_length=params.MAX_TEXT)
    fq_list = params.string_list(data, "fq_list")
    sort_source = params.text(data, "sort", "", max_length=200) or "score desc, metadata_modified desc"
    facet_fields = params.string_list(data, "facet.field")
    facet_limit = params.integer(data, "facet.limit", FACET_LIMIT_DEFAULT, minimum=-1, maximum=1000)
    facet_mincount = params.integer(data, "facet.mincount", 1, minimum=0, maximum=1_000_000)
    facet_on = params.boolean(data, "facet", True)
    include_private = params.boolean(data, "include_private", False)

    try:
        q_tree = params.parse_query(q_source)
        words, clauses = _split_q(q_tree)
    except ActionError:  # free text people typed (an unbalanced parenthesis): searched as words
        words, clauses = [q_source], []
    condition = Q()
    for clause in clauses:
        condition &= _node_q(clause, context)
    for source in [fq_source, *fq_list]:
        tree = params.parse_query(source)
        if tree is not None:
            condition &= _node_q(tree, context)

    keys = params.parse_sort(sort_source, SORT_FIELDS)
    text = " ".join(words)
    if keys and keys[0][0] == "score" and text.strip():
        sort, order_by = "relevance", ()
    else:
        sort = "updated"
        order_by = [f"{'-' if desc else ''}{SORT_FIELDS[name]}" for name, desc in keys if SORT_FIELDS[name]]
        order_by = order_by or ["-updated_at"]

    include = _member_scope(context.user) if include_private else None
    wanted = [FACET_FIELDS[f] for f in facet_fields if f in FACET_FIELDS] if facet_on else []
    base = Dataset.objects.filter(condition) if condition else None
    result = search.search_datasets(
        q=text,
        sort=sort,
        page_size=max(rows, 1),
        offset=start,
        max_page_size=ROWS_MAX,
        order_by=order_by,
        base=base,
        base_key=repr((q_source, fq_source, fq_list)) if base is not None else "",
        include=include,
        facets=bool(wanted),
        facet_names=wanted,
        load=dictize.load_packages,
        actor=context.user,
    )
    results = dictize.package_dicts(result.results, context.request) if rows else []
    facets, search_facets = {}, {}
    for field in facet_fields if facet_on else []:
        items = [_facet_item(field, v, label, n) for v, label, n in result.facets.get(FACET_FIELDS.get(field), [])]
        items = [item for item in items if item["count"] >= facet_mincount and item["count"] > 0]
        if facet_limit >= 0:
            items = items[:facet_limit]
        facets[field] = {item["name"]: item["count"] for item in items}
        search_facets[field] = {"title": field, "items": items}
    return {
        "count": result.total,
        "results": results,
        "facets": facets,
        "search_facets": search_facets,
        "sort": sort_source,
    }


def _facet_item(field: str, value: str, label: str, count: int) -> dict:
    name = value
    if field == "tags":
        name = label
    elif field == "res_format":
        name = value.upper()
    elif field == "license_id":
        name = dictize.LICENCE_IDS.get(value, value)
    elif field == "groups":
        name = value.lower()
    return {"name": name, "display_name": label, "count": count}


# --- Organisations, groups (EU data themes), tags --------------------------------------------------------------


def _list_window(data: dict, all_fields: bool) -> tuple[int, int]:
    maximum = LIST_MAX_ALL_FIELDS if all_fields else LIST_MAX
    limit = params.integer(data, "limit", maximum, minimum=0, maximum=LIST_MAX)
    return min(limit, maximum) if all_fields else limit, params.integer(
        data, "offset", 0, minimum=0, maximum=MAX_OFFSET
    )


def _list_sort(data: dict) -> tuple[str, bool]:
    source = params.text(data, "sort", "title asc", max_length=100) or "title asc"
    keys = params.parse_sort(source, {"title": "", "name": "", "package_count": ""})
    return keys[0] if keys else ("title", False)


def organization_list(context: Context, data: dict) -> list:
    """The public organisations: names, or dictionaries with `all_fields`.

    :param all_fields: dictionaries instead of names (then at most 25 a page)
    :type all_fields: bool
    :param sort: `title asc` (default), `name asc`, `package_count desc`
    :type sort: string
    :param limit: how many (at most 1000)
    :type limit: int
    :param offset: how many to skip
    :type offset: int
    :param organizations: only these names
    :type organizations: list of strings
    :param q: only the organisations whose name or title holds this text
    :type q: string
    :rtype: list of strings or of dictionaries
    """
    all_fields = params.boolean(data, "all_fields", False)
    limit, offset = _list_window(data, all_fields)
    key, desc = _list_sort(data)
    organisations = _public_organisations().annotate(
        package_count=Count("datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED))
    )
    names = params.string_list(data, "organizations")
    if names:
        organisations = organisations.filter(slug__in=names)
    q = params.text(data, "q", max_length=200).strip()
    if q:
        organisations = organisations.filter(Q(slug__icontains=q) | Q(name__icontains=q))
    column = {"title": "name", "name": "slug", "package_count": "package_count"}[key]
    organisations = organisations.order_by(f"{'-' if desc else ''}{column}", "slug")[offset : offset + limit]
    if not all_fields:
        return [o.slug for o in organisations]
    return [dictize.organisation_dict(o, context.request, package_count=o.package_count) for o in organisations]


def organization_show(context: Context, data: dict) -> dict:
    """An organisation by name or id, with its number of datasets; its datasets (at most 10) with
    `include_datasets`.

    :param id: the name or the id of the organisation
    :type id: string
    :param include_datasets: add `packages`
    :type include_datasets: bool
    :rtype: dictionary
    """
    key = params.text(data, "id", max_length=200).strip()
    if not key:
        raise ActionError(_("Ce paramètre est obligatoire."), field="id")
    organisation = _organisation_by(key)
    published = Dataset.objects.published().filter(organisation=organisation)
    result = dictize.organisation_dict(organisation, context.request, package_count=published.count())
    result.update({"users": [], "extras": [], "groups": [], "tags": [], "num_followers": 0})
    if params.boolean(data, "include_datasets", False):
        ids = list(published.order_by("-updated_at").values_list("pk", flat=True)[:10])
        result["packages"] = dictize.package_dicts(dictize.load_packages(ids), context.request)
    return result


def _theme_counts() -> dict[str, int]:
    return dict(
        DatasetTheme.objects.filter(dataset__state=Dataset.State.PUBLISHED)
        .order_by()
        .values_list("code")
        .annotate(n=Count("*"))
    )


def group_list(context: Context, data: dict) -> list:
    """The groups: the EU data themes of the datasets (names in lower case: `envi`, `gove`…).

    :param all_fields: dictionaries instead of names
    :type all_fields: bool
    :param sort: `title asc` (default), `name asc`, `package_count desc`
    :type sort: string
    :param limit: how many
    :type limit: int
    :param offset: how many to skip
    :type offset: int
    :rtype: list of strings or of dictionaries
    """
    all_fields = params.boolean(data, "all_fields", False)
    limit, offset = _list_window(data, all_fields)
    key, desc = _list_sort(data)
    counts = _theme_counts()
    groups = [dictize.group_dict(code, package_count=counts.get(code, 0)) for code in Theme.values]
    names = set(params.string_list(data, "groups"))
    if names:
        groups = [g for g in groups if g["name"] in names]
    groups.sort(key=lambda g: (g[key].lower() if isinstance(g[key], str) else g[key], g["name"]), reverse=desc)
    groups = groups[offset : offset + limit]
    return groups if all_fields else [g["name"] for g in groups]


def group_show(context: Context, data: dict) -> dict:
    """A group (an EU data theme) by name (`envi`) or id; its datasets (at most 10) with `include_datasets`.

    :param id: the name or the id of the group
    :type id: string
    :param include_datasets: add `packages`
    :type include_datasets: bool
    :rtype: dictionary
    """
    key = params.text(data, "id", max_length=200).strip()
    codes = {code.lower(): code for code in Theme.values}
    codes.update({dictize.derived_id("theme", code): code for code in Theme.values})
    code = codes.get(key.lower()) or codes.get(key)
    if code is None:
        raise not_found(_("Groupe introuvable."))
    result = dictize.group_dict(code, package_count=_theme_counts().get(code, 0))
    result.update({"users": [], "extras": [], "groups": [], "tags": [], "num_followers": 0})
    if params.boolean(data, "include_datasets", False):
        published = Dataset.objects.published().filter(themes__code=code)
        ids = list(published.order_by("-updated_at").values_list("pk", flat=True)[:10])
        result["packages"] = dictize.package_dicts(dictize.load_packages(ids), context.request)
    return result


def tag_list(context: Context, data: dict) -> list:
    """The tags (keywords) of the published datasets: names, or dictionaries with `all_fields`.

    :param query: only the tags holding this text
    :type query: string
    :param all_fields: dictionaries instead of names
    :type all_fields: bool
    :rtype: list of strings or of dictionaries
    """
    query = params.text(data, "query", max_length=100) or params.text(data, "q", max_length=100)
    keywords = Keyword.objects.filter(datasets__state=Dataset.State.PUBLISHED).distinct().order_by("name")
    if query.strip():
        keywords = keywords.filter(Q(name__icontains=query.strip()) | Q(slug__icontains=query.strip()))
    if params.string_list(data, "vocabulary_id"):
        return []
    keywords = keywords[:LIST_MAX]
    if params.boolean(data, "all_fields", False):
        return [dictize.tag_dict(k) for k in keywords]
    return [k.name for k in keywords]


# The actions of the catalogue; other apps add theirs with `register_action` (from their hooks.py).
ACTIONS.update(
    {
        function.__name__: function
        for function in (
            site_read,
            status_show,
            help_show,
            license_list,
            package_list,
            package_show,
            package_search,
            resource_show,
            organization_list,
            organization_show,
            group_list,
            group_show,
            tag_list,
        )
    }
)
