"""A large import workbook in the layout of the real import template (`phaodai.staff.excel.build_template`)."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from phaodai.accounts.models import User
from phaodai.core.demo.agencies import AgencySpec
from phaodai.core.demo.people import people_for
from phaodai.places.models import AdminUnit, Agency, Level
from phaodai.staff.models import Gender, Skill, StaffMember, StaffStatus, VaccinationStatus


def make_import_workbook(excel, rows: int, seed: int, username: str = "sonoivu") -> tuple[bytes, str]:
    """`rows` new people, valid and not yet in the database, spread over the agencies the template offers.

    Returns the .xlsx bytes and a short description of the layout. Values are written as the template's dropdowns
    offer them (Vietnamese labels, agency names from the "allowed values" sheet), IDs and phones as text.
    """
    user = User.objects.get(username=username)
    template = load_workbook(io.BytesIO(excel.build_template(user)), read_only=True)
    main, allowed = template.worksheets[0], template.worksheets[1]
    header = [c for c in next(main.iter_rows(min_row=1, max_row=1, values_only=True)) if c is not None]
    agency_names = [r[0] for r in allowed.iter_rows(min_row=2, values_only=True) if r and r[0]]
    template.close()
    if len(header) != 12:
        raise SystemExit(f"The import template changed ({len(header)} columns: {header}); update bench/workbook.py")

    agencies = {a.name: a for a in Agency.objects.visible_to(user).select_related("unit")}
    communes = list(
        AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=user.scope_unit.path).values_list(
            "code", flat=True
        )
    )
    homes = {"*": communes}
    taken = set(StaffMember.objects.values_list("citizen_id", flat=True))
    skills = {s.code: s.name for s in Skill.objects.all()}
    gender = dict(Gender.choices)
    status = dict(StaffStatus.choices)
    vaccination = dict(VaccinationStatus.choices)

    usable = [n for n in agency_names if n in agencies]
    per_agency = -(-rows // len(usable))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(header)
    written = 0
    for name in usable:
        agency = agencies[name]
        spec = AgencySpec(f"bench-import:{agency.pk}", agency.name, agency.kind, agency.unit.code, per_agency)
        for person in people_for(spec, per_agency, seed, homes, taken):
            if written == rows:
                break
            written += 1
            ws.append(
                [
                    written,
                    person.full_name,
                    str(gender[person.gender]),
                    person.date_of_birth,
                    person.citizen_id,
                    person.phone,
                    name,
                    person.position,
                    "; ".join(skills[c] for c in person.skills),
                    str(status[person.status]),
                    str(vaccination[person.vaccination_status]),
                    person.home_code,
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    assert written == rows, (written, rows)
    return out.getvalue(), f"{len(header)} template columns, {len(usable)} agencies"
