"""A commissioner officer prints the payment statement: in Debian's Chromium, printed (print media),
the page is the statement only, without the header, menus, back link, footer or download links;
a PDF of it is kept in test-artifacts/."""

import sqlite3


def _officer_contract(db_path) -> tuple[str, int]:
    """A commissioner officer and a contract their authority let."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT u.username, c.id FROM accounts_user u
            JOIN contracts_contract c ON c.commissioner_id = u.organisation_id
            WHERE u.role = 'commissioner_officer' ORDER BY u.username, c.id LIMIT 1""").fetchone()


def test_the_payment_statement_prints_as_the_statement_only(demo_server, page, sign_in, artifacts):
    url, db_path = demo_server
    username, contract_id = _officer_contract(db_path)
    sign_in(page, username)
    page.goto(f"{url}/contracts/{contract_id}/payments/")
    page.wait_for_selector("#payments")
    assert page.locator("text=Contract price").count() >= 1
    for selector in ("header.govuk-header", "footer.govuk-footer", ".govuk-back-link", ".cw-no-print"):
        assert page.locator(selector).first.is_visible(), selector  # on screen, all there
    page.emulate_media(media="print")
    for selector in ("header.govuk-header", "footer.govuk-footer", ".govuk-back-link", ".cw-no-print"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("#payments").is_visible() and page.locator("#total").is_visible()
    page.pdf(path=str(artifacts / "payment-statement.pdf"))
    assert (artifacts / "payment-statement.pdf").stat().st_size > 1000
