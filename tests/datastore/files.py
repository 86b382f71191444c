"""Small messy files generated for the datastore tests (XLSX and ODS written by hand: no extra dependency)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    merges = merges or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, (name, rows) in enumerate(sheets.items(), start=1):
            xml_rows = []
            for r, row in enumerate(rows, start=1):
                cells = []
                for c, value in enumerate(row):
                    ref = f"{_col(c)}{r}"
                    if value is None or value == "":
                        continue
                    if isinstance(value, (int, float)):
                        cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
                xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
            merged = merges.get(name, [])
            merge_xml = (
                f'<mergeCells count="{len(merged)}">'
                + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
                + "</mergeCells>"
                if merged
                else ""
            )
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{''.join(xml_rows)}</sheetData>{merge_xml}</worksheet>",
            )
    return buffer.getvalue()


def ods(sheets: dict[str, list[list]], spans: dict[str, dict[tuple[int, int], tuple[int, int]]] | None = None) -> bytes:
    """An ODS workbook; `spans` merges cells: {sheet: {(row, col): (rows, cols)}} (the covered cells are written as
    LibreOffice does, `covered-table-cell`)."""
    spans = spans or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'  # noqa: E501
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'  # noqa: E501
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',  # noqa: E501
        )
        tables = []
        for name, rows in sheets.items():
            xml_rows = []
            merged = spans.get(name, {})
            covered = {
                (r0 + dr, c0 + dc)
                for (r0, c0), (nr, nc) in merged.items()
                for dr in range(nr)
                for dc in range(nc)
                if (dr, dc) != (0, 0)
            }
            for r, row in enumerate(rows):
                cells = []
                for c, value in enumerate(row):
                    if (r, c) in covered:
                        cells.append("<table:covered-table-cell/>")
                        continue
                    span = merged.get((r, c))
                    attrs = (
                        f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
                        if span
                        else ""
                    )
                    if isinstance(value, (int, float)):
                        cells.append(
                            f'<table:table-cell{attrs} office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'  # noqa: E501
                            "</table:table-cell>"
                        )
                    elif value:
                        cells.append(
                            f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'  # noqa: E501
                        )
                    else:
                        cells.append(f"<table:table-cell{attrs}/>")
                xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
            tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
        z.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
            "</office:document-content>",
        )
    return buffer.getvalue()
