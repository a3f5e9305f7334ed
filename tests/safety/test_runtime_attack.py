"""Runtime attacks: secrets in URLs (issue 18 item 5), and the other runtime findings.

A password given in the URL (``user:pw@`` or ``?password=``) is never printed, by any
command, in its output or its error messages.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.safety.helpers import dbplan, inject_failure, reference_project, revision_file

SECRET = "S3cretPw-x7"


def _with_password(url: str, form: str) -> str:
    u = make_url(url)
    if form == "userinfo":
        return u.set(password=SECRET).render_as_string(hide_password=False)
    return u.update_query_dict({"password": SECRET}).render_as_string(hide_password=False)


@pytest.mark.pg
@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_url_is_never_printed_on_postgresql(pg_db, tmp_path, form):
    """The local server trusts every login, so the password is accepted and ignored."""
    url = _with_password(pg_db, form)
    root = reference_project(tmp_path / "ref")
    outputs = []
    for args, code in (
        (("setup", "-r", "0.2.0"), 0),
        (("current",), 0),
        (("upgrade", "-r", "0.3.0"), 0),
        (("drift",), 0),
        (("stamp", "0.3.0"), 0),
        (("history",), 0),
        (("downgrade", "-r", "0.2.0"), 0),
        (("verify", "--from", "0.4.0"), None),
    ):
        r = dbplan(root, *args, "--url", url, check=False)
        if code is not None:
            assert r.returncode == code, (args, r.stdout, r.stderr)
        outputs.append((args, r.stdout + r.stderr))
    inject_failure(revision_file(root, "0.3.0"))
    r = dbplan(root, "upgrade", "--url", url, check=False)
    assert r.returncode == 1
    outputs.append((("upgrade", "failing"), r.stdout + r.stderr))
    r = dbplan(root, "current", check=False, SQLALCHEMY_DATABASE_URI=url)
    outputs.append((("current", "env"), r.stdout + r.stderr))
    for args, text in outputs:
        assert SECRET not in text, f"dbplan {' '.join(args)} printed the password:\n{text}"
    assert any("***" in text for _, text in outputs)


@pytest.mark.mysql
@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_url_is_never_printed_on_mariadb(mysql_db, tmp_path, form):
    """root has no password on the test server: the login is refused, and the error must not
    echo the password either."""
    url = _with_password(mysql_db, form)
    root = reference_project(tmp_path / "ref")
    for args in (("setup",), ("current",), ("upgrade",), ("drift",), ("stamp", "0.1.0")):
        r = dbplan(root, *args, "--url", url, check=False)
        assert r.returncode != 0 and "Traceback" not in r.stderr, (args, r.stderr)
        assert SECRET not in r.stdout + r.stderr, (args, r.stdout, r.stderr)


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_an_invalid_url_is_not_printed(tmp_path, form):
    root = reference_project(tmp_path / "ref")
    url = (
        f"nosuchdb://u:{SECRET}@h/db"
        if form == "userinfo"
        else f"nosuchdb://u@h/db?password={SECRET}"
    )
    for args in (("current",), ("upgrade",), ("drift",), ("setup",)):
        r = dbplan(root, *args, "--url", url, check=False)
        assert r.returncode == 1, (args, r.stderr)
        assert SECRET not in r.stdout + r.stderr, (args, r.stderr)
