"""What every search backend promises the pipeline and the CLI, checked the same way for each.

Add a backend by adding a param to the `index` fixture. Assertions here must hold for
any backend; what depends on how a backend stores or ranks belongs in its own test
module. ElasticIndex runs only when ELASTICSEARCH_URL names a server, each test
under an alias of its own that is deleted afterwards.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

from search.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, Filters, Index, InvalidRecordError
from search.sqlite import SqliteIndex
from tests.records import FILLER, fillers, ids, make_record

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from search.elastic import ElasticIndex

NO_SERVER = "ELASTICSEARCH_URL is not set: no Elasticsearch server to test ElasticIndex against"


def sqlite_index(tmp_path: Path) -> Iterator[Index]:
    with SqliteIndex(tmp_path / "index.sqlite") as opened:
        yield opened


class Elastic(NamedTuple):
    index: ElasticIndex
    client: Elasticsearch
    alias: str

    def live_indices(self) -> list[str]:
        return list(self.client.indices.get_alias(name=self.alias))

    def all_indices(self) -> list[str]:
        return list(self.client.indices.get(index=f"{self.alias}-*"))


def elastic_under_test() -> Iterator[Elastic]:
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip(NO_SERVER)
    from elasticsearch import Elasticsearch

    from search.elastic import ElasticIndex

    client = Elasticsearch(url)
    alias = f"sohoa-test-{uuid.uuid4().hex}"
    opened = ElasticIndex(client, alias, refresh="wait_for")
    under_test = Elastic(opened, client, alias)
    try:
        yield under_test
    finally:
        # By name: clusters refuse wildcard deletes by default.
        for name in under_test.all_indices():
            client.indices.delete(index=name)
        client.indices.delete_index_template(name=alias)
        opened.close()


def elastic_index(tmp_path: Path) -> Iterator[Index]:
    for under_test in elastic_under_test():
        yield under_test.index


@pytest.fixture(
    params=[
        pytest.param(sqlite_index, id="sqlite"),
        pytest.param(elastic_index, id="elastic", marks=pytest.mark.elasticsearch),
    ]
)
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    """A fresh, empty index of each backend."""
    opener: Callable[[Path], Iterator[Index]] = request.param
    yield from opener(tmp_path)


@pytest.fixture
def elastic() -> Iterator[Elastic]:
    """An ElasticIndex alone, for what only it offers (rebuild, facets)."""
    yield from elastic_under_test()


def test_backend_meets_the_index_protocol(index: Index) -> None:
    assert isinstance(index, Index)


@pytest.mark.parametrize("query", ["nguyen van duc", "NGUYEN VAN DUC", "Nguyễn Văn Đức", "nguyễn văn đức"])
def test_a_name_is_found_with_or_without_diacritics(index: Index, query: str) -> None:
    index.upsert_many(
        [make_record("duc", f"{FILLER}\nHọ và tên: Nguyễn Văn Đức"), make_record("caps", "HỌ VÀ TÊN: NGUYỄN VĂN ĐỨC")]
        + fillers(5)
    )
    assert sorted(ids(index, query)) == ["caps", "duc"]


def test_decomposed_text_and_queries_are_found(index: Index) -> None:
    index.upsert_many([make_record("nfd", unicodedata.normalize("NFD", "Họ và tên: Trần Thị Hường")), *fillers(2)])
    assert ids(index, "huong") == ["nfd"]
    assert ids(index, unicodedata.normalize("NFD", "Hường")) == ["nfd"]


def test_every_chunk_of_the_query_must_match(index: Index) -> None:
    index.upsert(make_record("duc", "Họ và tên: Nguyễn Văn Đức"))
    assert ids(index, "nguyen van an") == []


def test_the_exact_spelling_ranks_first(index: Index) -> None:
    index.upsert_many(
        [
            make_record("a", "Họ và tên: Lê Minh Đức", ingested_at="2024-03-01T08:00:00+07:00"),
            # Newer, so recency alone would put it first.
            make_record("b", "Họ và tên: Lê Minh Đục", ingested_at="2024-03-02T08:00:00+07:00"),
            *fillers(8),
        ]
    )
    assert ids(index, "Đức") == ["a", "b"]
    assert ids(index, "Đục") == ["b", "a"]
    assert sorted(ids(index, "duc")) == ["a", "b"]


def test_the_exact_spelling_ranks_first_even_for_a_word_most_records_contain(index: Index) -> None:
    common = [make_record(f"nguyen{number}", f"Họ và tên: Nguyễn Thị Hoa {number}") for number in range(6)]
    rare = make_record("nguyen-without-tilde", "Họ và tên: Nguyên Thị Hoa", ingested_at="2025-01-01T08:00:00+07:00")
    index.upsert_many([*common, rare])
    assert ids(index, "Nguyễn")[-1] == "nguyen-without-tilde"
    assert ids(index, "Nguyên")[0] == "nguyen-without-tilde"
    assert len(ids(index, "nguyen")) == 7


def test_scores_follow_the_order_of_hits(index: Index) -> None:
    index.upsert_many([make_record("a", "Lê Minh Đức, Lê Minh Đức"), make_record("b", "Lê Minh Đục"), *fillers(8)])
    scores = [hit.score for hit in index.search("Đức").hits]
    assert len(scores) == 2
    assert scores == sorted(scores, reverse=True)


def test_a_dossier_code_matches_as_a_phrase(index: Index) -> None:
    index.upsert_many(
        [
            make_record("receipt", f"{FILLER}\nMã hồ sơ: 000.00.31.H57-221010-0001"),
            make_record("next", f"{FILLER}\nMã hồ sơ: 000.00.31.H57-221010-0002"),
            make_record("scattered", "Số 0001 ngày 221010, phòng 31 tầng 00 khu H57, mã 000"),
        ]
    )
    assert ids(index, "000.00.31.H57-221010-0001") == ["receipt"]
    assert sorted(ids(index, "000.00.31.h57-221010")) == ["next", "receipt"]


def test_id_numbers_and_dates_match_as_phrases(index: Index) -> None:
    index.upsert_many(
        [
            make_record("card", "Số định danh cá nhân: 079203001234\nNgày cấp: 12/03/2024"),
            make_record("other", "Số 12, tổ 03, năm 2024; số 079203001235"),
        ]
    )
    assert ids(index, "079203001234") == ["card"]
    assert ids(index, "12/03/2024") == ["card"]


def test_identifiers_and_extracted_fields_are_searchable(index: Index) -> None:
    index.upsert_many(
        [
            make_record(
                "receipt",
                "Text where OCR lost the name: Ng yn V n",
                doc_type="dossier_receipt",
                owner_id="079203001234",
                dossier_code="H56.14-240823-0001",
                procedure_code="1.001612",
                filename="ho_so_Trịnh_Công_Sơn.pdf",
                fields={"full_name": "Võ Thị Sáu", "area_m2": 12.5, "date_of_return": None},
            ),
            *fillers(3),
        ]
    )
    for query in ["vo thi sau", "079203001234", "H56.14-240823-0001", "1.001612", "trinh cong son", "receipt"]:
        assert ids(index, query) == ["receipt"], query


def test_words_glued_by_punctuation_are_found(index: Index) -> None:
    index.upsert_many([make_record("glued", "Họ và tên:NGUYỄN THỊ HOA;Dân tộc:Kinh"), *fillers(2)])
    assert ids(index, "nguyen thi hoa") == ["glued"]
    assert ids(index, "kinh") == ["glued"]


@pytest.mark.parametrize("query", ['"', '"Đức', "(", "*", "-đức", "NEAR(đức hà)", 'đức" OR "hà', "\\", "\x00", "đức\x00hà"])
def test_hostile_queries_never_fail(index: Index, query: str) -> None:
    index.upsert_many([make_record("duc", "Họ và tên: Hoàng Đức Hà"), *fillers(2)])
    assert ids(index, query) in ([], ["duc"])


def test_hits_carry_the_records_metadata(index: Index) -> None:
    index.upsert(
        make_record(
            "meta",
            "Trang một: Phan Văn Khải",
            "Trang hai",
            doc_type="birth_certificate",
            owner_id="001099000111",
            dossier_code="H56.14-240823-0002",
            filename="khai sinh.pdf",
            ingested_at="2024-08-23T10:15:00+07:00",
        )
    )
    [hit] = index.search("khai").hits
    assert (hit.id, hit.doc_type, hit.owner_id, hit.dossier_code, hit.filename, hit.ingested_at, hit.pages) == (
        "meta",
        "birth_certificate",
        "001099000111",
        "H56.14-240823-0002",
        "khai sinh.pdf",
        "2024-08-23T10:15:00+07:00",
        2,
    )


def test_the_snippet_marks_the_original_accented_words(index: Index) -> None:
    before = "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và các văn bản hướng dẫn thi hành. " * 5
    after = " Nơi thường trú: phường Bến Nghé, Thành phố Hồ Chí Minh. Ghi chú: không." * 5
    index.upsert_many(
        [make_record("long", f"{before}Họ và tên người yêu cầu: ĐỖ THỊ HẰNG, sinh năm 1990.{after}"), *fillers(2)]
    )
    [hit] = index.search("do thi hang").hits
    for word in ["ĐỖ", "THỊ", "HẰNG"]:
        assert f"{HIGHLIGHT_OPEN}{word}{HIGHLIGHT_CLOSE}" in hit.snippet
    assert unicodedata.is_normalized("NFC", hit.snippet)
    assert len(hit.snippet) <= 200


def test_the_snippet_comes_from_the_identifiers_when_only_they_match(index: Index) -> None:
    index.upsert(make_record("named", FILLER, filename="ho_so_Trịnh_Công_Sơn.pdf"))
    [hit] = index.search("trinh cong son").hits
    for word in ["Trịnh", "Công", "Sơn"]:
        assert f"{HIGHLIGHT_OPEN}{word}{HIGHLIGHT_CLOSE}" in hit.snippet


def test_a_listed_record_shows_the_start_of_its_text(index: Index) -> None:
    index.upsert(make_record("listed"))
    [hit] = index.search("").hits
    assert hit.snippet.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập")
    assert HIGHLIGHT_OPEN not in hit.snippet


def test_filter_by_owner(index: Index) -> None:
    index.upsert_many(
        [
            make_record("mine", "Nguyễn Văn Bình", owner_id="079203001234"),
            make_record("theirs", "Nguyễn Văn Bình", owner_id="001099000111"),
            make_record("nobody", "Nguyễn Văn Bình"),
        ]
    )
    assert ids(index, "binh", owner_id="079203001234") == ["mine"]
    assert ids(index, "binh", owner_id="07920300") == []


def test_filter_by_doc_type(index: Index) -> None:
    index.upsert_many(
        [
            make_record("card", "Nguyễn Văn Bình", doc_type="cccd"),
            make_record("birth", "Nguyễn Văn Bình", doc_type="birth_certificate"),
        ]
    )
    assert ids(index, "binh", doc_type="cccd") == ["card"]
    assert ids(index, "", doc_type="birth_certificate") == ["birth"]


def test_filter_by_dossier_code_is_exact(index: Index) -> None:
    index.upsert_many(
        [
            make_record("one", "Nguyễn Văn Bình", dossier_code="H56.14-240823-0001"),
            make_record("two", "Nguyễn Văn Bình", dossier_code="H56.14-240823-0002"),
        ]
    )
    assert ids(index, "binh", dossier_code="H56.14-240823-0002") == ["two"]
    assert ids(index, "", dossier_code="H56.14-240823") == []
    assert ids(index, "", dossier_code="h56.14-240823-0002") == []


def test_filter_by_ingestion_date_uses_the_date_as_recorded_and_is_inclusive(index: Index) -> None:
    index.upsert_many(
        [
            make_record("11th", "Bình", ingested_at="2024-03-11T23:59:00+07:00"),
            # 18:00 UTC on the 12th, but the 13th where it was ingested.
            make_record("13th", "Bình", ingested_at="2024-03-13T01:00:00+07:00"),
            make_record("14th", "Bình", ingested_at="2024-03-14T00:00:00+07:00"),
        ]
    )
    assert ids(index, "binh", date_from=datetime.date(2024, 3, 13)) == ["14th", "13th"]
    assert ids(index, "binh", date_to=datetime.date(2024, 3, 13)) == ["13th", "11th"]
    assert ids(index, "", date_from=datetime.date(2024, 3, 13), date_to=datetime.date(2024, 3, 13)) == ["13th"]
    assert ids(index, "", date_from=datetime.date(2024, 3, 1), date_to=datetime.date(2024, 3, 12)) == ["11th"]


def test_filters_combine(index: Index) -> None:
    index.upsert_many(
        [
            make_record("match", "Bình", owner_id="079203001234", doc_type="cccd"),
            make_record("wrong-type", "Bình", owner_id="079203001234", doc_type="cmnd"),
            make_record("wrong-owner", "Bình", owner_id="001099000111", doc_type="cccd"),
        ]
    )
    assert ids(index, "binh", owner_id="079203001234", doc_type="cccd") == ["match"]


def test_pages_cover_every_hit_once_and_report_the_total(index: Index) -> None:
    index.upsert_many(
        [make_record(f"r{number:02d}", f"Phiếu số {number}: Nguyễn Thị Mai") for number in range(25)] + fillers(5)
    )
    pages = [index.search("mai", limit=10, offset=offset) for offset in (0, 10, 20, 30)]
    assert [page.total for page in pages] == [25, 25, 25, 25]
    assert [len(page.hits) for page in pages] == [10, 10, 5, 0]
    found = [hit.id for page in pages for hit in page.hits]
    assert sorted(found) == [f"r{number:02d}" for number in range(25)]

    listed = [index.search("", Filters(doc_type="application_form"), limit=7, offset=offset)
              for offset in range(0, 35, 7)]
    assert {page.total for page in listed} == {30}
    assert len({hit.id for page in listed for hit in page.hits}) == 30


def test_a_blank_query_lists_every_record_newest_first(index: Index) -> None:
    index.upsert_many(
        [
            make_record("old", ingested_at="2024-03-12T10:00:00+07:00"),  # 03:00 UTC
            make_record("new", ingested_at="2024-03-12T05:00:00+00:00"),  # 05:00 UTC
            make_record("newest", ingested_at="2024-03-13T08:00:00+07:00"),
        ]
    )
    for query in ["", "   "]:
        results = index.search(query)
        assert results.total == 3
        assert [hit.id for hit in results.hits] == ["newest", "new", "old"]
        assert {hit.score for hit in results.hits} == {0.0}


def test_a_query_without_words_lists_what_the_filters_match(index: Index) -> None:
    index.upsert_many([make_record("mine", owner_id="079203001234"), make_record("theirs", owner_id="001099000111")])
    assert ids(index, "()", owner_id="079203001234") == ["mine"]
    results = index.search("...")
    assert (results.total, results.hits) == (0, [])


def test_upserting_a_record_again_replaces_it(index: Index) -> None:
    index.upsert(make_record("same", "Họ và tên: Nguyễn Văn Đức"))
    index.upsert(make_record("same", "Họ và tên: Nguyễn Văn Đức"))
    index.upsert_many([make_record("same", "Họ và tên: Nguyễn Văn Đức")] * 3)
    assert index.count() == 1
    assert ids(index, "duc") == ["same"]

    index.upsert(make_record("same", "Họ và tên: Lý Thường Kiệt"))
    assert index.count() == 1
    assert ids(index, "duc") == []
    assert ids(index, "kiet") == ["same"]


def test_upsert_many_returns_the_count_and_indexes_nothing_when_a_record_is_invalid(index: Index) -> None:
    assert index.upsert_many(fillers(4)) == 4
    assert index.upsert_many([]) == 0
    with pytest.raises(InvalidRecordError):
        index.upsert_many([make_record("good"), make_record("broken", ingested_at="yesterday")])
    assert index.count() == 4
    assert index.resolve_id("good") == []


def test_an_invalid_record_is_refused(index: Index) -> None:
    with pytest.raises(InvalidRecordError):
        index.upsert(make_record("naive-time", ingested_at="2024-03-12T09:30:00"))
    assert index.count() == 0


def test_delete_forgets_a_record(index: Index) -> None:
    index.upsert_many([make_record("gone", "Nguyễn Văn Đức"), make_record("kept", "Nguyễn Văn Đức")])
    index.delete("gone")
    index.delete("never-indexed")
    assert index.count() == 1
    assert ids(index, "duc") == ["kept"]
    assert index.resolve_id("gone") == []


def test_clear_forgets_everything_and_indexing_starts_afresh(index: Index) -> None:
    index.upsert_many([make_record("a", "Nguyễn Văn Đức"), *fillers(3)])
    index.clear()
    assert index.count() == 0
    assert ids(index, "duc") == []
    assert index.upsert_many([make_record("b", "Nguyễn Văn Đức")]) == 1
    assert ids(index, "duc") == ["b"]
    assert index.count() == 1


def test_resolve_id_finds_ids_by_prefix(index: Index) -> None:
    index.upsert_many([make_record(record_id) for record_id in ["3fa9c1", "3fa9d2", "3fb000", "4_0000"]])
    assert index.resolve_id("3fa9") == ["3fa9c1", "3fa9d2"]
    assert index.resolve_id("3fa9c1") == ["3fa9c1"]
    assert index.resolve_id("5") == []
    assert index.resolve_id("") == []
    assert index.resolve_id("_") == []  # not a wildcard
    assert index.resolve_id("3FA9") == []  # ids are case-sensitive


def test_resolve_id_returns_at_most_a_few(index: Index) -> None:
    index.upsert_many([make_record(f"ab{number:03d}") for number in range(50)])
    assert 2 <= len(index.resolve_id("ab")) <= 10


# ElasticIndex only


def test_rebuild_replaces_every_record_and_the_live_index(elastic: Elastic) -> None:
    elastic.index.upsert_many([make_record("old", "Nguyễn Văn Đức"), *fillers(3)])
    [before] = elastic.live_indices()

    assert elastic.index.rebuild(make_record(f"new{number}", "Nguyễn Văn Đức") for number in range(3)) == 3
    assert elastic.index.count() == 3
    assert sorted(ids(elastic.index, "duc")) == ["new0", "new1", "new2"]
    [after] = elastic.live_indices()
    assert after != before
    assert elastic.all_indices() == [after]


def test_a_failed_rebuild_leaves_the_live_index_alone(elastic: Elastic) -> None:
    elastic.index.upsert(make_record("kept", "Nguyễn Văn Đức"))
    [live] = elastic.live_indices()
    with pytest.raises(InvalidRecordError):
        elastic.index.rebuild([make_record("fine"), make_record("broken", ingested_at="yesterday")])
    assert ids(elastic.index, "duc") == ["kept"]
    assert elastic.all_indices() == [live]


def test_facets_count_what_a_search_finds(elastic: Elastic) -> None:
    elastic.index.upsert_many(
        [
            make_record("a", "Bình", doc_type="cccd", fields={"agency": "Công an TP. Hồ Chí Minh"}),
            make_record("b", "Bình", doc_type="cccd", ingested_at="2023-12-31T23:30:00+07:00"),
            make_record("c", "Bình", doc_type="birth_certificate", fields={"agency": "UBND phường Bến Nghé"}),
            make_record("d", "Lan", doc_type="cmnd"),
        ]
    )
    assert elastic.index.facets("binh") == {
        "doc_type": {"cccd": 2, "birth_certificate": 1},
        "year": {"2023": 1, "2024": 2},
        "agency": {"Công an TP. Hồ Chí Minh": 1, "UBND phường Bến Nghé": 1},
    }
    assert elastic.index.facets("", Filters(doc_type="cmnd")) == {
        "doc_type": {"cmnd": 1}, "year": {"2024": 1}, "agency": {}}


def test_rebuild_replaces_every_record(index: Index) -> None:
    index.upsert_many([make_record("old1"), make_record("old2")])
    assert index.rebuild(make_record(f"new{number}", "Nguyễn Văn Đức") for number in range(3)) == 3
    assert sorted(hit.id for hit in index.search("", limit=10).hits) == ["new0", "new1", "new2"]


def test_a_rebuild_that_fails_part_way_keeps_the_old_records(index: Index) -> None:
    index.upsert_many([make_record("old1"), make_record("old2")])

    def records():
        yield make_record("new1")
        raise OSError("the object store went away")

    with pytest.raises(OSError):
        index.rebuild(records())
    assert sorted(hit.id for hit in index.search("", limit=10).hits) == ["old1", "old2"]


def test_filter_by_procedure_code_and_by_agency(index: Index) -> None:
    index.upsert_many([
        make_record("h57-birth", "Nguyễn Văn Đức", procedure_code="1.001193", agency="000.00.31.H57"),
        make_record("h57-residence", "Nguyễn Văn Đức", procedure_code="1.004194", agency="000.00.31.H57"),
        make_record("h56-birth", "Nguyễn Văn Đức", procedure_code="1.001193", agency="H56.14"),
    ])
    assert sorted(hit.id for hit in index.search("duc", Filters(procedure_code="1.001193")).hits) == [
        "h56-birth", "h57-birth"]
    assert sorted(hit.id for hit in index.search("", Filters(agency="000.00.31.H57")).hits) == [
        "h57-birth", "h57-residence"]
    both = index.search("nguyen van duc", Filters(procedure_code="1.001193", agency="H56.14"))
    assert (both.total, [hit.id for hit in both.hits]) == (1, ["h56-birth"])


def test_doc_type_counts_follow_the_query_and_filters(index: Index) -> None:
    index.upsert_many([
        make_record("c1", "Nguyễn Văn Đức", doc_type="cccd", owner_id="079203001234"),
        make_record("b1", "Nguyễn Văn Đức", doc_type="birth_certificate", owner_id="079203001234"),
        make_record("b2", "Nguyễn Văn Đức", doc_type="birth_certificate", owner_id="001099000111"),
        make_record("b3", "Trần Thị Hà", doc_type="birth_certificate", owner_id="079203001234"),
    ])
    assert index.doc_type_counts("duc") == {"cccd": 1, "birth_certificate": 2}
    assert index.doc_type_counts("duc", Filters(owner_id="079203001234")) == {"cccd": 1, "birth_certificate": 1}
    assert index.doc_type_counts("", Filters(owner_id="079203001234")) == {"cccd": 1, "birth_certificate": 2}
    # The kind asked for does not narrow the counts: the page offers the other kinds beside it.
    assert index.doc_type_counts("duc", Filters(doc_type="cccd")) == {"cccd": 1, "birth_certificate": 2}
    assert index.doc_type_counts('"*"') == {}
