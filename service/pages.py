"""The web pages, in Vietnamese: server-rendered templates over the same operations as the API.

No build step and no CDN (counter machines have no internet): Jinja2 templates and one
stylesheet. Forms that change something carry a token derived from the login cookie,
so another site cannot submit them in an officer's name.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ocr.classify import OTHER, TITLES
from search.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, Filters

from service import audit, operations, records, reuse
from service.auth import CITIZEN, OFFICER, AuthError, Principal
from service.context import COOKIE, ServicesDep, authenticate, client_address, presented_token
from service.operations import Caller
from service.searching import SearchRequest
from service.services import Services

DOC_TYPES = (*TITLES, OTHER)  # every kind the classifier knows, for the type filter
PAGE_SIZE = 20
PERSONAL_NUMBER = re.compile(r"[0-9]{12}")

DOC_TYPE_LABELS = {
    "cccd": "Căn cước công dân",
    "cmnd": "Chứng minh nhân dân",
    "birth_certificate": "Giấy khai sinh",
    "marriage_certificate": "Giấy chứng nhận kết hôn",
    "residence_confirmation": "Xác nhận thông tin về cư trú",
    "business_registration": "Giấy chứng nhận đăng ký doanh nghiệp",
    "land_use_certificate": "Giấy chứng nhận quyền sử dụng đất",
    "dossier_receipt": "Giấy tiếp nhận hồ sơ",
    "application_form": "Tờ khai, đơn",
    "other": "Giấy tờ khác",
}
FIELD_LABELS = {
    "id_number": "Số định danh cá nhân", "full_name": "Họ và tên", "date_of_birth": "Ngày sinh",
    "sex": "Giới tính", "nationality": "Quốc tịch", "ethnicity": "Dân tộc", "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú", "place_of_birth": "Nơi sinh", "date_of_issue": "Ngày cấp",
    "date_of_expiry": "Có giá trị đến", "mrz": "Vùng đọc máy (MRZ)", "father_name": "Họ tên cha",
    "mother_name": "Họ tên mẹ", "husband_name": "Họ tên chồng", "wife_name": "Họ tên vợ",
    "husband_id_number": "Số định danh của chồng", "wife_id_number": "Số định danh của vợ",
    "date_of_registration": "Ngày đăng ký", "enterprise_code": "Mã số doanh nghiệp",
    "enterprise_name": "Tên doanh nghiệp", "date_of_first_registration": "Ngày đăng ký lần đầu",
    "head_office_address": "Địa chỉ trụ sở chính", "legal_representative": "Người đại diện theo pháp luật",
    "certificate_serial": "Số phát hành", "owner_name": "Người sử dụng đất", "parcel_number": "Thửa đất số",
    "map_sheet_number": "Tờ bản đồ số", "land_address": "Địa chỉ thửa đất", "area_m2": "Diện tích (m²)",
    "dossier_code": "Mã hồ sơ", "procedure_code": "Mã thủ tục", "procedure_name": "Tên thủ tục",
    "date_received": "Ngày nhận hồ sơ", "date_of_return": "Ngày hẹn trả kết quả",
}
ACTION_LABELS = {
    "search": "Tìm kiếm", "view": "Xem", "download": "Tải xuống", "reuse": "Tái sử dụng",
    "correction": "Hiệu đính", "dossier": "Xem hồ sơ", "verify": "Kiểm tra toàn vẹn",
}


def highlight(snippet: str) -> Markup:
    """The index's «» markers as <mark>, everything else escaped."""
    return Markup(str(escape(snippet)).replace(HIGHLIGHT_OPEN, "<mark>").replace(HIGHLIGHT_CLOSE, "</mark>"))


VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")


def vietnamese_date(value: Any) -> str:
    """ISO dates and instants as a Vietnamese reader writes them (dd/mm/yyyy), instants in Vietnam's time:
    a record ingested on a server running in UTC would otherwise show a clock seven hours off."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        if "T" in value:
            instant = dt.datetime.fromisoformat(value)
            if instant.tzinfo is not None:
                instant = instant.astimezone(VIETNAM_TIME)
            return f"{instant:%d/%m/%Y %H:%M}"
        return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
    except ValueError:
        return value


TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters.update(
    marks=highlight,
    vn_date=vietnamese_date,
    doc_label=lambda key: DOC_TYPE_LABELS.get(key or "other", key),
    field_label=lambda key: FIELD_LABELS.get(key, key),
    action_label=lambda key: ACTION_LABELS.get(key, key),
)

router = APIRouter(include_in_schema=False)


class LoginRequiredError(Exception):
    """A page was asked for without a valid login; the app answers with the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_caller(request: Request, services: ServicesDep) -> Caller:
    try:
        principal = authenticate(request, services)
    except AuthError as error:
        raise LoginRequiredError(request.url.path + (f"?{request.url.query}" if request.url.query else "")) from error
    return Caller(principal, client_address(request))


PageCaller = Annotated[Caller, Depends(page_caller)]


def require_role(caller: Caller, role: str) -> None:
    if caller.principal.role != role:
        message = "Trang này chỉ dành cho cán bộ." if role == OFFICER else "Trang này chỉ dành cho công dân."
        raise HTTPException(status.HTTP_403_FORBIDDEN, message)


def check_csrf(request: Request, services: Services, csrf: str) -> None:
    token = presented_token(request)
    if token is None or not hmac.compare_digest(csrf.encode(), services.csrf_token(token).encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Phiên làm việc không hợp lệ: hãy tải lại trang rồi thử lại.")


def render(request: Request, services: Services, template: str, *, caller: Caller | None = None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    token = presented_token(request)
    return TEMPLATES.TemplateResponse(request, template, {
        "me": caller.principal if caller else None,
        "csrf": services.csrf_token(token) if token and caller else "",
        **context,
    }, status_code=status_code)


def home_for(principal: Principal) -> str:
    return "/papers" if principal.role == CITIZEN else "/search"


def safe_next(path: str) -> str | None:
    """Only paths on this site, so the login page cannot be used to send people elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/")
def home(request: Request, services: ServicesDep) -> RedirectResponse:
    try:
        principal = authenticate(request, services)
    except AuthError:
        return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    return RedirectResponse(home_for(principal), status.HTTP_303_SEE_OTHER)


@router.get("/login")
def login_page(request: Request, services: ServicesDep, next: str = "") -> HTMLResponse:  # noqa: A002
    return render(request, services, "login.html", next=safe_next(next) or "",
                  demo=services.settings.demo_login and services.issuer is not None)


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    token: Annotated[str, Form(max_length=8192)] = "",
    demo: Annotated[str, Form(max_length=10)] = "",
    personal_number: Annotated[str, Form(max_length=20)] = "",
    officer_name: Annotated[str, Form(max_length=80)] = "",
    agency: Annotated[str, Form(max_length=40)] = "",
    next: Annotated[str, Form(max_length=500)] = "",  # noqa: A002
) -> Response:
    """Take a token (or mint a demo one) and keep it in an HttpOnly cookie, out of reach of page scripts."""
    demo_allowed = services.settings.demo_login and services.issuer is not None
    try:
        if demo:
            token = _demo_token(services, demo_allowed, demo, personal_number.strip(), officer_name.strip(),
                                agency.strip())
        principal = services.verifier.verify(token.strip())
    except AuthError as error:
        return render(request, services, "login.html", status_code=status.HTTP_401_UNAUTHORIZED, next=safe_next(next),
                      demo=demo_allowed, error=str(error))
    response = RedirectResponse(safe_next(next) or home_for(principal), status.HTTP_303_SEE_OTHER)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="lax", secure=services.settings.cookie_secure)
    return response


def _demo_token(services: Services, allowed: bool, role: str, personal_number: str, officer_name: str,
                agency: str) -> str:
    if not allowed or services.issuer is None:
        raise AuthError("Đăng nhập thử không được bật trên máy chủ này (SOHOA_DEMO_LOGIN).")
    if role == CITIZEN:
        if not PERSONAL_NUMBER.fullmatch(personal_number):
            raise AuthError("Số định danh cá nhân gồm 12 chữ số.")
        return services.issuer.mint(subject=personal_number, role=CITIZEN, personal_number=personal_number)
    if role == OFFICER and officer_name:
        return services.issuer.mint(subject=officer_name, role=OFFICER, agency=agency or None, name=officer_name)
    raise AuthError("Hãy nhập tên cán bộ.")


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE)
    return response


@router.get("/search")
def search_page(
    request: Request,
    services: ServicesDep,
    caller: PageCaller,
    q: Annotated[str, Query(max_length=500)] = "",
    doc_type: Annotated[str, Query(max_length=40)] = "",
    owner_id: Annotated[str, Query(max_length=20)] = "",
    dossier_code: Annotated[str, Query(max_length=64)] = "",
    procedure_code: Annotated[str, Query(max_length=20)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> HTMLResponse:
    form = {"q": q, "doc_type": doc_type, "owner_id": owner_id, "dossier_code": dossier_code,
            "procedure_code": procedure_code, "date_from": date_from, "date_to": date_to}
    wanted = SearchRequest(q, Filters(owner_id=owner_id or None, doc_type=doc_type or None,
                                      dossier_code=dossier_code or None, procedure_code=procedure_code or None,
                                      date_from=_date(date_from), date_to=_date(date_to)),
                           PAGE_SIZE, (page - 1) * PAGE_SIZE)
    found = operations.search(services, caller, wanted)

    def link(**changes: Any) -> str:
        return "/search?" + urlencode({key: value for key, value in {**form, "page": page, **changes}.items() if value})

    return render(request, services, "search.html", caller=caller, form=form, found=found, page=page,
                  pages=max(1, -(-found.total // PAGE_SIZE)), link=link, doc_types=DOC_TYPES)


@router.get("/records/{ref}")
def record_page(
    request: Request, services: ServicesDep, caller: PageCaller, ref: str,
    version: Annotated[int | None, Query(ge=1)] = None,
    saved: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    record = operations.view(services, caller, _ref(ref), version)
    return _record_view(request, services, caller, record, saved=saved)


def _ref(ref: str) -> str:
    """Page URLs take the same record ids as the API; anything else cannot name a record."""
    if not re.fullmatch(records.RECORD_REF, ref):
        raise records.RecordNotFoundError()
    return ref


def _record_view(request: Request, services: Services, caller: Caller, record: dict[str, Any], *,
                 status_code: int = 200, **context: Any) -> HTMLResponse:
    history = records.list_versions(services.store, record["id"])
    current = history[-1]["version"]
    return render(request, services, "record.html", caller=caller, status_code=status_code, record=record,
                  versions=history, is_current=records.version_of(record) == current,
                  validity=reuse.validity(record, dt.date.today()),
                  correctable=records.correctable_fields(record), **context)


@router.post("/records/{ref}/fields/{field}")
def review_field(
    request: Request,
    services: ServicesDep,
    caller: PageCaller,
    ref: str,
    field: str,
    action: Annotated[str, Form(pattern="^(confirm|correct)$")],
    version: Annotated[int, Form(ge=1)],
    csrf: Annotated[str, Form(max_length=100)],
    value: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    require_role(caller, OFFICER)
    check_csrf(request, services, csrf)
    try:
        revised = operations.review(services, caller, _ref(ref), field, action="confirm" if action == "confirm"
                                    else "correct", value=value, version=version)
    except (records.VersionConflictError, records.FieldRejectedError) as error:
        conflict = isinstance(error, records.VersionConflictError)
        record = operations.view(services, caller, ref)
        message = ("Hồ sơ đã được người khác sửa trong lúc bạn xem; đây là phiên bản mới nhất, hãy kiểm tra lại."
                   if conflict else f"Giá trị không hợp lệ: {error}")
        return _record_view(request, services, caller, record, error=message, error_field=field,
                            status_code=status.HTTP_409_CONFLICT if conflict else status.HTTP_422_UNPROCESSABLE_CONTENT)
    return RedirectResponse(f"/records/{revised['id']}?saved={field}", status.HTTP_303_SEE_OTHER)


@router.get("/records/{ref}/history")
def history_page(request: Request, services: ServicesDep, caller: PageCaller, ref: str) -> HTMLResponse:
    require_role(caller, OFFICER)
    record = operations.readable(services, caller, _ref(ref), audit.VIEW)
    return render(request, services, "history.html", caller=caller, record=record,
                  events=services.audit.history(record["id"]))


@router.get("/papers")
def papers_page(request: Request, services: ServicesDep, caller: PageCaller) -> HTMLResponse:
    require_role(caller, CITIZEN)
    total, papers = operations.my_papers(services, caller, limit=100, offset=0)
    return render(request, services, "papers.html", caller=caller, total=total, papers=papers)


@router.get("/records/{ref}/reuse")
def reuse_form(request: Request, services: ServicesDep, caller: PageCaller, ref: str) -> HTMLResponse:
    require_role(caller, CITIZEN)
    record = operations.view(services, caller, _ref(ref))
    return render(request, services, "reuse.html", caller=caller, record=record,
                  validity=reuse.validity(record, dt.date.today()), form={})


@router.post("/records/{ref}/reuse")
def reuse_submit(
    request: Request,
    services: ServicesDep,
    caller: PageCaller,
    ref: str,
    csrf: Annotated[str, Form(max_length=100)],
    dossier_code: Annotated[str, Form(max_length=64)] = "",
    procedure_code: Annotated[str, Form(max_length=20)] = "",
    component_name: Annotated[str, Form(max_length=reuse.MAX_COMPONENT_NAME)] = "",
) -> HTMLResponse:
    require_role(caller, CITIZEN)
    check_csrf(request, services, csrf)
    form = {"dossier_code": dossier_code, "procedure_code": procedure_code, "component_name": component_name}
    try:
        link = operations.reuse_paper(services, caller, _ref(ref), dossier_code=dossier_code.strip(),
                                      procedure_code=procedure_code.strip(), component_name=component_name)
    except (reuse.ReuseRefusedError, reuse.AlreadyLinkedError) as error:
        record = operations.readable(services, caller, ref, audit.REUSE)
        return render(request, services, "reuse.html", caller=caller, record=record, form=form, error=str(error),
                      validity=reuse.validity(record, dt.date.today()),
                      status_code=status.HTTP_409_CONFLICT if isinstance(error, reuse.AlreadyLinkedError)
                      else status.HTTP_422_UNPROCESSABLE_CONTENT)
    return render(request, services, "reuse.html", caller=caller, record=None, link=link, form=form,
                  status_code=status.HTTP_201_CREATED)


@router.get("/dossiers")
def dossier_page(request: Request, services: ServicesDep, caller: PageCaller,
                 code: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    if not code:
        return render(request, services, "dossier.html", caller=caller, code="", links=None)
    try:
        links = operations.dossier(services, caller, code.strip())
    except (operations.NothingVisibleError, reuse.ReuseRefusedError) as error:
        return render(request, services, "dossier.html", caller=caller, code=code, links=None,
                      error=str(error), status_code=status.HTTP_404_NOT_FOUND)
    return render(request, services, "dossier.html", caller=caller, code=code.strip(), links=links)


@router.post("/dossiers/verify")
def dossier_verify(
    request: Request,
    services: ServicesDep,
    caller: PageCaller,
    code: Annotated[str, Form(max_length=64)],
    csrf: Annotated[str, Form(max_length=100)],
) -> HTMLResponse:
    require_role(caller, OFFICER)
    check_csrf(request, services, csrf)
    results = operations.verify_dossier(services, caller, code.strip())
    return render(request, services, "dossier.html", caller=caller, code=code.strip(),
                  links=[link for link, _ in results], checks={link["record_id"]: result for link, result in results})
