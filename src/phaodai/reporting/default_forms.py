"""The daily forms a new deployment starts with (version 1 of each), one per team task plus a default.

Written as data, exactly as an administrator would enter them (reporting.forms_schema validates both); the
migration 0002_default_forms loads them, and an administrator edits them later without code. Labels are given in
Vietnamese and English because a form is data, not a translatable template.
"""

from __future__ import annotations


def _label(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def number(key: str, vi: str, en: str, *, required: bool = True, carry_over: bool = False) -> dict:
    return {
        "key": key,
        "label": _label(vi, en),
        "kind": "number",
        "required": required,
        "carry_over": carry_over,
        "sum": True,
    }


def text(key: str, vi: str, en: str, *, required: bool = False) -> dict:
    return {
        "key": key,
        "label": _label(vi, en),
        "kind": "text",
        "required": required,
        "carry_over": False,
        "sum": False,
    }


SITUATION = {
    "key": "situation",
    "label": _label("Tình hình chung trong ngày", "Overall situation today"),
    "kind": "choice",
    "required": True,
    "carry_over": False,
    "sum": False,
    "choices": [
        {"value": "stable", "label": _label("Ổn định", "Stable")},
        {"value": "attention", "label": _label("Cần lưu ý", "Needs attention")},
        {"value": "serious", "label": _label("Phức tạp", "Serious")},
    ],
}

PEOPLE_ON_DUTY = number(
    "people_on_duty", "Số người của tổ làm việc trong ngày", "Team members at work today", carry_over=True
)

NARRATIVE = [
    text("results", "Kết quả nổi bật", "Main results"),
    text("difficulties", "Khó khăn, vướng mắc", "Difficulties and obstacles"),
    text("proposals", "Đề xuất, kiến nghị", "Proposals and requests"),
]


def _form(code: str, task: str, vi_name: str, figures: list[dict]) -> dict:
    return {"code": code, "task": task, "name": vi_name, "fields": [PEOPLE_ON_DUTY, *figures, SITUATION, *NARRATIVE]}


DEFAULT_FORMS: list[dict] = [
    _form(
        "sampling",
        "sampling",
        "Báo cáo ngày — hỗ trợ lấy mẫu xét nghiệm",
        [
            number("households_visited", "Số hộ gia đình đã đến", "Households visited"),
            number("people_sampled", "Số người được lấy mẫu", "People sampled"),
            number("positive_found", "Số ca dương tính phát hiện", "Positive cases found", required=False),
        ],
    ),
    _form(
        "vaccination",
        "vaccination",
        "Báo cáo ngày — hỗ trợ tiêm chủng",
        [
            number("people_screened", "Số người được khám sàng lọc", "People screened"),
            number("vaccinations_supported", "Số mũi tiêm đã hỗ trợ", "Vaccinations supported"),
        ],
    ),
    _form(
        "distancing",
        "distancing",
        "Báo cáo ngày — chốt kiểm soát giãn cách",
        [
            number("people_checked", "Số người được kiểm tra tại chốt", "People checked at the checkpoint"),
            number("people_turned_back", "Số trường hợp yêu cầu quay lại", "People turned back"),
        ],
    ),
    _form(
        "data_entry",
        "data_entry",
        "Báo cáo ngày — nhập liệu",
        [number("records_entered", "Số hồ sơ, phiếu đã nhập", "Records entered")],
    ),
    _form(
        "welfare",
        "welfare",
        "Báo cáo ngày — an sinh, hỗ trợ lương thực",
        [
            number("households_supported", "Số hộ được hỗ trợ", "Households supported"),
            number("food_packages_delivered", "Số phần quà, nhu yếu phẩm đã giao", "Food packages delivered"),
        ],
    ),
    _form(
        "general",
        "",
        "Báo cáo ngày — tổ công tác",
        [
            number("households_visited", "Số hộ gia đình đã đến", "Households visited", required=False),
            number("calls_handled", "Số cuộc gọi đã xử lý", "Calls handled", required=False),
        ],
    ),
]


def install_default_forms(report_form=None, report_form_version=None) -> int:
    """Create version 1 of every default form that does not exist yet (by code); returns how many were created.
    The migration passes its historical models; tests that flush the database call it with none."""
    if report_form is None:
        from phaodai.reporting.models import ReportForm as report_form
        from phaodai.reporting.models import ReportFormVersion as report_form_version
    created_count = 0
    for spec in DEFAULT_FORMS:
        form, created = report_form.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "task": spec["task"]}
        )
        if created:
            report_form_version.objects.create(form=form, number=1, fields=spec["fields"])
            created_count += 1
    return created_count
