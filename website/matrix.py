"""The /matrix page: docs/matrix.md, the published matrix (bench/matrix.py writes it from the
runs' own records), as a page of the site. Made at image build, so every server serves the
copy that was published when its image was built; a run of your own writes
results/matrix.md (make bench).

Only what bench/matrix.py writes is read: a title, paragraphs, bullets, and two tables (the
matrix, then what each column code says and its evidence, which become the codes' tooltips).
"""

import html
import re

from website.bootstrap_page import bootstrap_page

OUTCOME_CLASSES = {"✓": "table-success", "✗": "table-danger", "?": "table-warning", "·": "text-body-secondary"}


def inline(text: str) -> str:
    """Escaped, with `code` spans."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables_and_text(markdown: str) -> tuple[list[list[list[str]]], list[str]]:
    """The tables (rows of cells, the separator row left out), and the other lines as HTML."""
    tables, text, rows = [], [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            if not set(line) <= set("|-"):
                rows.append(cells(line))
            continue
        if rows:
            tables.append(rows)
            text.append(f"<!--table {len(tables) - 1}-->")
            rows = []
        if line.startswith("# "):
            text.append(f'<h1 class="display-6">{inline(line[2:])}</h1>')
        elif line.startswith("- "):
            text.append(f"<li>{inline(line[2:])}</li>")
        elif line.strip():
            text.append(f"<p>{inline(line)}</p>")
    return tables, text


def matrix_table(rows: list[list[str]], meanings: dict[str, tuple[str, str]]) -> str:
    head = "".join(
        f'<th><abbr title="{html.escape(meanings[code][0])}">{html.escape(code)}</abbr></th>'
        if code in meanings
        else f"<th>{html.escape(code)}</th>"
        for code in rows[0]
    )
    body = []
    for row in rows[1:]:
        tds = []
        for code, cell in zip(rows[0], row, strict=True):
            evidence = meanings.get(code, ("", ""))[1]
            style = OUTCOME_CLASSES.get(cell[:1])
            attributes = (f' class="{style}"' if style else "") + (
                f' title="{html.escape(evidence)}"' if evidence else ""
            )
            tds.append(f"<td{attributes}>{html.escape(cell)}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return f'<table class="table table-sm"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def page(markdown: str) -> str:
    tables, text = tables_and_text(markdown)
    meanings = {row[0]: (row[1], row[2]) for row in tables[1][1:]} if len(tables) > 1 else {}
    rendered = [matrix_table(tables[0], meanings)] + [matrix_table(table, {}) for table in tables[1:]]
    lines, in_list = [], False
    for line in text:
        if line.startswith("<li>") != in_list:
            lines.append("<ul>" if not in_list else "</ul>")
            in_list = not in_list
        table = re.fullmatch(r"<!--table (\d+)-->", line)
        lines.append(rendered[int(table[1])] if table else line)
    body = "\n".join(lines + (["</ul>"] if in_list else []))
    return bootstrap_page(
        "Matrix",
        body + "\n    <p>Hover a column's code for what it says, a cell for its evidence. "
        '<a href="/endpoints">The endpoints</a>.</p>',
        container="container-fluid",
    )
