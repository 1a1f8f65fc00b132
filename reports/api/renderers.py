"""CSV for the agency API: the same rows and zh-Hant headers as the page downloads (reports.exports)."""

from __future__ import annotations

import json

from rest_framework.renderers import BaseRenderer

from reports import exports


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "rows" in data and data.get("table") in exports.COLUMNS:
            return exports.csv_bytes(data["table"], data["rows"])
        return json.dumps(data, ensure_ascii=False).encode()  # errors keep their JSON body
