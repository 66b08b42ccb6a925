"""The weekly duty roster (lịch trực) as the official PDF and as Excel.

Rosters are built directly (`build_roster`), not solved: the printouts only read Roster, Shift and ShiftAssignment.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from phaodai.duty import printouts as P
from phaodai.duty.models import DutySite, Roster, RosterStatus, Shift, ShiftAssignment
from phaodai.duty.testing import Sites, duty_world
from phaodai.mobilisation.tests.test_views import english
from phaodai.places.models import AdminUnit
from phaodai.testing import World

MONDAY = date(2021, 8, 2)  # ISO week 2021-W31: Monday 02/08 … Sunday 08/08/2021
SHIFTS = (("Ca sáng", time(7), time(15)), ("Ca chiều", time(15), time(23)), ("Ca đêm", time(23), time(7)))


def at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def build_roster(
    w: World,
    sites: list[DutySite],
    *,
    start: date = MONDAY,
    days: int = 7,
    status: str = RosterStatus.PUBLISHED,
    unit: AdminUnit | None = None,
    version: int = 1,
) -> Roster:
    """A roster of `sites` over `days` days from `start`, three 8-hour shifts a day of two people, one leader;
    nobody assigned yet (see `put`)."""
    roster = Roster.objects.create(
        unit=unit or sites[0].unit,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        status=status,
        version=version,
        created_by=w.users["tan_an"],
        published_at=timezone.now() if status != RosterStatus.DRAFT else None,
    )
    roster.sites.set(sites)
    for site in sites:
        for offset in range(days):
            day = start + timedelta(days=offset)
            for name, begin, end in SHIFTS:
                finish = at(day + timedelta(days=1) if end <= begin else day, end)
                Shift.objects.create(
                    roster=roster, site=site, name=name, start=at(day, begin), end=finish, people=2, leaders=1
                )
    return roster


def put(roster: Roster, site: DutySite, day: date, name: str, *people, leader=None) -> Shift:
    """Put `people` (and `leader`, as the shift's leader) on the shift `name` of `day` at `site`."""
    shift = Shift.objects.get(roster=roster, site=site, name=name, start__date=day)
    if leader is not None:
        ShiftAssignment.objects.create(shift=shift, staff=leader, as_leader=True)
    for person in people:
        ShiftAssignment.objects.create(shift=shift, staff=person)
    return shift


@dataclass
class Rostered:
    sites: Sites
    tan_an: Roster  # published, Tân An's headquarters and health station, week 2021-W31
    an_hoa: Roster  # published, An Hòa's headquarters


def rostered(w: World) -> Rostered:
    """Đạt leads Monday's morning shift at Tân An's headquarters with An; Minh is on Monday night at the health
    station; Hoa is on Monday morning at An Hòa."""
    sites = duty_world(w)
    tan_an = build_roster(w, [sites.tan_an_hq, sites.tan_an_station])
    put(tan_an, sites.tan_an_hq, MONDAY, "Ca sáng", w.staff["an"], leader=w.staff["dat"])
    put(tan_an, sites.tan_an_station, MONDAY, "Ca đêm", w.staff["minh"])
    an_hoa = build_roster(w, [sites.an_hoa_hq])
    put(an_hoa, sites.an_hoa_hq, MONDAY, "Ca sáng", leader=w.staff["hoa"])
    return Rostered(sites, tan_an, an_hoa)


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def r(world) -> Rostered:
    return rostered(world)


# ---------------------------------------------------------------------------------------------- the PDF


def test_the_pdf_is_the_weekly_roster_of_the_site_in_the_administrative_layout(world, r):
    text = " ".join(pdf_pages(P.roster_pdf(r.tan_an, r.sites.tan_an_hq)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG TÂN AN" in text  # the issuing body: the ward's People's Committee
    assert "LỊCH TRỰC PHÒNG, CHỐNG DỊCH" in text
    assert "Tuần từ ngày 02/08/2021 đến ngày 08/08/2021" in text
    assert "Trụ sở Ủy ban nhân dân Phường Tân An" in text and "2 Nguyễn Trãi" in text and "02923821000" in text
    assert "Trần Đình Đạt (trực lãnh đạo) - ĐT: 0987654321" in text
    assert "Nguyễn Văn An - ĐT: 0912345678" in text
    assert "Ca sáng (07:00 - 15:00)" in text and "Ca đêm (23:00 - 07:00)" in text
    assert "Thứ Hai 02/08/2021" in text and "Chủ nhật 08/08/2021" in text
    assert "Nơi nhận:" in text and "Lưu: VT." in text
    assert "DỰ THẢO" not in text
    # Only this site: the health station's night shift is on its own roster sheet.
    assert "Huỳnh Minh" not in text
    # A shift with nobody yet says how many are missing rather than looking covered.
    assert "(còn thiếu 2 người)" in text


def test_a_draft_roster_prints_as_a_draft_with_no_date(world, r):
    r.tan_an.status, r.tan_an.published_at = RosterStatus.DRAFT, None
    r.tan_an.save()
    text = " ".join(pdf_pages(P.roster_pdf(r.tan_an, r.sites.tan_an_hq)))
    assert "DỰ THẢO" in text
    assert "Tân An, ngày tháng năm" in text  # left blank for the clerk
    assert P.roster_filename(r.tan_an, "pdf", MONDAY).startswith("du-thao-")


def test_a_published_roster_is_dated_the_day_it_was_published(world, r):
    r.tan_an.published_at = timezone.make_aware(datetime(2021, 7, 30, 16, 0))
    r.tan_an.save()
    text = " ".join(pdf_pages(P.roster_pdf(r.tan_an, r.sites.tan_an_hq)))
    assert "Tân An, ngày 30 tháng 7 năm 2021" in text


def test_the_health_station_signs_its_own_roster_and_the_signer_is_printed_when_given(world, r):
    pdf = P.roster_pdf(r.tan_an, r.sites.tan_an_station, signer_title="Trạm trưởng", signer="Huỳnh Thị Mai")
    text = " ".join(pdf_pages(pdf))
    assert "TRẠM Y TẾ PHƯỜNG TÂN AN" in text and "ỦY BAN NHÂN DÂN PHƯỜNG" not in text
    assert "Huỳnh Minh" in text and "Trần Đình Đạt" not in text
    assert "TRẠM TRƯỞNG" in text and "Huỳnh Thị Mai" in text


def test_without_a_site_every_site_of_the_roster_gets_its_own_pages(world, r):
    pages = pdf_pages(P.roster_pdf(r.tan_an))
    starts = [i for i, page in enumerate(pages) if "LỊCH TRỰC PHÒNG, CHỐNG DỊCH" in page]
    assert len(starts) == 2
    assert any("Trạm Y tế Phường Tân An" in pages[i] for i in starts)
    assert any("Trụ sở Ủy ban nhân dân Phường Tân An" in pages[i] for i in starts)
    # Each site's roster is a document of its own: its first page carries no page number (drawn last on a page).
    assert all(not pages[i].split()[-1].isdigit() for i in starts), [pages[i][-20:] for i in starts]


def test_the_week_asked_for_is_printed_and_only_its_shifts(world):
    sites = duty_world(world)
    roster = build_roster(world, [sites.tan_an_hq], days=14)
    put(roster, sites.tan_an_hq, MONDAY, "Ca sáng", world.staff["an"])
    put(roster, sites.tan_an_hq, MONDAY + timedelta(days=8), "Ca chiều", world.staff["dat"])
    second = " ".join(pdf_pages(P.roster_pdf(roster, sites.tan_an_hq, date(2021, 8, 11))))
    assert "Tuần từ ngày 09/08/2021 đến ngày 15/08/2021" in second
    assert "Trần Đình Đạt" in second and "Nguyễn Văn An" not in second
    assert P.roster_weeks(roster) == [MONDAY, MONDAY + timedelta(days=7)]


def test_a_week_outside_the_roster_or_not_a_week_is_refused_clearly(world, r):
    with pytest.raises(ValidationError) as outside:
        P.roster_pdf(r.tan_an, r.sites.tan_an_hq, date(2021, 9, 6))
    assert outside.value.code == "week_outside_roster"
    assert "02/08/2021" in outside.value.messages[0] and "06/09/2021" in outside.value.messages[0]
    assert P.parse_week("2021-W32") == date(2021, 8, 9)
    assert P.parse_week("2021-08-12") == date(2021, 8, 9)
    with pytest.raises(ValidationError) as bad:
        P.parse_week("next week")
    assert bad.value.code == "week_invalid"
    with pytest.raises(ValidationError):
        P.roster_pdf(r.tan_an, r.sites.an_hoa_hq)  # not a site of this roster


def test_the_pdf_embeds_only_liberation_serif(world, r):
    reader = PdfReader(io.BytesIO(P.roster_pdf(r.tan_an)))
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("LiberationSerif" in name for name in fonts), fonts


# ---------------------------------------------------------------------------------------------- Excel


def workbook(fileobj) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(fileobj.read()))


def test_the_excel_has_a_sheet_per_site_and_a_row_per_shift(world, r):
    book = workbook(P.roster_xlsx(r.tan_an))
    hq_sheet = r.sites.tan_an_hq.name[:31]  # Excel allows 31 characters
    assert book.sheetnames == ["Trạm Y tế Phường Tân An", hq_sheet]
    hq = book[hq_sheet]
    rows = list(hq.iter_rows(values_only=True))
    assert len(rows) == 1 + 21  # header + 7 days × 3 shifts
    first = rows[1]
    assert first[1] == datetime(2021, 8, 2) and first[2] == "Thứ Hai" and first[3] == "Ca sáng"
    assert first[4] == datetime(2021, 8, 2, 7, 0) and first[5] == datetime(2021, 8, 2, 15, 0)
    assert first[6] == "Trần Đình Đạt (0987654321)\nNguyễn Văn An (0912345678)"
    assert first[7] == "Trần Đình Đạt (0987654321)"
    assert first[8] == "2/2"
    night = rows[3]
    assert night[3] == "Ca đêm" and night[5] == datetime(2021, 8, 3, 7, 0)  # ends the next morning
    station = list(book["Trạm Y tế Phường Tân An"].iter_rows(values_only=True))
    assert station[3][6] == "Huỳnh Minh" and station[3][7] is None and station[3][8] == "1/2"


def test_sheet_names_stay_unique_when_site_names_are_cut_alike(world):
    sites = [
        DutySite(name="Chốt kiểm soát dịch bệnh số 1 đường Nguyễn Văn Cừ"),
        DutySite(name="Chốt kiểm soát dịch bệnh số 1 đường Nguyễn Văn Linh"),
    ]
    names = P._sheet_names(sites)
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)


# ---------------------------------------------------------------------------------------------- pages


def test_the_pdf_page_sends_the_week_asked_for(world, r, client_for):
    c = english(client_for(world.users["tan_an"]))
    url = reverse("duty:roster_pdf", args=[r.tan_an.pk])
    response = c.get(url, {"site": r.sites.tan_an_hq.pk, "week": "2021-W31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="lich-truc-{r.tan_an.pk}-v1-tuan-20210802.pdf"' in response["Content-Disposition"]
    assert "Trần Đình Đạt" in " ".join(pdf_pages(response.content))
    bad = c.get(url, {"week": "2021-W40"})
    assert bad.status_code == 400 and "outside" in bad.content.decode()
    assert c.get(url, {"site": r.sites.an_hoa_hq.pk}).status_code == 404  # a site of another roster
    assert c.get(url, {"site": "x"}).status_code == 404


def test_the_excel_page_sends_the_workbook(world, r, client_for):
    response = client_for(world.users["tan_an"]).get(reverse("duty:roster_xlsx", args=[r.tan_an.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 2


def test_a_long_roster_numbers_its_pages_from_the_second_and_repeats_the_header_row(world):
    from phaodai.duty.testing import more_staff

    sites = duty_world(world)
    roster = build_roster(world, [sites.tan_an_hq])
    people = more_staff(world.agencies["ubnd_tan_an"], 12)
    for offset in range(7):
        put(roster, sites.tan_an_hq, MONDAY + timedelta(days=offset), "Ca sáng", *people)
    pages = pdf_pages(P.roster_pdf(roster, sites.tan_an_hq))
    assert len(pages) >= 2
    # The number is drawn when the page ends: the last text of the page (none on page 1).
    assert pages[0].split()[-1] != "1" and pages[1].split()[-1] == "2"
    assert "Ca sáng (07:00 - 15:00)" in pages[1]  # the header row again
