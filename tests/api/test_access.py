"""Login, roles and unit visibility through the real API, on both backend sets."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Service

PROBLEM = "application/problem+json"


def _dossier(service: Service, user: str, **extra: object) -> dict[str, object]:
    body = {"procedure_code": "1.004227", "procedure_name": "Cấp giấy phép xây dựng",
            "applicant_name": "Nguyễn Thị Hoà", "processing_days": 15, **extra}
    response = service.client.post("/dossiers", json=body, headers=service.auth(user))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_no_token_gives_401_problem(service: Service) -> None:
    response = service.client.get("/dossiers")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "log in" in response.json()["detail"]


def test_bad_or_revoked_token_gives_401(service: Service) -> None:
    bad = service.client.get("/dossiers", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    service.add_unit("LOGOUT")
    service.add_user("logout-user", "intake", "LOGOUT")
    assert service.client.get("/auth/me", headers=service.auth("logout-user")).status_code == 200
    out = service.client.post("/auth/logout", headers=service.auth("logout-user"))
    assert out.status_code == 204
    assert service.client.get("/auth/me", headers=service.auth("logout-user")).status_code == 401


def test_wrong_password_gives_401(service: Service) -> None:
    service.add_unit("PWD")
    service.add_user("pwd-user", "intake", "PWD")
    response = service.client.post("/auth/token",
                                   data={"username": "pwd-user", "password": PASSWORD + "x"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)


def test_other_units_dossier_is_404_and_parent_sees_child(service: Service) -> None:
    service.add_unit("TINH")
    service.add_unit("SO-A", parent="TINH")
    service.add_unit("SO-B", parent="TINH")
    service.add_user("intake-a", "intake", "SO-A")
    service.add_user("intake-b", "intake", "SO-B")
    service.add_user("leader-tinh", "leader", "TINH")
    dossier = _dossier(service, "intake-a")
    url = f"/dossiers/{dossier['id']}"
    assert service.client.get(url, headers=service.auth("intake-a")).status_code == 200
    other = service.client.get(url, headers=service.auth("intake-b"))
    assert other.status_code == 404
    assert other.headers["content-type"].startswith(PROBLEM)
    missing = service.client.get("/dossiers/999999", headers=service.auth("intake-b"))
    assert other.json()["detail"].split(":")[-1] == missing.json()["detail"].split(":")[-1]
    parent = service.client.get(url, headers=service.auth("leader-tinh"))
    assert parent.status_code == 200
    assert parent.json()["applicant_name"] == "Nguyễn Thị Hoà"
    listed_b = service.client.get("/dossiers", headers=service.auth("intake-b")).json()
    assert dossier["id"] not in [d["id"] for d in listed_b]


def test_role_without_right_gets_403(service: Service) -> None:
    service.add_unit("ROLE")
    service.add_user("leader-role", "leader", "ROLE")
    body = {"procedure_code": "X", "applicant_name": "A", "processing_days": 1}
    response = service.client.post("/dossiers", json=body, headers=service.auth("leader-role"))
    assert response.status_code == 403
    assert "intake" in response.json()["detail"]
    users = service.client.get("/users", headers=service.auth("leader-role"))
    assert users.status_code == 403


def test_admin_adds_users_only_in_own_subtree(service: Service) -> None:
    service.add_unit("ADM")
    service.add_unit("ADM-CHILD", parent="ADM")
    service.add_unit("ELSEWHERE")
    service.add_user("admin-adm", "admin", "ADM")
    ok = service.client.post("/users", headers=service.auth("admin-adm"), json={
        "username": "new-clerk", "password": PASSWORD, "role": "clerk", "unit_code": "ADM-CHILD"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["role"] == "clerk"
    assert "password" not in ok.text
    denied = service.client.post("/users", headers=service.auth("admin-adm"), json={
        "username": "intruder", "password": PASSWORD, "role": "admin", "unit_code": "ELSEWHERE"})
    assert denied.status_code == 403
    login = service.client.post("/auth/token", data={"username": "new-clerk",
                                                      "password": PASSWORD})
    assert login.status_code == 200


def test_validation_error_is_problem_json(service: Service) -> None:
    service.add_unit("VAL")
    service.add_user("intake-val", "intake", "VAL")
    response = service.client.post("/dossiers", json={"procedure_code": "X"},
                                   headers=service.auth("intake-val"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "applicant_name" in response.json()["detail"]


def test_openapi_and_health_need_no_login(service: Service) -> None:
    spec = service.client.get("/openapi.json")
    assert spec.status_code == 200
    assert "/dossiers/{dossier_id}" in spec.json()["paths"]
    assert service.client.get("/health").status_code in (200, 503)


def test_due_date_skips_weekends(service: Service) -> None:
    service.add_unit("DUE")
    service.add_user("intake-due", "intake", "DUE")
    dossier = _dossier(service, "intake-due", processing_days=5)
    from datetime import date

    received = date.fromisoformat(str(dossier["received_at"])[:10])
    due = date.fromisoformat(str(dossier["due_date"]))
    assert due.weekday() < 5
    assert 5 <= (due - received).days <= 9
