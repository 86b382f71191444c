"""A small RDF graph and its Turtle, RDF/XML and JSON-LD writers, for the DCAT feeds.

Why not rdflib's Graph and serializers: a page of 100 datasets is ~6,500 triples, which rdflib took 300-850 ms to
build and 350-650 ms to write in Turtle on the benchmark machine (the target is 300 ms for the whole page). This
module only collects triples and writes them; rdflib reads what it writes in the tests (every format parsed back,
the three formats compared triple for triple, the SHACL shapes run on the result).

Terms: an IRI is a `str`; a blank node is a `str` starting with "_:" (no IRI scheme starts with "_"); a literal is a
`Literal(lexical, lang, datatype)`. Text is cleaned once, where terms are made (`iri`, `text`), so that the three
formats say the same: characters XML 1.0 cannot carry are dropped, and the characters an IRI may not hold are
percent-encoded.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"


class Literal(NamedTuple):
    lexical: str
    lang: str = ""
    datatype: str = ""


# XML 1.0 forbids these characters (and so RDF/XML); Turtle and JSON could escape them, but the formats must agree.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Not allowed in an IRI (Turtle's IRIREF, RFC 3987): spaces, controls, <>"{}|^`\
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri(value: str) -> str:
    return _NOT_IRI.sub(lambda match: f"%{ord(match.group()):02X}", _NOT_XML.sub("", value))


def text(value: str, lang: str = "fr") -> Literal:
    """A text in French; line ends as XML reads them (a carriage return is a line feed there)."""
    return Literal(_NOT_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n"), lang=lang)


def typed(value) -> Literal:
    """A date, a date and time or an integer as a typed literal."""
    if isinstance(value, datetime.datetime):
        return Literal(value.isoformat(), datatype=XSD + "dateTime")
    if isinstance(value, datetime.date):
        return Literal(value.isoformat(), datatype=XSD + "date")
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(str(value), datatype=XSD + "integer")
    raise TypeError(f"No literal for {value!r}")


class Graph:
    """Triples grouped by subject, then predicate, in the order they were added (duplicates ignored)."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = {"rdf": RDF, **prefixes}
        self.subjects: dict[str, dict[str, list]] = {}
        self._blank = 0

    def blank(self) -> str:
        self._blank += 1
        return f"_:b{self._blank}"

    def add(self, subject: str, predicate: str, obj) -> None:
        objects = self.subjects.setdefault(subject, {}).setdefault(predicate, [])
        if obj not in objects:
            objects.append(obj)

    def __len__(self) -> int:
        return sum(len(objects) for predicates in self.subjects.values() for objects in predicates.values())

    # --- Writers ---------------------------------------------------------------------------------------------

    def _split(self, value: str) -> tuple[str, str] | None:
        for prefix, namespace in self.prefixes.items():
            if value.startswith(namespace):
                local = value[len(namespace) :]
                if _LOCAL_NAME.fullmatch(local):
                    return prefix, local
        return None

    def turtle(self) -> str:
        names: dict[str, str] = {}

        def term(value) -> str:
            name = names.get(value)
            if name is not None:
                return name
            if isinstance(value, Literal):
                quoted = '"' + value.lexical.translate(_TURTLE_ESCAPES) + '"'
                if value.lang:
                    name = f"{quoted}@{value.lang}"
                else:
                    name = f"{quoted}^^{term(value.datatype)}" if value.datatype else quoted
            elif value.startswith("_:"):
                name = value
            else:
                split = self._split(value)
                name = f"{split[0]}:{split[1]}" if split else f"<{value}>"
            names[value] = name
            return name

        lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in self.prefixes.items()]
        for subject, predicates in self.subjects.items():
            parts = []
            for predicate, objects in predicates.items():
                verb = "a" if predicate == RDF_TYPE else term(predicate)
                parts.append(f"    {verb} " + ",\n        ".join(term(obj) for obj in objects))
            lines.append(f"\n{term(subject)}\n" + " ;\n".join(parts) + " .")
        return "\n".join(lines) + "\n"

    def rdf_xml(self) -> str:
        qnames: dict[str, str] = {}

        def qname(predicate: str) -> str:
            name = qnames.get(predicate)
            if name is None:
                split = self._split(predicate)
                if split is None:
                    raise ValueError(f"RDF/XML needs a prefix for the predicate {predicate}")
                name = qnames[predicate] = f"{split[0]}:{split[1]}"
            return name

        def node(value: str, attribute: str = "about") -> str:
            if value.startswith("_:"):
                return f"rdf:nodeID={quoteattr(value[2:])}"
            return f"rdf:{attribute}={quoteattr(value)}"

        namespaces = " ".join(f"xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in self.prefixes.items())
        out = ['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF {namespaces}>"]
        for subject, predicates in self.subjects.items():
            out.append(f"  <rdf:Description {node(subject)}>")
            for predicate, objects in predicates.items():
                name = qname(predicate)
                for obj in objects:
                    if isinstance(obj, Literal):
                        attribute = (
                            f" xml:lang={quoteattr(obj.lang)}"
                            if obj.lang
                            else f" rdf:datatype={quoteattr(obj.datatype)}"
                            if obj.datatype
                            else ""
                        )
                        out.append(f"    <{name}{attribute}>{escape(obj.lexical)}</{name}>")
                    else:
                        out.append(f"    <{name} {node(obj, 'resource')}/>")
            out.append("  </rdf:Description>")
        out.append("</rdf:RDF>")
        return "\n".join(out) + "\n"

    def json_ld(self) -> str:
        """Flattened JSON-LD: one node object per subject in `@graph`, keys and types as compact IRIs."""
        compact: dict[str, str] = {}

        def key(value: str) -> str:
            name = compact.get(value)
            if name is None:
                split = self._split(value)
                name = compact[value] = f"{split[0]}:{split[1]}" if split else value
            return name

        def value(obj):
            if isinstance(obj, Literal):
                if obj.lang:
                    return {"@value": obj.lexical, "@language": obj.lang}
                return {"@value": obj.lexical, "@type": obj.datatype} if obj.datatype else {"@value": obj.lexical}
            return {"@id": obj}

        nodes = []
        for subject, predicates in self.subjects.items():
            entry: dict = {"@id": subject}
            for predicate, objects in predicates.items():
                if predicate == RDF_TYPE:
                    entry["@type"] = [key(obj) for obj in objects]
                else:
                    entry[key(predicate)] = [value(obj) for obj in objects]
            nodes.append(entry)
        context = dict(self.prefixes)
        return json.dumps({"@context": context, "@graph": nodes}, ensure_ascii=False, separators=(",", ":"))


#: A local name written as a prefixed name (Turtle PN_LOCAL, XML NCName and a JSON-LD compact IRI alike).
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
