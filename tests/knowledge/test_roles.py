"""Roles are data: the shipped file loads; a broken file names the file and the field."""

import pytest

import matcher
from matcher.errors import DataFileError, MatcherError
from matcher.knowledge.roles import load_roles


def test_shipped_roles():
    roles = matcher.load_roles()
    assert roles.names == ["管理员", "链长", "招商专员", "只读"]
    assert roles.resolve("专班负责人").name == "链长"
    assert roles.admin().name == "管理员"
    assert roles.resolve("只读").leads == "none" and roles.resolve("招商专员").leads == "own"
    with pytest.raises(MatcherError, match="不是可用的角色"):
        roles.resolve("超级用户")


@pytest.mark.parametrize(
    "body, field",
    [
        ("roles: []", "roles"),
        ("roles:\n  - {name: 甲, read: some, leads: none, may: [users]}", "roles[0].read"),
        ("roles:\n  - {name: 甲, read: all, leads: mine, may: [users]}", "roles[0].leads"),
        ("roles:\n  - {name: 甲, read: all, leads: none, may: [fly]}", "roles[0].may"),
        ("roles:\n  - {name: 甲, read: all, leads: none, may: []}", "roles"),
        (
            "roles:\n  - {name: 甲, read: all, leads: none, may: [users]}\n  - {name: 甲, read: all, leads: none}",
            "roles[1].aliases",
        ),
    ],
)
def test_broken_roles_name_file_and_field(tmp_path, body, field):
    path = tmp_path / "roles.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_roles(path)
    assert "roles.yaml" in str(err.value) and field in str(err.value)
