"""Serials of land-use certificates (giấy chứng nhận quyền sử dụng đất).

The serial (số phát hành) is printed as two capital letters and eight digits,
sometimes with a space between them; it is what a later dossier cites the
certificate by, so a misread one must not pass silently.
"""

from __future__ import annotations

import re

_SERIAL = re.compile(r"[A-Z]{2} ?[0-9]{8}")


def check_certificate_serial(serial: str) -> list[str]:
    if _SERIAL.fullmatch(serial.strip()):
        return []
    return [f"certificate serial {serial!r} is not 2 letters and 8 digits"]
