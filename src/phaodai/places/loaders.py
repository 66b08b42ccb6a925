"""Load the administrative tree from the published vietnam-provinces data (GSO codes and names).

Two structures exist. "2021": province → district → commune, as in force until 30 Jun 2025 (vietnam-provinces
0.6, installed as a dependency). "2025": province → commune after the July 2025 rearrangement (vietnam-provinces
2025.x, installed by run.sh/test.sh into its own folder because both lines use the same module name).
Loading is idempotent: a second load of the same data changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Level, Structure


class LoadError(Exception):
    pass


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    division_type: str
    level: int
    parent_code: str | None


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[int, int] = field(default_factory=dict)


def data_path(structure: str) -> Path:
    if structure == Structure.THREE_LEVEL_2021:
        import vietnam_provinces

        version = getattr(vietnam_provinces, "__version__", "")
        if not version.startswith("0."):
            raise LoadError(f"vietnam-provinces {version} is installed; the 2021 structure needs the 0.6 line.")
        return Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH)
    if structure == Structure.TWO_LEVEL_2025:
        path = Path(settings.VIETNAM_PROVINCES_2025_PATH) / "vietnam_provinces" / "data" / "nested-divisions.json"
        if not path.exists():
            raise LoadError(
                f"The 2025 data is not installed at {path}. Install it with: "
                f"pip install --no-deps --target {settings.VIETNAM_PROVINCES_2025_PATH} 'vietnam-provinces>=2025.8'"
            )
        return path
    raise LoadError(f"Unknown structure {structure!r}: use 2021 or 2025.")


_TYPE_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "tỉnh", "quận", "huyện", "phường", "xã")


def division_type(name: str, fallback: str) -> str:
    """The published data types every commune "xã"; the name says what it really is (phường, thị trấn, ...)."""
    lowered = clean_text(name).lower()
    return next((prefix for prefix in _TYPE_PREFIXES if lowered.startswith(prefix + " ")), fallback)


def _pad(code: int, width: int) -> str:
    return f"{int(code):0{width}d}"


def read_rows(structure: str, provinces: Iterable[str] | None = None) -> Iterator[UnitRow]:
    """Rows parents-first, with GSO codes zero-padded as published: province 2, district 3, commune 5 digits."""
    wanted = {_pad(p, 2) for p in provinces} if provinces else None
    data = json.loads(data_path(structure).read_text(encoding="utf-8"))
    for province in data:
        pcode = _pad(province["code"], 2)
        if wanted is not None and pcode not in wanted:
            continue
        yield UnitRow(pcode, province["name"], province["division_type"], Level.PROVINCE, None)
        if structure == Structure.THREE_LEVEL_2021:
            for district in province["districts"]:
                dcode = _pad(district["code"], 3)
                yield UnitRow(dcode, district["name"], district["division_type"], Level.DISTRICT, pcode)
                for ward in district["wards"]:
                    yield UnitRow(_pad(ward["code"], 5), ward["name"], ward["division_type"], Level.COMMUNE, dcode)
        else:
            for ward in province["wards"]:
                yield UnitRow(_pad(ward["code"], 5), ward["name"], ward["division_type"], Level.COMMUNE, pcode)


@transaction.atomic
def load_admin_units(structure: str, provinces: Iterable[str] | None = None) -> LoadResult:
    """Create or update official units (never neighbourhoods, which communes make themselves).

    Refuses to mix structures in one database: a deployment picks one.
    """
    other = AdminUnit.objects.exclude(structure=structure).exclude(level=Level.NEIGHBOURHOOD)
    if other.exists():
        raise LoadError(
            f"This database already holds units of the {other.first().structure} structure; "
            f"a deployment uses one structure. Use a fresh database to load {structure}."
        )
    existing = {u.code: u for u in AdminUnit.objects.filter(structure=structure).exclude(level=Level.NEIGHBOURHOOD)}
    result = LoadResult()
    pending: list[AdminUnit] = []
    paths: dict[str, str] = {code: unit.path for code, unit in existing.items()}
    parents: dict[str, AdminUnit] = dict(existing)

    def flush() -> None:
        if pending:
            AdminUnit.objects.bulk_create(pending, batch_size=2000)
            for unit in pending:
                parents[unit.code] = unit
            pending.clear()

    current_level = None
    for row in read_rows(structure, provinces):
        if row.level != current_level:
            # Parents must have primary keys before children reference them: flush between levels.
            flush()
            current_level = row.level
        name = clean_text(row.name)
        row_type = division_type(name, row.division_type)
        path = f"{paths[row.parent_code] if row.parent_code else '/'}{row.code}/"
        paths[row.code] = path
        result.by_level[row.level] = result.by_level.get(row.level, 0) + 1
        unit = existing.get(row.code)
        parent = parents.get(row.parent_code) if row.parent_code else None
        if unit is None:
            pending.append(
                AdminUnit(
                    code=row.code,
                    name=name,
                    division_type=row_type,
                    level=row.level,
                    structure=structure,
                    parent=parent,
                    path=path,
                    search_name=fold(name),
                )
            )
            result.created += 1
        elif (unit.name, unit.division_type, unit.parent_id, unit.path) != (
            name,
            row_type,
            parent.pk if parent else None,
            path,
        ):
            unit.name, unit.division_type, unit.parent, unit.path = name, row_type, parent, path
            unit.save()
            result.updated += 1
        else:
            result.unchanged += 1
    flush()
    return result
