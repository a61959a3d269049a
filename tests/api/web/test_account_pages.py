"""Sign-in for people: the first-run set-up, login with throttling, the session cookie,
CSRF on every form, logout, error pages in Vietnamese, and the two edges' credentials kept
apart (the cookie does not open the JSON API, a bearer token does not open a page)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from storage.accounts import create_user
from storage.records import AuditEntry, User
from tests.api.conftest import PASSWORD
from tests.api.web.conftest import Web, web_client

ADMIN_PASSWORD = "mật-khẩu-quản-trị-dài"


def test_a_fresh_installation_leads_to_the_first_run_set_up(web: Web) -> None:
    home = web.client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/setup"
    page = web.client.get("/setup")
    assert page.status_code == 200
    assert "Thiết lập lần đầu" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_the_set_up_answers_only_loopback(web: Web) -> None:
    with TestClient(create_app(web.runtime.settings, web.runtime),
                    follow_redirects=False) as remote:  # client address "testclient"
        page = remote.get("/setup")
        assert page.status_code == 403
        assert "127.0.0.1" in page.text
        assert 'name="password"' not in page.text


def test_set_up_creates_the_admin_and_logs_them_in(web: Web) -> None:
    csrf = web.csrf("/setup")
    mismatch = web.client.post("/setup", data={
        "csrf": csrf, "unit_code": "TINH", "unit_name": "Ủy ban nhân dân tỉnh",
        "username": "quantri", "password": ADMIN_PASSWORD, "password_again": "khác-hẳn"})
    assert mismatch.status_code == 422
    assert "Hai mật khẩu không khớp." in mismatch.text
    done = web.client.post("/setup", data={
        "csrf": csrf, "unit_code": "TINH", "unit_name": "Ủy ban nhân dân tỉnh",
        "username": "quantri", "password": ADMIN_PASSWORD, "password_again": ADMIN_PASSWORD})
    assert done.status_code == 303
    cookie = next(value for name, value in done.headers.multi_items()
                  if name == "set-cookie" and value.startswith("sohoa_session="))
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    home = web.client.get("/")
    assert home.status_code == 200
    assert "Ủy ban nhân dân tỉnh" in home.text
    assert "Quản trị" in home.text
    with web.runtime.db.session() as session:
        admin = session.query(User).filter_by(username="quantri").one()
        assert admin.role == "admin"
    assert web.client.get("/setup").status_code == 303  # set up once only
    # the cookie opens pages, never the JSON API
    assert web.client.get("/auth/me").status_code == 401
    web.client.post("/logout", data={"csrf": web.csrf("/")})


def test_a_form_without_its_csrf_token_is_refused(web: Web) -> None:
    web.login("quantri", ADMIN_PASSWORD)
    refused = web.client.post("/logout", data={})
    assert refused.status_code == 403
    assert "Biểu mẫu đã hết hạn" in refused.text
    wrong = web.client.post("/logout", data={"csrf": "0" * 64})
    assert wrong.status_code == 403
    assert web.client.get("/").status_code == 200  # still logged in
    web.client.post("/logout", data={"csrf": web.csrf("/")})


def test_logout_revokes_the_session(web: Web) -> None:
    web.login("quantri", ADMIN_PASSWORD)
    token = web.client.cookies.get("sohoa_session")
    assert token
    out = web.client.post("/logout", data={"csrf": web.csrf("/")})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    web.client.cookies.set("sohoa_session", token)  # a copied cookie no longer works
    again = web.client.get("/")
    assert again.status_code == 303
    assert again.headers["location"] == "/login"
    web.client.cookies.clear()


def test_wrong_passwords_lock_the_login_form_as_the_api(web: Web) -> None:
    with web.runtime.db.session() as session:
        create_user(session, username="tiepnhan", password=PASSWORD, role="intake",
                    unit_code="TINH")
    policy = web.runtime.settings.login_policy()
    for _ in range(policy.account.max_failures):
        failed = web.client.post("/login", data={"csrf": web.csrf("/login"),
                                                 "username": "tiepnhan", "password": "sai"})
        assert failed.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu." in failed.text
    locked = web.client.post("/login", data={"csrf": web.csrf("/login"),
                                             "username": "tiepnhan", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Đã nhập sai quá nhiều lần" in locked.text
    with web.runtime.db.session() as session:
        failures = session.query(AuditEntry).filter_by(action="login_failed").count()
    assert failures >= policy.account.max_failures


def test_a_bearer_token_does_not_open_pages_and_errors_are_pages(web: Web) -> None:
    with web_client(web.runtime) as api:
        token = api.post("/auth/token", data={"username": "quantri",
                                              "password": ADMIN_PASSWORD}).json()
        page = api.get("/", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert page.status_code == 303
        assert page.headers["location"] == "/login"
    web.login("quantri", ADMIN_PASSWORD)
    missing = web.client.get("/ui/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in missing.text
    english = web.client.get("/lang/en?next=/ui/no-such-page")
    assert english.status_code == 303
    assert english.headers["location"] == "/ui/no-such-page"
    assert "Not found" in web.client.get("/ui/no-such-page").text
    web.client.get("/lang/vi?next=https://evil.example/")  # only local targets
    assert web.client.get("/lang/vi?next=//evil.example").headers["location"] == "/"
