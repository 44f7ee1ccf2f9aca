#!/usr/bin/env python3
"""Writes the minimal .docx fixtures of tests/exports from plain-text specs.

Each spec in tests/exports/docx-specs/NAME.txt becomes tests/exports/NAME.docx: every line
of the spec is one Word paragraph (`<w:p><w:r><w:t>..</w:t></w:r></w:p>`), an empty line an
empty paragraph, kept exactly as written (trailing spaces included). The zip holds the
three parts Word needs ([Content_Types].xml, _rels/.rels, word/document.xml) with a fixed
date, so regenerating gives the same bytes.

    python3 tests/exports/make_docx.py            # every spec
    python3 tests/exports/make_docx.py SPEC OUT   # one spec to one file

Standard library only.
"""

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SPECS = HERE / "docx-specs"
STAMP = (2021, 5, 14, 0, 0, 0)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def paragraph(line: str) -> str:
    if not line:
        return "<w:p/>"
    text = escape(line)
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def document(lines: list[str]) -> str:
    body = "".join(paragraph(line) for line in lines)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )


def write_docx(spec: Path, out: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the spec's final newline is not an empty paragraph
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document(lines)),
        ]:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))


def main(argv: list[str]) -> int:
    if len(argv) == 3:
        write_docx(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for spec in sorted(SPECS.glob("*.txt")):
        out = HERE / (spec.stem + ".docx")
        write_docx(spec, out)
        print(f"{spec.relative_to(HERE)} -> {out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
