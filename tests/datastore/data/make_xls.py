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
