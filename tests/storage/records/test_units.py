"""The unit tree: subtrees by recursive CTE on both databases."""

from __future__ import annotations

from storage.records import Database, Unit, is_in_subtree, unit_subtree_ids


def _tree(db: Database) -> dict[str, int]:
    """city -> {district A -> {ward A1, ward A2}, district B -> {ward B1}}."""
    with db.session() as session:
        city = Unit(code="HN", name="UBND thành phố Hà Nội")
        a = Unit(code="HK", name="UBND quận Hoàn Kiếm", parent=city)
        b = Unit(code="BĐ", name="UBND quận Ba Đình", parent=city)
        a1 = Unit(code="HK-HB", name="UBND phường Hàng Bạc", parent=a)
        a2 = Unit(code="HK-HT", name="UBND phường Hàng Trống", parent=a)
        b1 = Unit(code="BĐ-ĐC", name="UBND phường Điện Biên", parent=b)
        session.add_all([city, a, b, a1, a2, b1])
        session.flush()
        return {u.code: u.id for u in (city, a, b, a1, a2, b1)}


def test_subtree_of_each_level(db: Database) -> None:
    ids = _tree(db)
    with db.session() as session:
        assert unit_subtree_ids(session, ids["HN"]) == set(ids.values())
        assert unit_subtree_ids(session, ids["HK"]) == {ids["HK"], ids["HK-HB"], ids["HK-HT"]}
        assert unit_subtree_ids(session, ids["BĐ"]) == {ids["BĐ"], ids["BĐ-ĐC"]}
        assert unit_subtree_ids(session, ids["HK-HB"]) == {ids["HK-HB"]}
        assert unit_subtree_ids(session, 999_999) == set()


def test_is_in_subtree(db: Database) -> None:
    ids = _tree(db)
    with db.session() as session:
        assert is_in_subtree(session, ids["HN"], ids["HK-HB"])
        assert is_in_subtree(session, ids["HK"], ids["HK-HB"])
        assert is_in_subtree(session, ids["HK-HB"], ids["HK-HB"])
        assert not is_in_subtree(session, ids["BĐ"], ids["HK-HB"])
        assert not is_in_subtree(session, ids["HK-HB"], ids["HK"])
        assert not is_in_subtree(session, ids["HK"], 999_999)


def test_a_cycle_does_not_hang(db: Database) -> None:
    ids = _tree(db)
    with db.session() as session:
        city = session.get(Unit, ids["HN"])
        assert city is not None
        city.parent_id = ids["HK-HB"]
    with db.session() as session:
        assert unit_subtree_ids(session, ids["HK"]) == set(ids.values())
        assert not is_in_subtree(session, ids["BĐ-ĐC"], ids["HK"])
