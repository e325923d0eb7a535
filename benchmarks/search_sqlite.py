"""Query latency of the embedded SQLite index on a synthetic collection.

Fills a fresh index with N records of about 2 KB of Vietnamese administrative
text each (names, ID numbers, dossier codes, addresses), then times a mix of
queries as people type them: names with and without diacritics, identifiers,
common words, filtered searches and filtered listings.

    .venv/bin/python benchmarks/search_sqlite.py --records 50000
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from search.base import Filters
from search.folding import fold
from search.sqlite import SqliteIndex

SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE_NAMES = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc Xuân Thu Hoài Bảo".split()
GIVEN_NAMES = (
    "An Bình Cường Dũng Đức Đục Hà Hải Hạnh Hùng Hương Hường Khánh Lan Linh Long Mai Nam Ngọc Nhung Phúc Quang"
    " Sơn Tâm Thảo Trang Tuấn Vy Yến Thắng Thủy Trí Việt Quyên Lộc Hiếu"
).split()
PROVINCE_CODES = ["001", "079", "074", "070", "048", "031", "075", "092", "046", "040"]
PROVINCES = [
    "Thành phố Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Tỉnh Bình Dương",
    "Tỉnh Bình Phước",
    "Thành phố Đà Nẵng",
    "Tỉnh Đồng Nai",
    "Tỉnh Nghệ An",
]
WARDS = ["Phường Bến Nghé", "Phường Tân Định", "Xã Tân Hiệp", "Phường Hòa Phú", "Xã Đông Hòa", "Phường Lộc Thọ"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ"]
UNITS = ["000.00.31.H57", "H56.14", "000.00.12.H29", "G22.47", "000.20.02.H10"]
DOC_TYPES = {
    "cccd": "CĂN CƯỚC CÔNG DÂN",
    "birth_certificate": "GIẤY KHAI SINH",
    "marriage_certificate": "GIẤY CHỨNG NHẬN KẾT HÔN",
    "residence_confirmation": "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    "dossier_receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "application_form": "TỜ KHAI ĐĂNG KÝ",
    "land_use_certificate": "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
}
BOILERPLATE = [
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP của Chính phủ.",
    "Bộ phận tiếp nhận và trả kết quả đã tiếp nhận hồ sơ đầy đủ theo quy định.",
    "Người yêu cầu cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật.",
    "Thời hạn giải quyết theo quy định là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Khi đến nhận kết quả, công dân mang theo giấy tiếp nhận này và giấy tờ tùy thân.",
    "Thông tin cá nhân được đối chiếu với Cơ sở dữ liệu quốc gia về dân cư.",
    "Bản sao được chứng thực từ bản chính có giá trị sử dụng thay cho bản chính trong các giao dịch.",
    "Ủy ban nhân dân xác nhận chữ ký và thông tin nêu trên là đúng.",
    "Hồ sơ gồm: tờ khai theo mẫu, bản sao giấy tờ chứng minh nhân thân, giấy tờ chứng minh nơi cư trú.",
    "Trường hợp hồ sơ chưa đầy đủ, cán bộ hướng dẫn công dân bổ sung một lần bằng văn bản.",
    "Lệ phí được thu theo quy định của Hội đồng nhân dân cấp tỉnh.",
    "Giấy này có giá trị kể từ ngày ký đến khi có thay đổi thông tin về cư trú.",
]


def full_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def make_records(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    start = datetime.datetime(2024, 1, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    owners = [
        f"{rng.choice(PROVINCE_CODES)}{rng.choice('0123')}{rng.randrange(60, 100):02d}{rng.randrange(10**6):06d}"
        for _ in range(count // 4)
    ]
    for number in range(count):
        doc_type = rng.choice(list(DOC_TYPES))
        name, relative = full_name(rng), full_name(rng)
        owner = rng.choice(owners)
        province = rng.choice(PROVINCES)
        ingested = start + datetime.timedelta(minutes=7 * number)
        dossier = f"{rng.choice(UNITS)}-{ingested:%y%m%d}-{rng.randrange(1, 10000):04d}"
        address = f"Số {rng.randrange(1, 300)} đường {rng.choice(STREETS)}, {rng.choice(WARDS)}, {province}"
        lines = [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            DOC_TYPES[doc_type],
            f"Mã hồ sơ: {dossier}",
            f"Họ và tên: {name.upper()}",
            f"Số định danh cá nhân: {owner}",
            f"Ngày sinh: {rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1960, 2005)}",
            f"Nơi thường trú: {address}",
            f"Người liên hệ: {relative}",
        ]
        while sum(len(line) for line in lines) < 2000:
            lines.append(rng.choice(BOILERPLATE))
        yield {
            "id": f"{rng.getrandbits(256):064x}",
            "source": {"filename": f"scan_{number:06d}.pdf", "media_type": "application/pdf", "batch": "bench"},
            "doc_type": doc_type,
            "owner_id": owner,
            "dossier_code": dossier,
            "pages": [{"number": 1, "text": "\n".join(lines), "source": "ocr", "confidence": 0.9}],
            "fields": {"full_name": {"value": name}, "id_number": {"value": owner}},
            "ingested_at": ingested.isoformat(),
        }


def make_queries(
    records: list[dict[str, Any]], count: int, rng: random.Random
) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, query, filters), cycling through the kinds of search people make."""
    queries = []
    for number in range(count):
        record = rng.choice(records)
        name = record["fields"]["full_name"]["value"]
        ingested = datetime.date.fromisoformat(record["ingested_at"][:10])
        last_month = {"date_from": ingested - datetime.timedelta(days=30), "date_to": ingested}
        kinds: list[tuple[str, str, dict[str, Any]]] = [
            ("name with diacritics", name, {}),
            ("name without diacritics", fold(name), {}),
            ("given name only", rng.choice(GIVEN_NAMES), {}),
            ("common words", rng.choice(["nguyen", "hồ sơ", "ho chi minh", "giấy chứng nhận"]), {}),
            ("id number", record["owner_id"], {}),
            ("dossier code", record["dossier_code"], {}),
            ("name + doc_type filter", fold(name), {"doc_type": rng.choice(list(DOC_TYPES))}),
            ("name + owner filter", fold(name), {"owner_id": record["owner_id"]}),
            ("name + date range", fold(name), last_month),
            ("list owner's records", "", {"owner_id": record["owner_id"]}),
        ]
        queries.append(kinds[number % len(kinds)])
    return queries


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "index.sqlite"
        records = list(make_records(arguments.records, rng))
        with SqliteIndex(path) as index:
            started = time.perf_counter()
            for first in range(0, len(records), 1000):
                index.upsert_many(records[first : first + 1000])
            elapsed = time.perf_counter() - started
            size = sum(file.stat().st_size for file in Path(directory).iterdir()) / 2**20
            text = sum(len(page["text"].encode()) for record in records for page in record["pages"]) / 2**20
            print(
                f"indexed {len(records)} records ({text:.0f} MiB of text) in {elapsed:.1f} s "
                f"({len(records) / elapsed:.0f}/s); files {size:.0f} MiB"
            )

            queries = make_queries(records, arguments.queries, rng)
            for _, query, filters in queries[:10]:  # warm the page cache
                index.search(query, Filters(**filters))
            latencies: dict[str, list[float]] = defaultdict(list)
            for kind, query, filters in queries:
                started = time.perf_counter()
                index.search(query, Filters(**filters))
                latencies[kind].append((time.perf_counter() - started) * 1000)

    every = [latency for samples in latencies.values() for latency in samples]
    print(f"{'queries':<26}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, samples in [*latencies.items(), ("all", every)]:
        print(f"{kind:<26}{len(samples):>4}{percentile(samples, 0.5):>9.1f}{percentile(samples, 0.95):>9.1f}")
    print(f"mean {statistics.fmean(every):.1f} ms")


if __name__ == "__main__":
    main()
