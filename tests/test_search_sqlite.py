import multiprocessing
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, Filters, InvalidRecordError, SearchIndexError
from search.sqlite import SCHEMA_VERSION, SqliteIndex
from tests.records import FILLER, fillers, ids, make_record


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    with SqliteIndex(tmp_path / "index.sqlite") as opened:
        yield opened


@pytest.mark.parametrize("query", ["nguyen van duc", "Nguyễn Văn Đức", "NGUYEN VAN DUC", "nguyễn văn đức"])
def test_finds_a_name_with_or_without_diacritics(index: SqliteIndex, query: str) -> None:
    index.upsert_many([make_record("duc", f"{FILLER}\nHọ và tên: Nguyễn Văn Đức"), *fillers(5)])
    assert ids(index, query) == ["duc"]


def test_finds_a_name_printed_in_capitals(index: SqliteIndex) -> None:
    index.upsert_many([make_record("caps", "HỌ VÀ TÊN: NGUYỄN VĂN ĐỨC"), *fillers(5)])
    assert ids(index, "nguyen van duc") == ["caps"]


def test_decomposed_text_is_found_and_returned_composed(index: SqliteIndex) -> None:
    index.upsert(make_record("nfd", unicodedata.normalize("NFD", "Họ và tên: Trần Thị Hường")))
    results = index.search(unicodedata.normalize("NFD", "Hường"))
    assert [hit.id for hit in results.hits] == ["nfd"]
    assert f"{HIGHLIGHT_OPEN}Hường{HIGHLIGHT_CLOSE}" in results.hits[0].snippet
    assert unicodedata.is_normalized("NFC", results.hits[0].snippet)


def test_snippet_shows_the_original_words_around_the_match_highlighted(index: SqliteIndex) -> None:
    before = "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và các văn bản hướng dẫn thi hành. " * 5
    after = " Nơi thường trú: phường Bến Nghé, Thành phố Hồ Chí Minh. Ghi chú: không." * 5
    index.upsert(make_record("long", f"{before}Họ và tên người yêu cầu: ĐỖ THỊ HẰNG, sinh năm 1990.{after}"))
    [hit] = index.search("do thi hang").hits
    assert f"{HIGHLIGHT_OPEN}ĐỖ{HIGHLIGHT_CLOSE} {HIGHLIGHT_OPEN}THỊ{HIGHLIGHT_CLOSE}" in hit.snippet
    assert f"{HIGHLIGHT_OPEN}HẰNG{HIGHLIGHT_CLOSE}" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert 120 <= len(hit.snippet.replace(HIGHLIGHT_OPEN, "").replace(HIGHLIGHT_CLOSE, "")) <= 170


def test_snippet_highlights_a_whole_phrase(index: SqliteIndex) -> None:
    index.upsert(make_record("receipt", "Mã hồ sơ: 000.00.31.H57-221010-0001 (bản chính)"))
    [hit] = index.search("000.00.31.H57-221010-0001").hits
    assert f"{HIGHLIGHT_OPEN}000.00.31.H57-221010-0001{HIGHLIGHT_CLOSE}" in hit.snippet


def test_snippet_comes_from_the_identifiers_when_only_they_match(index: SqliteIndex) -> None:
    index.upsert(make_record("named", FILLER, filename="ho_so_Trịnh_Công_Sơn.pdf"))
    [hit] = index.search("trinh cong son").hits
    assert f"{HIGHLIGHT_OPEN}Trịnh{HIGHLIGHT_CLOSE}_{HIGHLIGHT_OPEN}Công{HIGHLIGHT_CLOSE}" in hit.snippet
    [listed] = index.search("", Filters(doc_type="application_form")).hits
    assert listed.snippet.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập")


@pytest.mark.parametrize("query", ['"Đức', "đức*", "-đức", "(đức)", "(Đức,", "^đức", "{đức}", "đức:", "'đức'"])
def test_punctuation_around_a_word_is_ignored(index: SqliteIndex, query: str) -> None:
    index.upsert_many([make_record("duc", "Họ và tên: Hoàng Đức Hà"), *fillers(2)])
    assert ids(index, query) == ["duc"]


def test_operator_words_are_searched_as_words(index: SqliteIndex) -> None:
    index.upsert_many([make_record("english", "Terms AND conditions, NOT NEAR here"), *fillers(2)])
    assert ids(index, "AND") == ["english"]
    assert ids(index, "not near") == ["english"]


def test_a_query_of_only_punctuation_finds_nothing(index: SqliteIndex) -> None:
    index.upsert_many(fillers(3))
    for query in ["...", "-- / ()", '"*"']:
        results = index.search(query)
        assert (results.total, results.hits) == (0, [])


def test_a_blank_query_lists_every_record(index: SqliteIndex) -> None:
    index.upsert_many(fillers(3))
    for query in ["", "   "]:
        assert index.search(query).total == 3


def test_a_query_without_words_lists_what_the_filters_match_newest_first(index: SqliteIndex) -> None:
    index.upsert_many(
        [
            make_record("old", owner_id="079203001234", ingested_at="2024-03-12T10:00:00+07:00"),  # 03:00 UTC
            make_record("new", owner_id="079203001234", ingested_at="2024-03-12T05:00:00+00:00"),  # 05:00 UTC
            make_record("newest", owner_id="079203001234", ingested_at="2024-03-13T08:00:00+07:00"),
            make_record("someone-else", owner_id="001099000111"),
        ]
    )
    for query in ["", "()"]:
        results = index.search(query, Filters(owner_id="079203001234"))
        assert results.total == 3
        assert [hit.id for hit in results.hits] == ["newest", "new", "old"]
        assert all(hit.snippet.startswith("CỘNG HÒA") for hit in results.hits)


def test_filter_by_dossier_code(index: SqliteIndex) -> None:
    index.upsert_many(
        [
            make_record("one", "Nguyễn Văn Bình", dossier_code="H56.14-240823-0001"),
            make_record("two", "Nguyễn Văn Bình", dossier_code="H56.14-240823-0002"),
        ]
    )
    assert ids(index, "binh", dossier_code="H56.14-240823-0002") == ["two"]
    assert ids(index, "", dossier_code="H56.14-240823") == []


def test_upsert_many_returns_the_count_and_is_all_or_nothing(index: SqliteIndex) -> None:
    assert index.upsert_many(fillers(4)) == 4
    broken = make_record("broken", ingested_at="yesterday")
    with pytest.raises(InvalidRecordError):
        index.upsert_many([make_record("good"), broken])
    assert index.count() == 4
    assert index.resolve_id("good") == []


@pytest.mark.parametrize(
    "record",
    [
        {key: value for key, value in make_record("x").items() if key != "id"},
        make_record(""),
        make_record("naive-time", ingested_at="2024-03-12T09:30:00"),
    ],
)
def test_a_record_without_id_or_zoned_ingestion_time_is_refused(index: SqliteIndex, record: dict[str, Any]) -> None:
    with pytest.raises(InvalidRecordError):
        index.upsert(record)
    assert index.count() == 0


def test_clear_forgets_everything_and_the_index_stays_usable(index: SqliteIndex) -> None:
    index.upsert_many([make_record("a", "Nguyễn Văn Đức"), *fillers(3)])
    index.clear()
    assert index.count() == 0
    assert ids(index, "duc") == []
    index.upsert(make_record("a", "Nguyễn Văn Đức"))
    assert ids(index, "duc") == ["a"]


def test_reopening_keeps_records_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with SqliteIndex(path) as first:
        first.upsert(make_record("kept", "Nguyễn Văn Đức"))
    with SqliteIndex(path) as second:
        assert second.count() == 1
        assert ids(second, "duc") == ["kept"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_index_of_another_schema_is_refused_until_reindex_recreates_it(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with SqliteIndex(path) as index:
        index.upsert(make_record("old"))
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    with pytest.raises(SearchIndexError, match="reindex"):
        SqliteIndex(path)
    with SqliteIndex(path, recreate=True) as index:
        assert index.count() == 0
        assert index.rebuild([make_record("new")]) == 1
    with SqliteIndex(path) as index:
        assert index.resolve_id("new") == ["new"]


def test_one_instance_serves_several_threads(index: SqliteIndex) -> None:
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            for number in range(50):
                index.upsert(make_record(f"t{thread}-{number}", f"Nguyễn Văn Đức {number}"))
                index.search("duc", limit=5)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert index.count() == 200


def _upsert_range(path: str, start: int, stop: int, barrier: Any) -> None:
    """Runs in a spawned process: one SqliteIndex per process, as in production."""
    with SqliteIndex(path) as index:
        barrier.wait()
        for number in range(start, stop):
            index.upsert(make_record(f"rec{number:04d}", f"Hồ sơ số {number} của Nguyễn Văn Đức"))


@pytest.mark.timeout(120)
def test_two_processes_writing_at_once_leave_exactly_the_union(tmp_path: Path) -> None:
    path = str(tmp_path / "index.sqlite")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2, timeout=60)
    workers = [context.Process(target=_upsert_range, args=(path, start, start + 200, barrier)) for start in (0, 100)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=100)
    for worker in workers:
        if worker.is_alive():  # a stuck worker must not keep the test run waiting at exit
            worker.kill()
    assert [worker.exitcode for worker in workers] == [0, 0]

    with SqliteIndex(path) as index:
        assert index.count() == 300
        results = index.search("nguyen van duc", limit=1000)
        assert results.total == 300
        assert sorted(hit.id for hit in results.hits) == [f"rec{number:04d}" for number in range(300)]
