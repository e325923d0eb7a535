"""The Vietnamese web pages: login cookie, search with highlights, record review, citizens' papers and reuse."""

from __future__ import annotations

import re

from tests.service_support import PERSON_A, World, build_world

NEW_DOSSIER = "000.00.31.H79-250401-0003"


def log_in(world: World, who: str) -> None:
    response = world.client.post("/login", data={"token": world.tokens[who], "next": "/search"},
                                 follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/search"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "the page has no form token"
    return match.group(1)


def test_pages_send_visitors_without_a_login_to_the_login_page(world):
    for path in ("/", "/search?q=an", "/papers", f"/records/{world.id('a_card')}"):
        response = world.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"], path
    login = world.client.get("/login")
    assert login.status_code == 200 and 'lang="vi"' in login.text and "Đăng nhập" in login.text
    assert "/static/style.css" in login.text and "http" not in re.sub(r"https?://testserver", "", login.text)
    assert world.client.get("/static/style.css").status_code == 200


def test_login_with_a_token_keeps_it_in_an_httponly_cookie(world):
    bad = world.client.post("/login", data={"token": "nonsense"})
    assert bad.status_code == 401 and "Đăng nhập" in bad.text
    log_in(world, "officer")
    assert world.client.get("/api/me").json()["subject"] == "can-bo-1"  # the API takes the cookie too
    assert world.client.post("/logout", follow_redirects=False).status_code == 303
    assert world.client.get("/api/me").status_code == 401


def test_login_never_redirects_off_site(world):
    for target in ("//evil.example/x", "https://evil.example", "\\\\evil"):
        response = world.client.post("/login", data={"token": world.tokens["a"], "next": target},
                                     follow_redirects=False)
        assert response.headers["location"] == "/papers", target


def test_demo_login_is_off_unless_enabled(world, tmp_path, issuer_key):
    refused = world.client.post("/login", data={"demo": "citizen", "personal_number": PERSON_A})
    assert refused.status_code == 401 and "SOHOA_DEMO_LOGIN" in refused.text
    assert "Đăng nhập thử" not in world.client.get("/login").text
    demo = build_world(tmp_path / "demo", issuer_key, demo_login=True)
    assert "Đăng nhập thử" in demo.client.get("/login").text
    response = demo.client.post("/login", data={"demo": "citizen", "personal_number": PERSON_A},
                                follow_redirects=False)
    assert response.headers["location"] == "/papers"
    assert demo.client.get("/api/me").json()["personal_number"] == PERSON_A
    officer = demo.client.post("/login", data={"demo": "officer", "officer_name": "Cán bộ thử", "agency": "H79"},
                               follow_redirects=False)
    assert officer.status_code == 303 and demo.client.get("/api/me").json()["agency"] == "H79"
    assert demo.client.post("/login", data={"demo": "citizen", "personal_number": "123"}).status_code == 401


def test_search_page_marks_matches_and_counts_kinds(world):
    log_in(world, "officer")
    page = world.client.get("/search", params={"q": "nguyen van an"})
    assert page.status_code == 200
    assert "<mark>" in page.text and "«" not in page.text
    assert '<p class="summary">3 kết quả</p>' in page.text and "Căn cước công dân" in page.text
    assert f'href="/records/{world.id("a_card")}"' in page.text
    filtered = world.client.get("/search", params={"q": "nguyen van an", "doc_type": "cccd", "date_from": ""})
    assert '<p class="summary">1 kết quả</p>' in filtered.text


def test_search_page_escapes_what_it_shows(world):
    log_in(world, "officer")
    page = world.client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text


def test_officer_reviews_a_field_on_the_record_page(world):
    log_in(world, "officer")
    record_id = world.id("a_receipt")
    page = world.client.get(f"/records/{record_id}")
    assert page.status_code == 200
    assert f"/api/records/{record_id}/pages/2" in page.text and "Tải bản gốc" in page.text
    assert "Ngày nhận hồ sơ" in page.text and "not a date" in page.text
    token = csrf_of(page.text)
    form = {"action": "correct", "value": "01/03/2025", "version": "1"}
    assert world.client.post(f"/records/{record_id}/fields/date_received", data={**form, "csrf": "0" * 64},
                             follow_redirects=False).status_code == 403
    saved = world.client.post(f"/records/{record_id}/fields/date_received", data={**form, "csrf": token},
                              follow_redirects=False)
    assert saved.status_code == 303
    after = world.client.get(saved.headers["location"])
    assert "Đã lưu" in after.text and "2025-03-01" in after.text and "Phiên bản 2" in after.text
    stale = world.client.post(f"/records/{record_id}/fields/date_received",
                              data={**form, "value": "02/03/2025", "csrf": token})
    assert stale.status_code == 409 and "người khác sửa" in stale.text
    old = world.client.get(f"/records/{record_id}", params={"version": 1})
    assert "phiên bản 1 (cũ)" in old.text and "HỒ SƠ VÀ" in old.text
    history = world.client.get(f"/records/{record_id}/history")
    assert history.status_code == 200 and "Hiệu đính" in history.text and "can-bo-1" in history.text


def test_citizen_sees_own_papers_with_expiry_and_no_review_forms(world):
    log_in(world, "a")
    papers = world.client.get("/papers")
    assert papers.status_code == 200 and "Giấy tờ của tôi" in papers.text
    assert papers.text.count('<li class="paper') == 3 and "Hết hiệu lực" in papers.text
    record = world.client.get(f"/records/{world.id('a_card')}")
    assert 'name="action"' not in record.text and "Dùng lại cho hồ sơ mới" in record.text
    assert world.client.get(f"/records/{world.id('a_card')}/history").status_code == 403
    assert world.client.get("/search", params={"q": "Bình"}).text.count('class="hit"') == 0


def test_citizen_reuses_a_paper_through_the_form(world):
    log_in(world, "a")
    record_id = world.id("a_card")
    form_page = world.client.get(f"/records/{record_id}/reuse")
    token = csrf_of(form_page.text)
    data = {"dossier_code": NEW_DOSSIER, "procedure_code": "1.004884", "component_name": "Bản sao căn cước",
            "csrf": token}
    done = world.client.post(f"/records/{record_id}/reuse", data=data)
    assert done.status_code == 201 and "tái sử dụng từ kho" in done.text
    twice = world.client.post(f"/records/{record_id}/reuse", data=data)
    assert twice.status_code == 409
    wrong = world.client.post(f"/records/{record_id}/reuse", data={**data, "dossier_code": "ABC"})
    assert wrong.status_code == 422 and "ABC" in wrong.text
    expired = world.client.get(f"/records/{world.id('a_residence')}/reuse")
    assert "hết hiệu lực" in expired.text and 'name="dossier_code"' not in expired.text
    mine = world.client.get("/dossiers", params={"code": NEW_DOSSIER})
    assert mine.status_code == 200 and "Bản sao căn cước" in mine.text and "Kiểm tra" not in mine.text


def test_officer_opens_a_dossier_and_checks_its_papers(world):
    world.post("a", "/api/reuse", json={"record_id": world.id("a_card"), "dossier_code": NEW_DOSSIER,
                                        "procedure_code": "1.004884", "component_name": "Bản sao căn cước"})
    log_in(world, "officer")
    page = world.client.get("/dossiers", params={"code": NEW_DOSSIER})
    assert "tái sử dụng từ kho" in page.text and PERSON_A in page.text
    checked = world.client.post("/dossiers/verify", data={"code": NEW_DOSSIER, "csrf": csrf_of(page.text)})
    assert checked.status_code == 200 and "khớp SHA-256" in checked.text
    missing = world.client.get("/dossiers", params={"code": "000.00.31.H79-250401-0099"})
    assert missing.status_code == 404


def test_pages_show_errors_in_vietnamese_html(world):
    log_in(world, "a")
    response = world.client.get("/records/" + "0" * 64)
    assert response.status_code == 404 and "Không tìm thấy" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_instants_are_shown_in_vietnam_time_and_dates_as_dd_mm_yyyy():
    from service.pages import vietnamese_date

    assert vietnamese_date("2026-11-23T03:23:00+00:00") == "23/11/2026 10:23"
    assert vietnamese_date("2026-11-23T23:30:00+07:00") == "23/11/2026 23:30"
    assert vietnamese_date("2003-05-15") == "15/05/2003"
    assert vietnamese_date(None) == "—"
