"""Write `subventions-excel97.xls`, the legacy Excel 97–2003 (BIFF8) fixture of tests/datastore/test_reading.py.

Not run by the tests: the .xls is committed. xlwt (unmaintained since 2017) is deliberately not a project
dependency; to rebuild the file, use a throwaway virtualenv:

    python3 -m venv /tmp/xlwt-venv && /tmp/xlwt-venv/bin/pip install xlwt==1.3.0
    /tmp/xlwt-venv/bin/python tests/datastore/data/make_xls.py
"""

import datetime
from pathlib import Path

import xlwt

TARGET = Path(__file__).with_name("subventions-excel97.xls")

workbook = xlwt.Workbook(encoding="utf-8")
workbook.add_sheet("Vide")  # an empty first sheet: the reader takes the first non-empty one

data = workbook.add_sheet("Subventions")
date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
bold = xlwt.easyxf("font: bold on")
header = ["Commune", "Montant", "Date de convention", "Nombre", "Code", "Versé"]
for col, label in enumerate(header):
    data.write(0, col, label, bold)
rows = [
    ("Saint-Pée-sur-Nivelle", 1234.56, datetime.date(2026, 11, 25), 10, "00123", True),
    ("Évreux – œuvre €", 12.5, datetime.date(2025, 2, 1), 3, "04500", False),
    ("Bayonne", -0.25, datetime.date(2024, 2, 29), 7, "64102", True),
]
for r, values in enumerate(rows, start=1):
    for col, value in enumerate(values):
        if isinstance(value, datetime.date):
            data.write(r, col, value, date_style)
        else:
            data.write(r, col, value)

notes = workbook.add_sheet("Notice")
notes.write(0, 0, "Champ")
notes.write(0, 1, "Description")
notes.write(1, 0, "Montant")
notes.write(1, 1, "En euros, décimales avec une virgule à l'affichage")

workbook.save(str(TARGET))
print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")

# `titre-fusion-excel97.xls`: a title merged across the table and a note above the header, a commune merged over the
# rows of its associations, SIRETs typed as text (tests/datastore/test_messy_files.py).
TITLED = Path(__file__).with_name("titre-fusion-excel97.xls")
workbook = xlwt.Workbook(encoding="utf-8")
sheet = workbook.add_sheet("Subventions")
sheet.write_merge(0, 0, 0, 3, "Subventions aux associations — exercice 2024", bold)
sheet.write(1, 0, "Montants en euros. Source : direction des finances.")
for col, label in enumerate(["Commune", "Association", "SIRET", "Montant"]):
    sheet.write(3, col, label, bold)
sheet.write_merge(4, 6, 0, 0, "Bayonne")
sheet.write_merge(7, 8, 0, 0, "Anglet")
associations = [
    ("Club de pelote", "78467169500087", 1500),
    ("Chorale", "44306184100047", 800.5),
    ("Ikastola", "35600000000048", 2000),
    ("Comité des fêtes", "55208131766522", 650),
    ("Bibliothèque", "21640024600010", 120),
]
for r, (name, siret, amount) in enumerate(associations, start=4):
    sheet.write(r, 1, name)
    sheet.write(r, 2, siret)  # a str: a text cell
    sheet.write(r, 3, amount)
workbook.save(str(TITLED))
print(f"wrote {TITLED} ({TITLED.stat().st_size} bytes)")
