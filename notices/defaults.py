# ruff: noqa: E501 — each notice text stays on one line, as staff see it in the admin.
"""The texts every notice starts with (zh-Hant, English); staff override them in the admin (NoticeTemplate).

Variables are listed in docs/notices.md; `{{ offering_details }}` is the block with the days,
venue and meeting link, already in the notice's language.
"""

ZH = "zh-hant"
EN = "en"

_GREETING = {ZH: "{{ person_name }} 您好：\n\n", EN: "Dear {{ person_name }},\n\n"}
_CLOSING = {
    ZH: "\n\n詳情請見：{{ link }}\n高雄市政府公務人力發展中心 學習平臺",
    EN: "\n\nDetails: {{ link }}\nKaohsiung City Government Civil Service Development Center LMS",
}

_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "enrollment_received": {
        ZH: (
            "報名已受理：{{ course_title }}",
            "您報名的「{{ course_title }}」（{{ offering_code }}）已受理，待承辦人審核。\n\n{{ offering_details }}",
        ),
        EN: (
            "Enrolment received: {{ course_title }}",
            "Your enrolment in {{ course_title }} ({{ offering_code }}) was received and awaits approval.\n\n{{ offering_details }}",
        ),
    },
    "enrollment_confirmed": {
        ZH: (
            "報名成功：{{ course_title }}",
            "您已報名成功「{{ course_title }}」（{{ offering_code }}）。附件為行事曆邀請。\n\n{{ offering_details }}",
        ),
        EN: (
            "Enrolment confirmed: {{ course_title }}",
            "You have a seat in {{ course_title }} ({{ offering_code }}). A calendar invitation is attached.\n\n{{ offering_details }}",
        ),
    },
    "waitlisted": {
        ZH: (
            "列入候補：{{ course_title }}",
            "「{{ course_title }}」（{{ offering_code }}）名額已滿，您目前為候補第 {{ position }} 位，如有遞補將另行通知。",
        ),
        EN: (
            "Waitlisted: {{ course_title }}",
            "{{ course_title }} ({{ offering_code }}) is full. You are number {{ position }} on the waitlist; we will tell you if a seat opens.",
        ),
    },
    "promoted": {
        ZH: (
            "候補遞補：{{ course_title }}",
            "您已自候補遞補「{{ course_title }}」（{{ offering_code }}）{% if awaiting_approval %}，待承辦人審核{% endif %}。\n\n{{ offering_details }}",
        ),
        EN: (
            "Promoted from the waitlist: {{ course_title }}",
            "You were promoted from the waitlist of {{ course_title }} ({{ offering_code }}){% if awaiting_approval %} and await approval{% endif %}.\n\n{{ offering_details }}",
        ),
    },
    "approved": {
        ZH: (
            "審核錄取：{{ course_title }}",
            "您報名的「{{ course_title }}」（{{ offering_code }}）已審核錄取。附件為行事曆邀請。\n\n{{ offering_details }}",
        ),
        EN: (
            "Approved: {{ course_title }}",
            "Your enrolment in {{ course_title }} ({{ offering_code }}) was approved. A calendar invitation is attached.\n\n{{ offering_details }}",
        ),
    },
    "rejected": {
        ZH: (
            "審核未錄取：{{ course_title }}",
            "很抱歉，您報名的「{{ course_title }}」（{{ offering_code }}）未獲錄取。{% if reason %}\n理由：{{ reason }}{% endif %}",
        ),
        EN: (
            "Not approved: {{ course_title }}",
            "We are sorry: your enrolment in {{ course_title }} ({{ offering_code }}) was not approved.{% if reason %}\nReason: {{ reason }}{% endif %}",
        ),
    },
    "cancelled": {
        ZH: (
            "報名已取消：{{ course_title }}",
            "您報名的「{{ course_title }}」（{{ offering_code }}）已{% if by_staff %}由訓練承辦人{% endif %}取消。行事曆中的課程已移除。",
        ),
        EN: (
            "Enrolment cancelled: {{ course_title }}",
            "Your enrolment in {{ course_title }} ({{ offering_code }}) was cancelled{% if by_staff %} by the training staff{% endif %}. The class was removed from your calendar.",
        ),
    },
    "nominated": {
        ZH: (
            "機關薦送：{{ course_title }}",
            "{{ officer_name }} 已薦送您參加「{{ course_title }}」（{{ offering_code }}），報名狀態：{{ enrollment_status }}{% if position %}（候補第 {{ position }} 位）{% endif %}。\n\n{{ offering_details }}",
        ),
        EN: (
            "Nominated: {{ course_title }}",
            "{{ officer_name }} nominated you for {{ course_title }} ({{ offering_code }}); enrolment status: {{ enrollment_status }}{% if position %} (number {{ position }} on the waitlist){% endif %}.\n\n{{ offering_details }}",
        ),
    },
    "nomination_copy": {
        ZH: (
            "薦送副本：{{ trainee_name }}－{{ course_title }}",
            "您已薦送 {{ trainee_name }} 參加「{{ course_title }}」（{{ offering_code }}），報名狀態：{{ enrollment_status }}。",
        ),
        EN: (
            "Copy of nomination: {{ trainee_name }} – {{ course_title }}",
            "You nominated {{ trainee_name }} for {{ course_title }} ({{ offering_code }}); enrolment status: {{ enrollment_status }}.",
        ),
    },
    "offering_changed": {
        ZH: (
            "班期異動：{{ course_title }}",
            "您報名的「{{ course_title }}」（{{ offering_code }}）有異動：{{ changes }}。附件為更新後的行事曆。\n\n{{ offering_details }}",
        ),
        EN: (
            "Class changed: {{ course_title }}",
            "{{ course_title }} ({{ offering_code }}) has changed: {{ changes }}. The attached invitation updates your calendar.\n\n{{ offering_details }}",
        ),
    },
    "offering_cancelled": {
        ZH: (
            "班期停開：{{ course_title }}",
            "很抱歉，「{{ course_title }}」（{{ offering_code }}）已停開，行事曆中的課程已移除。",
        ),
        EN: (
            "Class cancelled: {{ course_title }}",
            "We are sorry: {{ course_title }} ({{ offering_code }}) is cancelled and was removed from your calendar.",
        ),
    },
    "session_reminder": {
        ZH: (
            "上課提醒：{{ session_date }} {{ course_title }}",
            "提醒您 {{ session_date }} {{ session_time }} 上課：「{{ course_title }}」（{{ offering_code }}）。\n{% if venue %}地點：{{ venue }}\n{% endif %}{% if meeting_url %}線上會議連結：{{ meeting_url }}\n{% endif %}",
        ),
        EN: (
            "Reminder: {{ course_title }} on {{ session_date }}",
            "A reminder of your class on {{ session_date }} {{ session_time }}: {{ course_title }} ({{ offering_code }}).\n{% if venue %}Venue: {{ venue }}\n{% endif %}{% if meeting_url %}Meeting link: {{ meeting_url }}\n{% endif %}",
        ),
    },
    "completion_recorded": {
        ZH: ("完訓紀錄：{{ course_title }}", "您已完成「{{ course_title }}」，登錄學習時數 {{ hours }} 小時。"),
        EN: (
            "Completion recorded: {{ course_title }}",
            "Your completion of {{ course_title }} was recorded: {{ hours }} hours.",
        ),
    },
    "certificate_issued": {
        ZH: (
            "證書核發：{{ certificate_title }}",
            "您的「{{ certificate_title }}」證書已核發，字號 {{ certificate_number }}{% if valid_until %}，有效期限至 {{ valid_until }}{% endif %}。\n查驗連結：{{ verification_url }}",
        ),
        EN: (
            "Certificate issued: {{ certificate_title }}",
            "Your certificate {{ certificate_title }} was issued, number {{ certificate_number }}{% if valid_until %}, valid until {{ valid_until }}{% endif %}.\nVerification: {{ verification_url }}",
        ),
    },
    "assessment_result": {
        ZH: (
            "評量成績：{{ assessment_name }}",
            "您的「{{ assessment_name }}」成績為 {{ score }} 分，{% if passed %}已通過{% else %}未通過{% endif %}。",
        ),
        EN: (
            "Assessment result: {{ assessment_name }}",
            "Your score in {{ assessment_name }} is {{ score }}: {% if passed %}passed{% else %}not passed{% endif %}.",
        ),
    },
    "certificate_expiring": {
        ZH: (
            "證書即將到期：{{ certificate_title }}",
            "您的「{{ certificate_title }}」證書（{{ certificate_number }}）將於 {{ valid_until }} 到期（尚餘 {{ days_left }} 天）。\n{{ renewal_status }}",
        ),
        EN: (
            "Certificate expiring: {{ certificate_title }}",
            "Your certificate {{ certificate_title }} ({{ certificate_number }}) expires on {{ valid_until }} ({{ days_left }} days left).\n{{ renewal_status }}",
        ),
    },
    "certificate_expired": {
        ZH: (
            "證書已到期：{{ certificate_title }}",
            "您的「{{ certificate_title }}」證書（{{ certificate_number }}）已於 {{ valid_until }} 到期。\n{{ renewal_status }}",
        ),
        EN: (
            "Certificate expired: {{ certificate_title }}",
            "Your certificate {{ certificate_title }} ({{ certificate_number }}) expired on {{ valid_until }}.\n{{ renewal_status }}",
        ),
    },
}


def default_text(kind: str, language: str) -> tuple[str, str]:
    """(subject, body) of a kind in a language, with the greeting and closing every notice shares."""
    language = language if language in (ZH, EN) else ZH
    subject, body = _TEXTS[kind][language]
    return subject, _GREETING[language] + body + _CLOSING[language]


KINDS = tuple(_TEXTS)
