"""The per-field matching policy table (data/reference/fields.yaml): shipped content and validation."""

import pytest
import yaml

import matcher
from matcher.knowledge.fields import FIELDS_FILE, factor, field_policies, load_field_policies


def test_the_shipped_table():
    policies = field_policies()
    assert [(p.field, p.column, p.label) for p in policies] == [
        ("name", "company_name", "名称"),
        ("intro", "intro", "简介"),
        ("scope", "scope", "经营范围"),
    ]
    name, intro, scope = policies
    assert intro.clauses is not None and name.clauses is None and scope.clauses is None
    assert name.leaders and name.exclusions_spread and not intro.leaders
    assert [factor(p.weight, matcher.DEFAULTS) for p in policies] == [
        matcher.DEFAULTS.name_weight,
        matcher.DEFAULTS.intro_weight,
        matcher.DEFAULTS.scope_weight,
    ]
    assert factor(scope.vertical_damp, matcher.DEFAULTS, 1.0) == 1.0  # null: the step does not apply
    # a registered scope is damped only by a business a description states (not by a vertical word in the name)
    assert factor(scope.stated_damp, matcher.DEFAULTS) == matcher.DEFAULTS.vertical_factor
    assert name.stated_damp is None and intro.stated_damp is None


def _raw():
    return yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))


def _broken(tmp_path, change):
    data = _raw()
    change(data)
    path = tmp_path / "fields.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change,where",
    [
        (lambda d: d["fields"][0].update(weight="name_wieght"), "fields.name.weight"),
        (lambda d: d["fields"][0].update(weight="w_fit"), "fields.name.weight"),  # a rank-stage setting
        (lambda d: d["fields"][2].update(alone=-1), "fields.scope.alone"),
        (lambda d: d["fields"][1]["clauses"].pop("method"), "fields.intro.clauses"),
        (lambda d: d["fields"][1]["clauses"].update(head=True), "fields.intro.clauses.head"),
        (lambda d: d["fields"][2].update(vertical_cue="sometimes"), "fields.scope.vertical_cue"),
        (lambda d: d["fields"][2].update(vertical_cue="head"), "fields.scope.vertical_cue"),
        (lambda d: d["fields"][0].update(core_phrase="core_factor"), "fields.name.core_phrase"),
        (lambda d: d["fields"][0].update(read="poem"), "fields.name.read"),
        (lambda d: d["fields"][0].update(main_items="scope_main_factor"), "fields.name.main_items"),
        (lambda d: d["fields"][2].update(main_items="w_fit"), "fields.scope.main_items"),
        (lambda d: d["fields"][2].update(stated_damp="vertical_facter"), "fields.scope.stated_damp"),
        (lambda d: d["fields"][0].update(leaders="yes"), "fields.name.leaders"),
        (lambda d: d["fields"][0].pop("alone"), "fields[0].alone"),
        (lambda d: d["fields"][0].update(colour="red"), "fields[0].colour"),
        (lambda d: d["fields"][2].update(field="name"), "fields.name.field"),
        (lambda d: d["fields"][2].update(column="intro"), "fields.scope.column"),
        (lambda d: d.update(fields=[]), "fields"),
        (lambda d: d.update(fields=["name"]), "fields[0]"),
    ],
)
def test_a_broken_table_names_file_and_field(tmp_path, change, where):
    path = _broken(tmp_path, change)
    with pytest.raises(matcher.DataFileError) as exc:
        load_field_policies(path)
    assert exc.value.field == where and str(path) in str(exc.value)
    assert exc.value.problem  # a Chinese sentence saying what to fix


def test_an_unreadable_table(tmp_path):
    path = tmp_path / "fields.yaml"
    path.write_text("fields: [\n", encoding="utf-8")
    with pytest.raises(matcher.DataFileError, match="YAML"):
        load_field_policies(path)
    with pytest.raises(matcher.DataFileError, match="文件不存在"):
        load_field_policies(tmp_path / "missing.yaml")
