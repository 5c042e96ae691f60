"""A `Document` (app.documents.builders) as a DOCX file the office can edit and print.

The layout of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4, margins
2 cm top and bottom, 3 cm left, 2 cm right; Times New Roman; the issuing body and the number
at top left, the national motto and the place and date at top right (a two-column table
without borders); the title centred in bold; the body justified; recipients at bottom left
and the signature at bottom right.
"""
from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.documents.builders import Document, Signature

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
SMALL_PT = 12
TEXT_WIDTH_CM = 16.0  # 21 cm less 3 cm and 2 cm margins

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_docx(doc: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    out = new_docx()
    _page_setup(out)
    _form_code(out, doc.form_code)
    _header(out, doc)
    _title(out, doc)
    for para in doc.body:
        _body_paragraph(out, para)
    _footer(out, doc)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _page_setup(out) -> None:
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = out.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font per script, and the defaults point at theme fonts: name it everywhere,
    # or Vietnamese text may fall back to Calibri.
    defaults = out.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    for rpr in [r for r in (normal.element.get_or_add_rPr(), default_rpr) if r is not None]:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    # Spelling and hyphenation in Vietnamese (w:lang is the last child of rPr).
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)


def _run(paragraph, text: str, *, bold=False, italic=False, size=BODY_PT, underline=False):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return run


def _para(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, **run_kw):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        _run(paragraph, text, **run_kw)
    return paragraph


def _borderless_table(out, widths_cm: list[float]):
    table = out.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # The schema fixes the order of tblPr's children: borders go before the layout and look.
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_cm):
        column.width = Cm(width)  # the grid, which a fixed layout follows
        cell.width = Cm(width)
        # A new cell holds one empty paragraph: drop it, content adds its own.
        cell._tc.remove(cell.paragraphs[0]._p)
    return table


def _form_code(out, form_code: str) -> None:
    _para(out, form_code, align=WD_ALIGN_PARAGRAPH.RIGHT, size=SMALL_PT, bold=True, space_after=6)


def _header(out, doc: Document) -> None:
    left, right = _borderless_table(out, [6.5, TEXT_WIDTH_CM - 6.5]).rows[0].cells
    if doc.issuer_parent:
        _para(left, doc.issuer_parent, size=HEADER_PT)
    _para(left, doc.issuer, size=HEADER_PT, bold=True)
    _para(left, "―――――", size=HEADER_PT)
    _para(left, doc.number, size=HEADER_PT)
    _para(right, doc.motto[0], size=HEADER_PT - 1, bold=True)
    _para(right, doc.motto[1], size=HEADER_PT, bold=True)
    _para(right, "―――――――――", size=HEADER_PT)
    _para(right, doc.place_date, size=BODY_PT, italic=True)


def _title(out, doc: Document) -> None:
    _para(out, "", space_after=6)
    _para(out, doc.title, bold=True, size=BODY_PT)
    if doc.subtitle:
        _para(out, doc.subtitle, bold=True, size=BODY_PT)
    if doc.recipient:
        _para(out, "", space_after=0)
        _para(out, doc.recipient, size=BODY_PT)
    _para(out, "", space_after=6)


def _body_paragraph(out, para) -> None:
    paragraph = out.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    if para.style == "item":
        fmt.left_indent = Cm(1.27)
        _run(paragraph, para.text)
        return
    fmt.first_line_indent = Cm(1)
    if para.style == "field":
        _run(paragraph, f"{para.label}: ")
        _run(paragraph, para.text)
    elif para.style == "note":
        _run(paragraph, para.text, italic=True)
    else:
        _run(paragraph, para.text)


def _signature(cell, sig: Signature) -> None:
    _para(cell, sig.title, bold=True, size=BODY_PT)
    if sig.hint:
        _para(cell, sig.hint, italic=True, size=BODY_PT)
    for _ in range(4):  # room to sign
        _para(cell, "")
    _para(cell, sig.name, bold=True, size=BODY_PT)


def _footer(out, doc: Document) -> None:
    _para(out, "", space_after=6)
    left, right = _borderless_table(out, [TEXT_WIDTH_CM / 2, TEXT_WIDTH_CM / 2]).rows[0].cells
    if len(doc.signatures) > 1:
        _signature(left, doc.signatures[0])
    if doc.copies_to:
        heading = _para(left, align=WD_ALIGN_PARAGRAPH.LEFT)
        _run(heading, doc.copies_heading, bold=True, italic=True, size=SMALL_PT)
        for line in doc.copies_to:
            _para(left, f"- {line}", align=WD_ALIGN_PARAGRAPH.LEFT, size=SMALL_PT - 1)
    if not left.paragraphs:
        left.add_paragraph()  # a cell must hold a paragraph
    _signature(right, doc.signatures[-1])
