"""Seed both requirement regimes and the topic rules of docs/domain.md (idempotent; called by load_demo)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from courses.models import Topic
from reports.models import RequirementRule

M = RequirementRule.Measure
# (code, name, source, measure, min hours, topic slugs, modalities, period, from, to, coverage %)
RULES = [
    (
        "y2012-total-40h",
        "終身學習每年至少 40 小時",
        "docs/domain.md §5：2012 年每年至少 40 小時（人事處業務報告 2012）",
        M.TOTAL_HOURS,
        40,
        [],
        [],
        "annual",
        2012,
        2016,
        None,
    ),
    (
        "y2012-digital-5h",
        "數位學習至少 5 小時",
        "docs/domain.md §5：其中數位學習至少 5 小時（人事處業務報告 2012）",
        M.MODALITY_HOURS,
        5,
        [],
        ["elearning"],
        "annual",
        2012,
        2016,
        None,
    ),
    (
        "y2012-work-20h",
        "與業務相關學習至少 20 小時",
        "docs/domain.md §5：與業務相關至少 20 小時（人事處業務報告 2012）",
        M.WORK_RELATED_HOURS,
        20,
        [],
        [],
        "annual",
        2012,
        2016,
        None,
    ),
    (
        "y2017-work-20h",
        "與業務相關學習每年至少 20 小時",
        "docs/domain.md §5：2017 年起每年 20 小時與業務相關學習",
        M.WORK_RELATED_HOURS,
        20,
        [],
        [],
        "annual",
        2017,
        None,
        None,
    ),
    (
        "y2017-policy-1h",
        "當前政府重要政策至少 1 小時",
        "docs/domain.md §5：其中 1 小時當前政府重要政策",
        M.TOPIC_HOURS,
        1,
        ["policy"],
        [],
        "annual",
        2017,
        None,
        None,
    ),
    (
        "y2017-environment-4h",
        "環境教育至少 4 小時",
        "docs/domain.md §5：4 小時環境教育（環境教育法 §19）",
        M.TOPIC_HOURS,
        4,
        ["environmental-education"],
        [],
        "annual",
        2017,
        None,
        None,
    ),
    (
        "y2017-democracy-5h",
        "民主治理價值至少 5 小時",
        "docs/domain.md §5：5 小時民主治理（人權、性別、法治等主題）",
        M.TOPIC_HOURS,
        5,
        ["human-rights", "gender-mainstreaming", "cedaw", "law"],
        [],
        "annual",
        2017,
        None,
        None,
    ),
    (
        "y2017-gender-1h",
        "民主治理中性別主流化至少 1 小時",
        "docs/domain.md §5：民主治理中至少 1 小時性別主流化",
        M.TOPIC_HOURS,
        1,
        ["gender-mainstreaming"],
        [],
        "annual",
        2017,
        None,
        None,
    ),
    (
        "gender-2h",
        "性別主流化每年 2 小時",
        "docs/domain.md §5：性別主流化每人每年 2 小時（人事處業務報告 2018）",
        M.TOPIC_HOURS,
        2,
        ["gender-mainstreaming"],
        [],
        "annual",
        2018,
        2024,
        None,
    ),
    (
        "gender-3h",
        "性別主流化每年 3 小時（涵蓋率 90%）",
        "docs/domain.md §5：2025 年 3 小時課程、涵蓋率 90%（人事處業務報告 2025）",
        M.TOPIC_HOURS,
        3,
        ["gender-mainstreaming"],
        [],
        "annual",
        2025,
        None,
        90,
    ),
    (
        "infosec-3h",
        "資通安全每年至少 3 小時",
        "docs/domain.md §5：全體人員每年至少 3 小時資通安全（公開資料）",
        M.TOPIC_HOURS,
        3,
        ["cyber-security"],
        [],
        "annual",
        2019,
        None,
        None,
    ),
    (
        "cedaw-2017-2019",
        "CEDAW 三年內至少 3 小時（涵蓋率 50%）",
        "docs/domain.md §5：2017–2019 三年內 ≥3 小時、涵蓋率 50%（人事處業務報告 2018）",
        M.TOPIC_HOURS,
        3,
        ["cedaw"],
        [],
        "window",
        2017,
        2019,
        50,
    ),
    (
        "icerd-30",
        "ICERD 訓練（涵蓋率 30%）",
        "docs/domain.md §5：2026 年起 30% 人員受訓，以人數計",
        M.TOPIC_HOURS,
        1,
        ["icerd"],
        [],
        "annual",
        2026,
        None,
        30,
    ),
]


@transaction.atomic
def load_rules() -> int:
    """Create the rules that do not exist yet; staff edits to existing rules are kept."""
    Topic.objects.get_or_create(slug="icerd", defaults={"name": "ICERD", "description": "消除一切形式種族歧視國際公約"})
    created = 0
    for order, (code, name, source, measure, hours, topics, modalities, period, first, last, coverage) in enumerate(
        RULES
    ):
        rule, was_created = RequirementRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "source": source,
                "measure": measure,
                "min_hours": Decimal(hours),
                "modalities": modalities,
                "period": period,
                "from_year": first,
                "to_year": last,
                "coverage_target_percent": Decimal(coverage) if coverage is not None else None,
                "sort_order": order,
            },
        )
        if was_created:
            rule.topics.set(Topic.objects.filter(slug__in=topics))
            created += 1
    return created
