"""DCAT-AP 3 feeds of the catalogue (what data.gouv.fr and other portals harvest) and their documentation page.

`graph.py` describes a page of published datasets as an rdflib Graph; `views.py` serves it in Turtle, RDF/XML and
JSON-LD, for the whole catalogue and per organisation, paged with Hydra. Reads go through `catalog.selectors`.
"""
