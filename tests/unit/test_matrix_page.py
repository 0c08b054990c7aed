"""website/matrix.py: the published matrix as the /matrix page, with the codes' meanings as tooltips."""

import website
from bench.matrix import build, markdown
from endpoints import ENDPOINTS
from website import matrix


def test_the_published_matrix_becomes_a_page_with_a_row_per_endpoint_and_tooltips():
    page = matrix.page(website.PUBLISHED_MATRIX.read_text())
    assert page.count("<table") == 2, "expected the matrix and the table of codes"
    for endpoint in ENDPOINTS:
        assert f"<td>{endpoint.port}</td>" in page, f"no row for {endpoint.port} in /matrix"
    assert '<abbr title="HTTP/2 negotiated by ALPN">h2</abbr>' in page, "the h2 column has no tooltip"


def test_cells_are_coloured_by_outcome_and_carry_their_evidence():
    made = markdown(build({}, None), ["nothing run"])
    page = matrix.page(made)
    assert 'class="table-warning" title="tests/probes/test_alpn.py::' in page, "a missing h2 result is not marked"
    assert "<li>nothing run</li>" in page and "<ul>" in page and "</ul>" in page
