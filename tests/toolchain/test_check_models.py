"""``dbplan check --models``: the models against the newest snapshot (exit 3 / 0)."""

from __future__ import annotations

REF = "app.models:metadata"


def test_unchanged_models_pass(scratch):
    r = scratch.run("check", "--models", REF, "--rows", "app.models:ROWS", check_rc=0)
    assert "1 snapshot valid" in r.stdout
    assert "differ" not in r.stderr


def test_one_changed_column_is_a_difference(scratch):
    scratch.write_models(extra='\n    sa.Column("symbol", sa.String(8), nullable=True),')
    r = scratch.run("check", "--models", REF, "--rows", "app.models:ROWS", check_rc=3)
    assert "schema_state/1.0.0.yaml: the models (app.models:metadata) differ" in r.stderr
    assert "symbol" in r.stderr
    fix = "dbplan snapshot --release 1.0.0 --from-models app.models:metadata --rows app.models:ROWS --force"
    assert fix in r.stderr
    assert "\n1 finding\n" in r.stderr  # one column, one finding (the fix is not counted)


def test_rows_left_out_are_a_difference_and_row_keys_are_not(scratch):
    # without --rows the snapshot's managed rows would be deleted: a difference
    r = scratch.run("check", "--models", REF, check_rc=3)
    assert "kWh" in r.stderr or "row" in r.stderr
    # a hand-written row key and a renamed_from hint in the snapshot are not differences
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    text = path.read_text()
    edited = text.replace(
        "code: {type: String(16), nullable: false}",
        "code: {type: String(16), nullable: false, renamed_from: short}",
    ).replace("key: [id]", "key: [code]")
    assert edited.count("renamed_from: short") == 1 and "key: [code]" in edited
    path.write_text(edited)
    scratch.run("generate", "empty", "1.0.0", "--replace", check_rc=0)
    scratch.run("check", "--models", REF, "--rows", "app.models:ROWS", check_rc=0)


def test_setting_in_pyproject_makes_plain_check_compare(scratch):
    pp = scratch.root / "pyproject.toml"
    pp.write_text(pp.read_text() + 'models = "app.models:metadata"\nrows = "app.models:ROWS"\n')
    scratch.run("check", check_rc=0)
    scratch.write_models(extra='\n    sa.Column("symbol", sa.String(8), nullable=True),')
    r = scratch.run("check", check_rc=3)
    assert "symbol" in r.stderr


def test_bad_setting_is_named(scratch):
    pp = scratch.root / "pyproject.toml"
    pp.write_text(pp.read_text() + "models = 3\n")
    r = scratch.run("check", check_rc=1)
    assert '[tool.dbplan] models must be "module:attr"' in r.stderr
