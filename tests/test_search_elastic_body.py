"""What ElasticIndex sends and how it reads answers, checked without a server.

Behaviour against a real cluster is in test_search_contract.py, which needs
ELASTICSEARCH_URL.
"""

from __future__ import annotations

import datetime
import inspect
import socket
import unicodedata
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, BadRequestError, ConnectionError, ConnectionTimeout, Elasticsearch, NotFoundError

from search.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    Filters,
    Index,
    InvalidRecordError,
    SearchIndexError,
    SearchUnavailableError,
)
from search.elastic import (
    EXACT_TIER_BOOST,
    FACETS,
    ElasticIndex,
    bulk_error,
    document,
    facet_counts,
    facets_body,
    index_template,
    search_body,
    search_hit,
    snippet,
    translate_error,
)
from search.folding import word_spans
from tests.records import make_record

NEWEST_FIRST = [{"ingested_at": "desc"}, {"id": "asc"}]


def body(query: str, limit: int = 10, offset: int = 0, **filters: Any) -> dict[str, Any]:
    built = search_body(query, Filters(**filters), limit, offset)
    assert built is not None
    return built


def phrases(clauses: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    return [(clause["multi_match"]["query"], clause["multi_match"]["fields"]) for clause in clauses]


def api_error(cls: type[ApiError], status: int) -> ApiError:
    meta = ApiResponseMeta(
        status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0, node=NodeConfig("http", "localhost", 9200)
    )
    return cls("error", meta=meta, body={"error": {"type": "some_exception"}, "status": status})


# The index template


def test_vi_folded_lowercases_then_folds_keeping_the_original() -> None:
    analysis = index_template()["settings"]["analysis"]
    analyzer = analysis["analyzer"]["vi_folded"]
    assert analyzer["tokenizer"] == "vi_words"
    # Folding after lowercasing, so capitals fold too; both spellings kept at one position.
    assert analyzer["filter"] == ["lowercase", "vi_ascii_folding"]
    assert analysis["filter"]["vi_ascii_folding"] == {"type": "asciifolding", "preserve_original": True}


def test_vi_exact_only_lowercases() -> None:
    analysis = index_template()["settings"]["analysis"]
    assert analysis["analyzer"]["vi_exact"] == {"type": "custom", "tokenizer": "vi_words", "filter": ["lowercase"]}


def test_the_tokenizer_splits_words_where_the_embedded_index_does() -> None:
    regex = pytest.importorskip("regex")  # \p{..} classes as in Java's regular expressions
    tokenizer = index_template()["settings"]["analysis"]["tokenizer"]["vi_words"]
    assert tokenizer["type"] == "pattern"
    text = unicodedata.normalize(
        "NFC", "Họ và tên:NGUYỄN Văn Đức, ho_so_Trần.pdf 000.00.31.H57-221010-0001 12/03/2024 l'an ¾ x\u0301y"
    )
    assert [word for word in regex.split(tokenizer["pattern"], text) if word] == [
        text[start:end] for start, end in word_spans(text)
    ]


@pytest.mark.parametrize("field", ["text", "identifiers"])
def test_text_fields_are_folded_with_an_exact_sub_field(field: str) -> None:
    mapping = index_template()["mappings"]["properties"][field]
    assert (mapping["type"], mapping["analyzer"]) == ("text", "vi_folded")
    assert mapping["fields"]["exact"]["analyzer"] == "vi_exact"


def test_identifiers_are_keywords_and_dates_are_dates() -> None:
    properties = index_template()["mappings"]["properties"]
    for field in ["id", "owner_id", "doc_type", "dossier_code", "procedure_code", "filename", "agency"]:
        assert properties[field] == {"type": "keyword"}, field
    assert properties["ingested_at"]["type"] == "date"
    assert properties["ingested_date"]["type"] == "date"
    assert properties["pages"]["type"] == "integer"


def test_every_field_of_a_document_is_mapped() -> None:
    record = make_record("r", owner_id="079203001234", fields={"agency": "UBND phường Bến Nghé"})
    assert set(document(record)) == set(index_template()["mappings"]["properties"])


# Documents


def test_document_is_nfc_and_keeps_the_records_identifiers() -> None:
    nfd = unicodedata.normalize("NFD", "Họ và tên: Trần Thị Hường")
    record = make_record(
        "abc123",
        nfd,
        "Trang hai",
        doc_type="dossier_receipt",
        owner_id="079203001234",
        dossier_code="H56.14-240823-0001",
        procedure_code="1.001612",
        filename=unicodedata.normalize("NFD", "biên_nhận.pdf"),
        fields={"full_name": unicodedata.normalize("NFD", "Võ Thị Sáu"), "area_m2": 12.5, "date_of_return": None},
    )
    built = document(record)
    assert built["text"] == "Họ và tên: Trần Thị Hường\n\nTrang hai"
    assert unicodedata.is_normalized("NFC", built["text"])
    assert (built["id"], built["doc_type"], built["owner_id"], built["dossier_code"], built["procedure_code"]) == (
        "abc123",
        "dossier_receipt",
        "079203001234",
        "H56.14-240823-0001",
        "1.001612",
    )
    assert built["filename"] == "biên_nhận.pdf"
    assert built["pages"] == 2
    # Only string values are searchable; each appears once.
    assert built["identifiers"].split("\n") == [
        "biên_nhận.pdf",
        "079203001234",
        "H56.14-240823-0001",
        "1.001612",
        "dossier_receipt",
        "Võ Thị Sáu",
    ]


def test_document_dates_keep_the_local_date_of_ingestion() -> None:
    built = document(make_record("r", ingested_at="2024-03-13T01:00:00+07:00"))
    assert built["ingested_at"] == "2024-03-13T01:00:00+07:00"
    assert built["ingested_date"] == "2024-03-13"  # the 12th in UTC


def test_agency_and_procedure_code_come_from_the_record_as_in_the_embedded_index() -> None:
    # An officer's agency scope must mean the same on every backend: the record's own agency, which
    # service.access checks too, never a value read off the paper.
    built = document(make_record("r", agency="H57", fields={"agency": "UBND Quận 1", "procedure_code": "2.000986"}))
    assert (built["agency"], built["procedure_code"]) == ("H57", None)
    assert document(make_record("r"))["agency"] is None


@pytest.mark.parametrize(
    "record",
    [
        {key: value for key, value in make_record("x").items() if key != "id"},
        make_record(""),
        make_record("bad-time", ingested_at="yesterday"),
        make_record("naive-time", ingested_at="2024-03-12T09:30:00"),
    ],
)
def test_a_record_without_id_or_zoned_ingestion_time_is_refused(record: dict[str, Any]) -> None:
    with pytest.raises(InvalidRecordError):
        document(record)


# Search bodies


def test_each_chunk_of_a_query_must_match_as_a_phrase_in_either_spelling() -> None:
    query = body("Nguyễn  văn đức")["query"]["bool"]
    assert phrases(query["must"]) == [
        ("Nguyễn", ["text", "identifiers"]),
        ("văn", ["text", "identifiers"]),
        ("đức", ["text", "identifiers"]),
    ]
    assert all(clause["multi_match"]["type"] == "phrase" for clause in query["must"])


def test_matching_every_chunk_as_spelled_adds_a_constant_tier() -> None:
    [should] = body("Nguyễn đức")["query"]["bool"]["should"]
    tier = should["constant_score"]
    assert tier["boost"] == EXACT_TIER_BOOST
    assert phrases(tier["filter"]["bool"]["filter"]) == [
        ("Nguyễn", ["text.exact", "identifiers.exact"]),
        ("đức", ["text.exact", "identifiers.exact"]),
    ]


def test_a_query_is_sent_as_nfc() -> None:
    [clause] = body(unicodedata.normalize("NFD", "Hường"))["query"]["bool"]["must"]
    assert clause["multi_match"]["query"] == "Hường"


def test_a_dossier_code_is_one_phrase() -> None:
    must = body("000.00.31.H57-221010-0001")["query"]["bool"]["must"]
    assert phrases(must) == [("000.00.31.H57-221010-0001", ["text", "identifiers"])]


def test_punctuation_is_data_not_syntax() -> None:
    must = body('"Đức AND (hà)* -x')["query"]["bool"]["must"]
    assert [query for query, _ in phrases(must)] == ['"Đức', "AND", "(hà)*", "-x"]


def test_matches_sort_by_score_then_newest() -> None:
    assert body("duc")["sort"] == ["_score", *NEWEST_FIRST]


def test_filters_are_exact_terms_and_an_inclusive_range_of_local_dates() -> None:
    filters = body(
        "duc",
        owner_id="079203001234",
        doc_type="cccd",
        dossier_code=unicodedata.normalize("NFD", "H56.14-Đ"),
        date_from=datetime.date(2024, 3, 1),
        date_to=datetime.date(2024, 3, 31),
    )["query"]["bool"]["filter"]
    assert filters == [
        {"term": {"owner_id": "079203001234"}},
        {"term": {"doc_type": "cccd"}},
        {"term": {"dossier_code": "H56.14-Đ"}},
        {"range": {"ingested_date": {"gte": "2024-03-01", "lte": "2024-03-31"}}},
    ]


def test_a_date_range_may_be_open_on_either_side() -> None:
    [since] = body("duc", date_from=datetime.date(2024, 3, 13))["query"]["bool"]["filter"]
    assert since == {"range": {"ingested_date": {"gte": "2024-03-13"}}}
    [until] = body("duc", date_to=datetime.date(2024, 3, 13))["query"]["bool"]["filter"]
    assert until == {"range": {"ingested_date": {"lte": "2024-03-13"}}}


@pytest.mark.parametrize("query", ["", "   "])
def test_a_blank_query_lists_everything_newest_first(query: str) -> None:
    listing = body(query)
    assert listing["query"] == {"match_all": {}}
    assert listing["sort"] == NEWEST_FIRST


@pytest.mark.parametrize("query", ["", "()"])
def test_a_query_without_words_lists_what_the_filters_match_newest_first(query: str) -> None:
    listing = body(query, owner_id="079203001234")
    assert listing["query"] == {"bool": {"filter": [{"term": {"owner_id": "079203001234"}}]}}
    assert listing["sort"] == NEWEST_FIRST


@pytest.mark.parametrize("query", ["...", "-- / ()", '"*"'])
def test_a_query_of_only_punctuation_needs_no_request(query: str) -> None:
    assert search_body(query, Filters(), 10, 0) is None
    assert facets_body(query, Filters()) is None


def test_pagination_counts_every_match() -> None:
    page = body("duc", limit=7, offset=14)
    assert (page["from_"], page["size"], page["track_total_hits"]) == (14, 7, True)
    clamped = body("duc", limit=-1, offset=-5)
    assert (clamped["from_"], clamped["size"]) == (0, 0)


def test_highlights_use_our_markers_and_fall_back_to_the_start_of_the_text() -> None:
    highlight = body("duc")["highlight"]
    assert (highlight["pre_tags"], highlight["post_tags"]) == ([HIGHLIGHT_OPEN], [HIGHLIGHT_CLOSE])
    assert set(highlight["fields"]) == {"text", "identifiers"}
    for field in highlight["fields"].values():
        assert field["number_of_fragments"] == 1
        assert field["no_match_size"] == field["fragment_size"] > 0


def test_hits_carry_only_what_a_search_hit_needs() -> None:
    assert set(body("duc")["source"]["includes"]) == {
        "doc_type",
        "owner_id",
        "dossier_code",
        "filename",
        "ingested_at",
        "pages",
    }


@pytest.mark.parametrize("built", [body("duc"), body(""), facets_body("duc", Filters(doc_type="cccd"))])
def test_bodies_are_keyword_arguments_of_the_client(built: dict[str, Any]) -> None:
    assert set(built) <= set(inspect.signature(Elasticsearch.search).parameters)


# Facets


def test_facets_count_doc_types_years_and_agencies_of_the_same_matches() -> None:
    built = facets_body("duc", Filters(owner_id="079203001234"))
    assert built is not None
    assert built["query"] == body("duc", owner_id="079203001234")["query"]
    assert built["size"] == 0
    assert tuple(built["aggs"]) == FACETS
    assert built["aggs"]["doc_type"]["terms"]["field"] == "doc_type"
    assert built["aggs"]["agency"]["terms"]["field"] == "agency"
    year = built["aggs"]["year"]["date_histogram"]
    assert (year["field"], year["calendar_interval"], year["format"]) == ("ingested_date", "year", "yyyy")


def test_facet_counts_are_read_by_bucket_name() -> None:
    aggregations = {
        "doc_type": {"buckets": [{"key": "cccd", "doc_count": 3}, {"key": "cmnd", "doc_count": 1}]},
        "year": {"buckets": [{"key": 1704067200000, "key_as_string": "2024", "doc_count": 4}]},
        "agency": {"buckets": []},
    }
    assert facet_counts(aggregations) == {"doc_type": {"cccd": 3, "cmnd": 1}, "year": {"2024": 4}, "agency": {}}


# Reading hits


def test_the_snippet_is_the_marked_page_text_with_whitespace_collapsed() -> None:
    highlight = {"text": ["Họ và tên:\n\n«Nguyễn» Văn «Đức»  "], "identifiers": ["duc.pdf"]}
    assert snippet(highlight) == "Họ và tên: «Nguyễn» Văn «Đức»"


def test_the_snippet_comes_from_the_identifiers_when_only_they_match() -> None:
    highlight = {"text": ["CỘNG HÒA XÃ HỘI"], "identifiers": ["ho_so_«Trịnh»_«Công»_«Sơn».pdf"]}
    assert snippet(highlight) == "ho_so_«Trịnh»_«Công»_«Sơn».pdf"


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    assert snippet({"text": ["CỘNG HÒA XÃ HỘI"], "identifiers": ["x.pdf"]}) == "CỘNG HÒA XÃ HỘI"
    assert snippet({"identifiers": ["x.pdf"]}) == "x.pdf"
    assert snippet({}) == ""


def test_a_hit_is_read_from_its_source_and_highlight() -> None:
    hit = search_hit(
        {
            "_id": "abc123",
            "_score": 1003.5,
            "_source": {
                "doc_type": "cccd",
                "owner_id": "079203001234",
                "dossier_code": None,
                "filename": "cccd.pdf",
                "ingested_at": "2024-03-12T09:30:00+07:00",
                "pages": 2,
            },
            "highlight": {"text": ["«Đức»"]},
        }
    )
    assert (hit.id, hit.score, hit.snippet, hit.doc_type, hit.owner_id, hit.dossier_code) == (
        "abc123",
        1003.5,
        "«Đức»",
        "cccd",
        "079203001234",
        None,
    )
    assert (hit.filename, hit.ingested_at, hit.pages) == ("cccd.pdf", "2024-03-12T09:30:00+07:00", 2)


def test_a_listed_hit_has_score_zero() -> None:
    hit = search_hit({"_id": "x", "_score": None, "sort": [1, "x"], "_source": {"doc_type": "cccd", "pages": 1}})
    assert hit.score == 0.0


# Errors


@pytest.mark.parametrize(
    "error",
    [
        ConnectionError("refused"),
        ConnectionTimeout("timed out"),
        api_error(ApiError, 429),
        api_error(ApiError, 503),
    ],
    ids=["connection", "timeout", "429", "503"],
)
def test_unreachable_or_overloaded_servers_are_retryable(error: Exception) -> None:
    translated = translate_error(error)
    assert isinstance(translated, SearchUnavailableError)
    assert translated.retryable


@pytest.mark.parametrize(
    "error",
    [api_error(BadRequestError, 400), api_error(NotFoundError, 404), api_error(ApiError, 500)],
    ids=["400", "404", "500"],
)
def test_other_server_errors_are_not_retryable(error: Exception) -> None:
    translated = translate_error(error)
    assert type(translated) is SearchIndexError
    assert not translated.retryable


def test_a_refused_bulk_item_is_retryable_only_when_the_server_was_overloaded() -> None:
    overloaded = {"index": {"_id": "a", "status": 429, "error": {"type": "es_rejected_execution_exception"}}}
    invalid = {"index": {"_id": "b", "status": 400, "error": {"type": "document_parsing_exception"}}}
    assert isinstance(bulk_error(overloaded), SearchUnavailableError)
    assert type(bulk_error(invalid)) is SearchIndexError


def test_an_unreachable_server_raises_a_retryable_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Elasticsearch(f"http://127.0.0.1:{port}", max_retries=0, request_timeout=5)
    with pytest.raises(SearchUnavailableError):
        ElasticIndex(client, "sohoa-test")
    client.close()


def test_elastic_index_meets_the_index_protocol() -> None:
    assert issubclass(ElasticIndex, Index)
