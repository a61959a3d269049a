"""The administration pages: units and users of the administrator's part of the unit tree,
added, disabled, enabled, given a new password or role through the forms; every change
audited; another part of the tree is not found; other roles are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from api.runtime import open_runtime
from storage.accounts import create_unit, create_user
from storage.records import AuditAction, AuditEntry, Unit, User
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, web_client


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A province with a district and a commune below it; an administrator at the top,
    one at the commune, an intake clerk at the commune and one in the province."""
    settings = make_settings("embedded", tmp_path_factory.mktemp("admin"))
    runtime = open_runtime(settings)
    with runtime.db.session() as session:
        create_unit(session, "TINH", "Ủy ban nhân dân tỉnh Bắc Ninh")
        create_unit(session, "SO-NV", "Sở Nội vụ", "TINH")
        create_unit(session, "XA-TL", "Ủy ban nhân dân xã Tân Lập", "SO-NV")
        for username, role, unit in (("quantri", "admin", "TINH"), ("qtxa", "admin", "XA-TL"),
                                     ("tiepnhan", "intake", "XA-TL"),
                                     ("canbotinh", "intake", "TINH")):
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=f"Cán bộ {username}")
    try:
        with web_client(runtime) as client:
            yield Web(runtime=runtime, client=client)
    finally:
        runtime.close()


def _logout(web: Web) -> None:
    web.client.post("/logout", data={"csrf": web.csrf("/")})
    web.client.cookies.clear()


def _user_id(web: Web, username: str) -> int:
    with web.runtime.db.session() as session:
        found = session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def _audited(web: Web, action: AuditAction, subject_id: int) -> bool:
    with web.runtime.db.session() as session:
        return session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == str(action),
            AuditEntry.subject_id == str(subject_id))) is not None


def _login_status(web: Web, username: str, password: str) -> int:
    token = web.csrf("/login")
    answer = web.client.post("/login", data={"csrf": token, "username": username,
                                             "password": password, "next": "/"})
    return answer.status_code


def test_the_admin_adds_a_unit_below_one_they_manage(office: Web) -> None:
    office.login("quantri")
    page = office.client.get("/ui/admin/units")
    assert page.status_code == 200
    assert "Sở Nội vụ" in page.text
    assert "XA-TL" in page.text
    csrf = office.csrf("/ui/admin/units")
    added = office.client.post("/ui/admin/units", data={
        "csrf": csrf, "code": "XA-BM", "name": "Ủy ban nhân dân xã Bình Minh",
        "parent_code": "SO-NV"})
    assert added.status_code == 303
    listed = office.client.get("/ui/admin/units")
    assert "Ủy ban nhân dân xã Bình Minh" in listed.text
    assert "Đã thêm đơn vị." in listed.text
    with office.runtime.db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "XA-BM"))
        assert unit is not None
        assert unit.parent is not None
        assert unit.parent.code == "SO-NV"
        assert _audited(office, AuditAction.unit_created, unit.id)
    twice = office.client.post("/ui/admin/units", data={
        "csrf": csrf, "code": "XA-BM", "name": "Lần nữa", "parent_code": "SO-NV"})
    assert twice.status_code == 409
    assert 'id="code-error"' in twice.text
    assert "Đã có đơn vị với mã này." in twice.text
    _logout(office)


def test_the_admin_adds_a_user_who_can_then_log_in(office: Web) -> None:
    office.login("quantri")
    csrf = office.csrf("/ui/admin/users")
    short = office.client.post("/ui/admin/users", data={
        "csrf": csrf, "username": "moi", "password": "ngắn", "role": "clerk",
        "unit_code": "XA-TL", "full_name": "Lê Văn Mới"})
    assert short.status_code == 422
    assert 'id="password-error"' in short.text
    assert "ít nhất 8 ký tự" in short.text
    assert 'value="Lê Văn Mới"' in short.text  # the form keeps what was typed
    taken = office.client.post("/ui/admin/users", data={
        "csrf": csrf, "username": "tiepnhan", "password": PASSWORD, "role": "clerk",
        "unit_code": "XA-TL"})
    assert taken.status_code == 409
    assert 'id="username-error"' in taken.text
    added = office.client.post("/ui/admin/users", data={
        "csrf": csrf, "username": "moi", "password": PASSWORD, "role": "clerk",
        "unit_code": "XA-TL", "full_name": "Lê Văn Mới"})
    assert added.status_code == 303
    listed = office.client.get("/ui/admin/users")
    assert 'data-username="moi"' in listed.text
    assert "Lê Văn Mới" in listed.text
    user_id = _user_id(office, "moi")
    assert _audited(office, AuditAction.user_created, user_id)
    _logout(office)
    assert _login_status(office, "moi", PASSWORD) == 303
    _logout(office)


def test_a_disabled_user_cannot_log_in_and_their_session_ends(office: Web) -> None:
    office.login("tiepnhan")
    session_cookie = office.client.cookies.get("sohoa_session")
    assert office.client.get("/").status_code == 200
    office.client.cookies.clear()
    office.login("quantri")
    user_id = _user_id(office, "tiepnhan")
    csrf = office.csrf(f"/ui/admin/users/{user_id}")
    done = office.client.post(f"/ui/admin/users/{user_id}/active",
                              data={"csrf": csrf, "active": "false"})
    assert done.status_code == 303
    page = office.client.get(f"/ui/admin/users/{user_id}")
    assert "Đã khóa" in page.text
    assert _audited(office, AuditAction.user_disabled, user_id)
    admin_cookie = office.client.cookies.get("sohoa_session")
    office.client.cookies.clear()
    assert session_cookie
    office.client.cookies.set("sohoa_session", session_cookie)
    assert office.client.get("/").status_code == 303  # the open session no longer works
    office.client.cookies.clear()
    assert _login_status(office, "tiepnhan", PASSWORD) == 401
    assert admin_cookie
    office.client.cookies.set("sohoa_session", admin_cookie)
    again = office.client.post(f"/ui/admin/users/{user_id}/active",
                               data={"csrf": csrf, "active": "true"})
    assert again.status_code == 303
    assert _audited(office, AuditAction.user_enabled, user_id)
    _logout(office)
    assert _login_status(office, "tiepnhan", PASSWORD) == 303
    _logout(office)


def test_the_admin_resets_a_password_and_changes_a_role(office: Web) -> None:
    office.login("quantri")
    user_id = _user_id(office, "canbotinh")
    csrf = office.csrf(f"/ui/admin/users/{user_id}")
    short = office.client.post(f"/ui/admin/users/{user_id}/password",
                               data={"csrf": csrf, "password": "1234"})
    assert short.status_code == 422
    assert 'id="password-error"' in short.text
    reset = office.client.post(f"/ui/admin/users/{user_id}/password",
                               data={"csrf": csrf, "password": "mật-khẩu-mới-dài"})
    assert reset.status_code == 303
    assert _audited(office, AuditAction.password_reset, user_id)
    role = office.client.post(f"/ui/admin/users/{user_id}/role",
                              data={"csrf": csrf, "role": "leader"})
    assert role.status_code == 303
    page = office.client.get(f"/ui/admin/users/{user_id}")
    assert "Đã đổi vai trò." in page.text
    assert "Lãnh đạo" in page.text
    assert _audited(office, AuditAction.role_changed, user_id)
    with office.runtime.db.session() as session:
        assert session.scalar(select(User.role).where(User.id == user_id)) == "leader"
    _logout(office)
    assert _login_status(office, "canbotinh", PASSWORD) == 401
    assert _login_status(office, "canbotinh", "mật-khẩu-mới-dài") == 303
    _logout(office)


def test_an_admin_of_a_child_unit_does_not_see_the_parents_users(office: Web) -> None:
    office.login("qtxa")
    users = office.client.get("/ui/admin/users")
    assert users.status_code == 200
    assert 'data-username="tiepnhan"' in users.text
    assert 'data-username="quantri"' not in users.text
    assert 'data-username="canbotinh"' not in users.text
    units = office.client.get("/ui/admin/units")
    assert "XA-TL" in units.text
    assert "Sở Nội vụ" not in units.text
    parent_user = _user_id(office, "canbotinh")
    assert office.client.get(f"/ui/admin/users/{parent_user}").status_code == 404
    csrf = office.csrf("/ui/admin/users")
    for action, data in (("active", {"active": "false"}), ("role", {"role": "admin"}),
                         ("password", {"password": "một-mật-khẩu-khác"})):
        touched = office.client.post(f"/ui/admin/users/{parent_user}/{action}",
                                     data={"csrf": csrf, **data})
        assert touched.status_code == 404, action
    outside = office.client.post("/ui/admin/users", data={
        "csrf": csrf, "username": "lachdong", "password": PASSWORD, "role": "admin",
        "unit_code": "TINH"})
    assert outside.status_code == 422
    assert 'id="unit_code-error"' in outside.text
    with office.runtime.db.session() as session:
        assert session.scalar(select(User).where(User.username == "lachdong")) is None
        assert session.scalar(select(User.active).where(User.id == parent_user)) is True
    _logout(office)


def test_other_roles_are_refused_the_admin_pages(office: Web) -> None:
    office.login("moi")
    for path in ("/ui/admin/units", "/ui/admin/users", "/ui/admin/users/1"):
        assert office.client.get(path).status_code == 403, path
    csrf = office.csrf("/")
    refused = office.client.post("/ui/admin/units", data={
        "csrf": csrf, "code": "X", "name": "X", "parent_code": "XA-TL"})
    assert refused.status_code == 403
    _logout(office)
    assert office.client.get("/ui/admin/users").status_code == 303  # to the login page
