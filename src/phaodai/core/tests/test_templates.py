"""Template hygiene that no page test would notice: a page title is plain text."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
TITLE = re.compile(r"{% block title %}(.*?){% endblock %}", re.S)


def test_page_titles_hold_no_markup():
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        for title in TITLE.findall(template.read_text(encoding="utf-8")):
            if "<" in title:
                offenders.append(str(template.relative_to(SRC)))
    assert offenders == []
