"""Structure of the starter learning content shipped as data files (auzolan/learning/content/).

Pure Python: the files are read with json and pathlib, no Django database. Each validator returns a list of
error messages, so a failure names every problem at once; the last tests break copies of the real files on
purpose and check that the validators notice.
"""

import copy
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "auzolan" / "learning" / "content"
DIGCOMP_FILE = CONTENT / "frameworks" / "digcomp-2.2.json"
TOPICS_FILE = CONTENT / "topics.json"
PATHS_FILE = CONTENT / "paths.json"
MODULES_DIR = CONTENT / "modules"

LEVELS = {"debutant", "intermediaire", "avance"}
AUDIENCES = {"elu", "agent", "secretaire", "referent_donnees"}
PIECE_KINDS = {"text", "quiz", "resource"}
QUESTION_KINDS = {"single", "multiple", "true_false"}
DIGCOMP_LEVEL_NAMES = {
    1: "Fondamental",
    2: "Fondamental",
    3: "Intermédiaire",
    4: "Intermédiaire",
    5: "Avancé",
    6: "Avancé",
    7: "Hautement spécialisé",
    8: "Hautement spécialisé",
}
# Official public sources only (links in Markdown bodies and resource pieces).
ALLOWED_HOSTS = {
    "legifrance.gouv.fr",
    "www.legifrance.gouv.fr",
    "cnil.fr",
    "www.cnil.fr",
    "cybermalveillance.gouv.fr",
    "www.cybermalveillance.gouv.fr",
    "cyber.gouv.fr",
    "data.gouv.fr",
    "www.data.gouv.fr",
    "schema.data.gouv.fr",
    "guides.data.gouv.fr",
    "numerique.gouv.fr",
    "www.numerique.gouv.fr",
    "accessibilite.numerique.gouv.fr",
    "ecoresponsable.numerique.gouv.fr",
    "eur-lex.europa.eu",
}
# Hosts allowed only in the framework's source and licence references.
FRAMEWORK_HOSTS = {"publications.jrc.ec.europa.eu", "joint-research-centre.ec.europa.eu", "creativecommons.org"}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COMPETENCE_RE = re.compile(r"^[1-5]\.[1-9]$")
HTML_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--|&[a-zA-Z]+;|&#\d+;")
MD_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+)")
BARE_URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s)>\]\"']+", re.IGNORECASE)
HEADING_RE = re.compile(r"^(#{1,6})(?:\s|$)", re.MULTILINE)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def is_text(value):
    return isinstance(value, str) and value.strip() != ""


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_keys(obj, where, required, optional=(), translatable=()):
    """Required keys with their types, optional keys, and `<field>_eu` siblings of translatable text fields."""
    if not isinstance(obj, dict):
        return [f"{where}: expected an object, got {type(obj).__name__}"]
    errors = []
    for key, check in required.items():
        if key not in obj:
            errors.append(f"{where}: missing key {key!r}")
        elif not check(obj[key]):
            errors.append(f"{where}: bad value for {key!r}: {obj[key]!r}")
    allowed = set(required) | set(optional) | {f"{field}_eu" for field in translatable}
    for key in obj:
        if key not in allowed:
            errors.append(f"{where}: unknown key {key!r}")
        elif key == "objectives_eu":
            if not (isinstance(obj[key], list) and obj[key] and all(is_text(o) for o in obj[key])):
                errors.append(f"{where}: {key!r} must be a non-empty list of strings")
        elif key.endswith("_eu") and not is_text(obj[key]):
            errors.append(f"{where}: {key!r} must be a non-empty string")
    return errors


def check_url(url, where, hosts=ALLOWED_HOSTS):
    parts = urlsplit(url)
    if parts.scheme != "https":
        return [f"{where}: URL is not https: {url}"]
    if parts.hostname not in hosts:
        return [f"{where}: URL host not in the allowed official sources: {url}"]
    return []


def duplicates(values):
    seen, dups = set(), set()
    for value in values:
        (dups if value in seen else seen).add(value)
    return sorted(dups)


# --- DigComp -------------------------------------------------------------------------------------------------


def validate_digcomp(data):
    errors = check_keys(
        data,
        "digcomp",
        {
            "code": lambda v: v == "digcomp",
            "version": lambda v: v == "2.2",
            "title": is_text,
            "source": lambda v: isinstance(v, dict),
            "licence": lambda v: isinstance(v, dict),
            "levels": lambda v: isinstance(v, list),
            "areas": lambda v: isinstance(v, list),
        },
        optional=("title_en",),
    )
    if errors:
        return errors
    errors += check_keys(
        data["source"],
        "digcomp.source",
        {"reference": is_text, "url": is_text},
        optional=("publisher", "year", "doi"),
    )
    if is_text(data["source"].get("url")):
        errors += check_url(data["source"]["url"], "digcomp.source", FRAMEWORK_HOSTS)
    errors += check_keys(
        data["licence"], "digcomp.licence", {"name": is_text, "url": is_text}, optional=("notice", "changes")
    )
    if is_text(data["licence"].get("url")):
        errors += check_url(data["licence"]["url"], "digcomp.licence", FRAMEWORK_HOSTS)
    if "CC BY 4.0" not in data["licence"].get("name", "") and "(CC BY 4.0)" not in data["licence"].get("name", ""):
        errors.append("digcomp.licence: the JRC publication is reused under CC BY 4.0")

    levels = data["levels"]
    numbers = []
    for i, level in enumerate(levels):
        where = f"digcomp.levels[{i}]"
        errors += check_keys(
            level, where, {"number": is_int, "name": is_text, "description": is_text}, optional=("name_en",)
        )
        if isinstance(level, dict) and is_int(level.get("number")):
            numbers.append(level["number"])
            expected = DIGCOMP_LEVEL_NAMES.get(level["number"])
            if level.get("name") != expected:
                errors.append(f"{where}: level {level['number']} must be named {expected!r}")
    if numbers != list(range(1, 9)):
        errors.append(f"digcomp.levels: expected levels 1 to 8 in order, got {numbers}")

    areas = data["areas"]
    if [a.get("code") for a in areas if isinstance(a, dict)] != ["1", "2", "3", "4", "5"]:
        errors.append("digcomp.areas: expected the 5 areas 1 to 5 in order")
    codes = []
    for i, area in enumerate(areas):
        where = f"digcomp.areas[{i}]"
        errors += check_keys(
            area,
            where,
            {"code": is_text, "title": is_text, "title_en": is_text, "competences": lambda v: isinstance(v, list)},
            translatable=("title",),
        )
        if not isinstance(area, dict) or not isinstance(area.get("competences"), list):
            continue
        area_codes = []
        for j, competence in enumerate(area["competences"]):
            cwhere = f"{where}.competences[{j}]"
            errors += check_keys(
                competence,
                cwhere,
                {"code": is_text, "title": is_text, "title_en": is_text, "description": is_text},
                translatable=("title", "description"),
            )
            code = competence.get("code") if isinstance(competence, dict) else None
            if not isinstance(code, str) or not COMPETENCE_RE.match(code) or code.split(".")[0] != area.get("code"):
                errors.append(f"{cwhere}: competence code {code!r} does not belong to area {area.get('code')!r}")
            area_codes.append(code)
        expected = [f"{area.get('code')}.{n}" for n in range(1, len(area_codes) + 1)]
        if area_codes != expected:
            errors.append(f"{where}: competence codes must be consecutive from .1, got {area_codes}")
        codes += area_codes
    expected_counts = {"1": 3, "2": 6, "3": 4, "4": 4, "5": 4}
    counts = {a.get("code"): len(a.get("competences", [])) for a in areas if isinstance(a, dict)}
    if counts != expected_counts:
        errors.append(f"digcomp.areas: competences per area {counts}, expected {expected_counts}")
    if len(codes) != 21:
        errors.append(f"digcomp: expected 21 competences, got {len(codes)}")
    if duplicates(codes):
        errors.append(f"digcomp: duplicate competence codes {duplicates(codes)}")
    return errors


def competence_codes(digcomp):
    return {c["code"] for area in digcomp["areas"] for c in area["competences"]}


# --- Topics --------------------------------------------------------------------------------------------------


def validate_topics(topics, codes):
    if not isinstance(topics, list):
        return ["topics: expected a list"]
    errors = []
    if len(topics) < 8:
        errors.append(f"topics: at least 8 topics expected, got {len(topics)}")
    for i, topic in enumerate(topics):
        where = f"topics[{i}]"
        errors += check_keys(
            topic,
            where,
            {
                "slug": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
                "title": is_text,
                "description": is_text,
                "competences": lambda v: isinstance(v, list) and len(v) > 0,
            },
            translatable=("title", "description"),
        )
        if isinstance(topic, dict):
            errors += check_competences(topic.get("competences"), where, codes)
    slugs = [t.get("slug") for t in topics if isinstance(t, dict)]
    titles = [t.get("title") for t in topics if isinstance(t, dict)]
    if duplicates(slugs):
        errors.append(f"topics: duplicate slugs {duplicates(slugs)}")
    if duplicates(titles):
        errors.append(f"topics: duplicate titles {duplicates(titles)}")
    return errors


def check_competences(values, where, codes):
    if not isinstance(values, list):
        return []
    errors = [f"{where}: unknown DigComp competence {v!r}" for v in values if v not in codes]
    if duplicates([v for v in values if isinstance(v, str)]):
        errors.append(f"{where}: competence listed twice")
    return errors


# --- Modules -------------------------------------------------------------------------------------------------


def check_markdown(body, where):
    errors = []
    if HTML_RE.search(body):
        errors.append(f"{where}: raw HTML in Markdown: {HTML_RE.search(body).group(0)!r}")
    if "![" in body:
        errors.append(f"{where}: images are not allowed in Markdown bodies")
    for hashes in HEADING_RE.findall(body):
        if len(hashes) < 3:
            errors.append(f"{where}: headings start at ### (found {hashes})")
    for url in MD_LINK_RE.findall(body) + BARE_URL_RE.findall(body):
        errors += check_url(url, where)
    words = len(body.split())
    if not 150 <= words <= 500:
        errors.append(f"{where}: text pieces have 150 to 500 words, this one has {words}")
    return errors


def validate_question(question, where):
    errors = check_keys(
        question,
        where,
        {
            "key": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
            "kind": lambda v: v in QUESTION_KINDS,
            "text": is_text,
            "explanation": is_text,
            "answers": lambda v: isinstance(v, list),
        },
        translatable=("text", "explanation"),
    )
    if not isinstance(question, dict) or not isinstance(question.get("answers"), list):
        return errors
    answers = question["answers"]
    for k, answer in enumerate(answers):
        errors += check_keys(
            answer,
            f"{where}.answers[{k}]",
            {
                "key": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
                "text": is_text,
                "correct": lambda v: isinstance(v, bool),
                "feedback": is_text,
            },
            translatable=("text", "feedback"),
        )
    answers = [a for a in answers if isinstance(a, dict)]
    keys = [a.get("key") for a in answers]
    if duplicates(keys):
        errors.append(f"{where}: duplicate answer keys {duplicates(keys)}")
    if duplicates([a.get("text") for a in answers]):
        errors.append(f"{where}: duplicate answer texts")
    correct = sum(1 for a in answers if a.get("correct") is True)
    kind = question.get("kind")
    if kind == "true_false":
        if sorted(a.get("text") for a in answers) != ["Faux", "Vrai"] or correct != 1:
            errors.append(f"{where}: a true_false question has exactly the answers Vrai and Faux, one correct")
    elif kind == "single":
        if len(answers) < 2 or correct != 1:
            errors.append(f"{where}: a single question has at least 2 answers and exactly one correct ({correct})")
    elif kind == "multiple" and (len(answers) < 2 or correct < 1):
        errors.append(f"{where}: a multiple question has at least 2 answers and at least one correct")
    return errors


def validate_quiz(piece, where):
    errors = check_keys(
        piece,
        where,
        {
            "key": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
            "kind": lambda v: v == "quiz",
            "title": is_text,
            "pass_mark": lambda v: is_int(v) and 0 <= v <= 100,
            "max_attempts": lambda v: v is None or (is_int(v) and v >= 1),
            "questions": lambda v: isinstance(v, list) and 3 <= len(v) <= 6,
        },
        translatable=("title",),
    )
    questions = piece.get("questions") if isinstance(piece, dict) else None
    if not isinstance(questions, list):
        return errors
    for n, question in enumerate(questions):
        errors += validate_question(question, f"{where}.questions[{n}]")
    keys = [q.get("key") for q in questions if isinstance(q, dict)]
    if duplicates(keys):
        errors.append(f"{where}: duplicate question keys {duplicates(keys)}")
    return errors


def validate_piece(piece, where):
    if not isinstance(piece, dict):
        return [f"{where}: expected an object"]
    kind = piece.get("kind")
    slug_key = {"key": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v))}
    if kind == "text":
        errors = check_keys(
            piece,
            where,
            {**slug_key, "kind": is_text, "title": is_text, "body": is_text},
            translatable=("title", "body"),
        )
        if is_text(piece.get("body")):
            errors += check_markdown(piece["body"], where)
        return errors
    if kind == "resource":
        errors = check_keys(
            piece,
            where,
            {**slug_key, "kind": is_text, "title": is_text, "description": is_text, "url": is_text},
            translatable=("title", "description"),
        )
        if is_text(piece.get("url")):
            errors += check_url(piece["url"], where)
        return errors
    if kind == "quiz":
        return validate_quiz(piece, where)
    return [f"{where}: unknown piece kind {kind!r} (allowed: {sorted(PIECE_KINDS)})"]


def validate_module(module, filename, topic_slugs, codes):
    where = f"modules/{filename}"
    errors = check_keys(
        module,
        where,
        {
            "slug": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
            "topic": is_text,
            "title": is_text,
            "summary": is_text,
            "level": lambda v: v in LEVELS,
            "minutes": lambda v: is_int(v) and 5 <= v <= 45,
            "audiences": lambda v: isinstance(v, list) and len(v) > 0 and set(v) <= AUDIENCES and len(set(v)) == len(v),
            "objectives": lambda v: isinstance(v, list) and 2 <= len(v) <= 4 and all(is_text(o) for o in v),
            "competences": lambda v: isinstance(v, list) and len(v) > 0,
            "pieces": lambda v: isinstance(v, list),
        },
        translatable=("title", "summary", "objectives"),
    )
    if not isinstance(module, dict):
        return errors
    if module.get("slug") != filename.removesuffix(".json"):
        errors.append(f"{where}: slug {module.get('slug')!r} does not match the file name")
    if module.get("topic") not in topic_slugs:
        errors.append(f"{where}: unknown topic {module.get('topic')!r}")
    errors += check_competences(module.get("competences"), where, codes)
    pieces = module.get("pieces")
    if not isinstance(pieces, list):
        return errors
    for p, piece in enumerate(pieces):
        errors += validate_piece(piece, f"{where}.pieces[{p}]")
    kinds = [p.get("kind") for p in pieces if isinstance(p, dict)]
    if kinds.count("text") < 2:
        errors.append(f"{where}: at least 2 text pieces expected")
    if kinds.count("quiz") != 1 or not kinds or kinds[-1] != "quiz":
        errors.append(f"{where}: exactly one quiz expected, as the last piece")
    keys = [p.get("key") for p in pieces if isinstance(p, dict)]
    if duplicates(keys):
        errors.append(f"{where}: duplicate piece keys {duplicates(keys)}")
    return errors


def validate_modules(modules, topic_slugs, codes):
    """`modules` maps a file name to its parsed content."""
    errors = []
    if len(modules) < 10:
        errors.append(f"modules: at least 10 modules expected, got {len(modules)}")
    for filename, module in sorted(modules.items()):
        errors += validate_module(module, filename, topic_slugs, codes)
    valid = [m for m in modules.values() if isinstance(m, dict)]
    for field in ("slug", "title", "summary"):
        dups = duplicates([m.get(field) for m in valid])
        if dups:
            errors.append(f"modules: duplicate {field} {dups}")
    # Near-duplicates: no question or text-piece title repeated from one module to another.
    questions = [
        q.get("text")
        for m in valid
        for p in m.get("pieces", [])
        if isinstance(p, dict) and p.get("kind") == "quiz"
        for q in p.get("questions", [])
        if isinstance(q, dict)
    ]
    if duplicates(questions):
        errors.append(f"modules: the same question appears in several modules: {duplicates(questions)}")
    bodies = [p.get("body") for m in valid for p in m.get("pieces", []) if isinstance(p, dict) and p.get("body")]
    if duplicates(bodies):
        errors.append("modules: the same text piece appears twice")
    return errors


# --- Paths ---------------------------------------------------------------------------------------------------


def validate_paths(paths, module_audiences):
    """`module_audiences` maps each module slug to the audiences the module is written for."""
    if not isinstance(paths, list):
        return ["paths: expected a list"]
    errors = []
    if len(paths) < 3:
        errors.append(f"paths: at least 3 paths expected, got {len(paths)}")
    for i, path in enumerate(paths):
        where = f"paths[{i}]"
        errors += check_keys(
            path,
            where,
            {
                "slug": lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
                "title": is_text,
                "audience": lambda v: v in AUDIENCES,
                "description": is_text,
                "modules": lambda v: isinstance(v, list) and len(v) > 0,
            },
            translatable=("title", "description"),
        )
        items = path.get("modules") if isinstance(path, dict) else None
        if not isinstance(items, list):
            continue
        listed = []
        for j, item in enumerate(items):
            if isinstance(item, str):
                if item not in module_audiences:
                    errors.append(f"{where}.modules[{j}]: unknown module {item!r}")
                elif path.get("audience") not in module_audiences[item]:
                    errors.append(f"{where}.modules[{j}]: module {item!r} is not written for {path.get('audience')!r}")
                listed.append(item)
            else:
                errors += check_keys(
                    item,
                    f"{where}.modules[{j}]",
                    {"workshop": is_text, "description": is_text},
                    translatable=("workshop", "description"),
                )
        if duplicates(listed):
            errors.append(f"{where}: module listed twice {duplicates(listed)}")
        if sum(1 for item in items if isinstance(item, str)) < 2:
            errors.append(f"{where}: a path has at least 2 modules")
        if sum(1 for item in items if not isinstance(item, str)) > 2:
            errors.append(f"{where}: keep workshops few (at most 2 per path)")
    valid = [p for p in paths if isinstance(p, dict)]
    for field in ("slug", "title"):
        if duplicates([p.get(field) for p in valid]):
            errors.append(f"paths: duplicate {field} {duplicates([p.get(field) for p in valid])}")
    missing = AUDIENCES - {p.get("audience") for p in valid}
    if missing:
        errors.append(f"paths: no path for the audiences {sorted(missing)}")
    return errors


# --- The real files ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digcomp():
    return load(DIGCOMP_FILE)


@pytest.fixture(scope="module")
def topics():
    return load(TOPICS_FILE)


@pytest.fixture(scope="module")
def modules():
    return {path.name: load(path) for path in sorted(MODULES_DIR.glob("*.json"))}


@pytest.fixture(scope="module")
def paths():
    return load(PATHS_FILE)


def test_content_directory_holds_only_the_expected_files():
    files = {p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*") if p.is_file()}
    unexpected = {
        f
        for f in files
        if f
        not in {
            "SOURCES.md",
            "topics.json",
            "paths.json",
            "frameworks/digcomp-2.2.json",
            "frameworks/entrecomp-2016.json",
        }
        and not re.fullmatch(r"modules/[a-z0-9-]+\.json", f)
    }
    assert unexpected == set()
    assert (CONTENT / "SOURCES.md").is_file()


def assert_valid(errors):
    assert errors == [], "\n".join(errors)


def test_digcomp_framework(digcomp):
    assert_valid(validate_digcomp(digcomp))
    assert len(competence_codes(digcomp)) == 21


def test_topics(digcomp, topics):
    assert_valid(validate_topics(topics, competence_codes(digcomp)))


def test_modules(digcomp, topics, modules):
    assert_valid(validate_modules(modules, {t["slug"] for t in topics}, competence_codes(digcomp)))


def module_audiences(modules):
    return {m["slug"]: set(m["audiences"]) for m in modules.values()}


def test_paths(modules, paths):
    assert_valid(validate_paths(paths, module_audiences(modules)))


def test_every_topic_has_a_module(topics, modules):
    assert {t["slug"] for t in topics} - {m["topic"] for m in modules.values()} == set()


# --- The validators catch broken files --------------------------------------------------------------------------


def test_validators_reject_a_broken_digcomp(digcomp):
    broken = copy.deepcopy(digcomp)
    broken["areas"][1]["competences"].pop()  # 20 competences
    broken["levels"][7]["name"] = "Expert"
    errors = validate_digcomp(broken)
    assert any("expected 21 competences" in e for e in errors)
    assert any("levels[7]" in e for e in errors)


def test_validators_reject_broken_modules(digcomp, topics, modules):
    broken = copy.deepcopy(modules)
    name = sorted(broken)[0]
    module = broken[name]
    module["minutes"] = 60
    module["competences"].append("6.1")
    quiz = next(p for p in module["pieces"] if p["kind"] == "quiz")
    single = next(q for q in quiz["questions"] if q["kind"] == "single")
    for answer in single["answers"]:
        answer["correct"] = True
    text = next(p for p in module["pieces"] if p["kind"] == "text")
    text["body"] += "\n<b>gras</b> [source](http://example.com/guide)\n"
    module["pieces"].append(copy.deepcopy(text))  # duplicate key, quiz no longer last
    errors = validate_modules(broken, {t["slug"] for t in topics}, competence_codes(digcomp))
    joined = "\n".join(errors)
    for expected in (
        "bad value for 'minutes'",
        "unknown DigComp competence '6.1'",
        "exactly one correct",
        "raw HTML",
        "URL is not https",
        "duplicate piece keys",
        "as the last piece",
    ):
        assert expected in joined


def test_validators_reject_broken_paths(modules, paths):
    broken = copy.deepcopy(paths)
    broken[0]["modules"].append("module-inexistant")
    broken[1]["audience"] = "maire"
    audiences = module_audiences(modules)
    audiences[broken[2]["modules"][0]] = {"elu"}
    broken[2]["audience"] = "agent"
    errors = validate_paths(broken, audiences)
    assert any("unknown module 'module-inexistant'" in e for e in errors)
    assert any("bad value for 'audience'" in e for e in errors)
    assert any("is not written for 'agent'" in e for e in errors)
