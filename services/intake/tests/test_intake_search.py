"""The case search (list_referrals' criteria) and the paged, filtered worklist against a real
database (SQLite and PostgreSQL): each filter, the order, the counts, scope and audit."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from intake.adapters.models import AuditEvent, ProjectAction, Referral, metadata
from intake.domain import clock, household
from intake.errors import CaseForbidden
from intake.schemas.cases import WorklistQuery
from intake.schemas.referrals import ListReferralsQuery, ReferralInput
from intake.service import IntakeService
from intake.usecases import referrals, worklist

SGM, MELEGNANO, MILANO = "015195", "015140", "015146"
AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM, MELEGNANO))
SGM_ONLY = Actor(sub="operator:dario", role="comune_operator", comuni=(SGM,))
CLIENT = Actor(sub="client:sgm", role="municipal_client", comuni=(SGM,))
MILANO_AGENCY = Actor(sub="operator:mia", role="agency_operator", comuni=(MILANO,))
PURPOSE = "gestione del caso"


@pytest.fixture
def db(db_url):
    upgrade(IntakeService.migrations_dir, db_url)
    database = Db("intake", db_url, metadata)
    yield database
    database.dispose()


def person(cf, first, last, born="1980-01-01", relation="intestatario"):
    return {
        "codice_fiscale": cf,
        "first_name": first,
        "last_name": last,
        "birth_date": born,
        "relation": relation,
    }


@pytest.fixture
def households(db, make_payload, cf):
    """Four referrals: D'Àngelo (SGM, with a child Rossi), Rossini (SGM), Rossi (Melegnano),
    Verdi (Milano, out of AGENCY's scope)."""

    def submit(comune, received_at, *members, actor=AGENCY):
        payload = make_payload(
            comune_istat=comune, received_at=received_at, household=list(members)
        )
        return referrals.submit_referral(db, actor, load(ReferralInput(), payload))["id"]

    ids = {
        "dangelo": submit(
            SGM,
            "2026-03-01T10:00:00+01:00",
            person(cf("DNGGPP70A01F205"), "Giuseppe", "D'Àngelo", "1970-01-01"),
            person(cf("RSSLCU15M10F205"), "Luca", "Rossi", "2015-08-10", "figlio"),
        ),
        "rossini": submit(
            SGM, "2026-04-01T00:30:00+02:00", person(cf("RSSMRA80A01F205"), "Maria", "Rossini")
        ),
        "rossi": submit(
            MELEGNANO,
            "2026-03-31T23:30:00+02:00",
            person(cf("RSSGNN75A01F205"), "Giovanni", "Rossi", "1975-01-01"),
        ),
        "verdi": submit(
            MILANO,
            "2026-03-15",
            person(cf("VRDGPP70A01F205"), "Giuseppe", "Verdi", "1970-01-01"),
            actor=MILANO_AGENCY,
        ),
    }
    with db.transaction() as tx:
        tx.session.execute(
            update(Referral)
            .where(Referral.id == ids["rossini"])
            .values(status="in_carico", current_grade=3, assigned_to="operator:anna")
        )
        tx.session.execute(
            update(Referral).where(Referral.id == ids["rossi"]).values(current_grade=2)
        )
    return ids


def search(db, actor=AGENCY, purpose=PURPOSE, **given):
    query = load(ListReferralsQuery(), given)
    return referrals.list_referrals(db, actor, **query, purpose=purpose)


def found(db, actor=AGENCY, **given):
    return {item["id"] for item in search(db, actor, **given)["items"]}


def test_search_keys_ignore_case_accents_spaces_and_apostrophes():
    assert household.search_key("D'Àngelo") == household.search_key("dangelo") == "dangelo"
    assert household.search_key("De Luca") == "deluca"
    assert household.search_key("  ") == ""


def test_search_by_surname_matches_any_member_from_its_start(db, households):
    h = households
    assert found(db, last_name="rossi") == {h["dangelo"], h["rossini"], h["rossi"]}
    assert found(db, last_name="ROSSIN") == {h["rossini"]}
    assert found(db, last_name="d'ang") == found(db, last_name="Dàngelo") == {h["dangelo"]}
    assert found(db, last_name="Verdi") == set()  # Milano: out of scope
    assert found(db, last_name="zz") == set()


def test_search_by_first_name_and_by_both_on_one_member(db, households):
    h = households
    assert found(db, first_name="giu") == {h["dangelo"]}
    assert found(db, first_name="Luca", last_name="Rossi") == {h["dangelo"]}
    assert found(db, first_name="Giuseppe", last_name="Rossi") == set()  # not the same member


def test_search_by_codice_fiscale_is_exact_and_case_insensitive(db, households, cf):
    h = households
    child = cf("RSSLCU15M10F205")
    assert found(db, codice_fiscale=child.lower()) == {h["dangelo"]}
    assert found(db, codice_fiscale=cf("VRDGPP70A01F205")) == set()  # out of scope
    with pytest.raises(InvalidInput):
        search(db, codice_fiscale=child[:15])


def test_search_by_status_grade_assignee_and_comune(db, households):
    h = households
    assert found(db, status="in_carico") == {h["rossini"]}
    assert found(db, status="ricevuta") == {h["dangelo"], h["rossi"]}
    assert found(db, grade=2) == {h["rossi"]}
    assert found(db, assigned_to="operator:anna") == {h["rossini"]}
    assert found(db, comune_istat=MELEGNANO) == {h["rossi"]}
    assert found(db, comune_istat=MILANO) == set()
    assert found(db, comune_istat=SGM, last_name="rossi", status="ricevuta") == {h["dangelo"]}
    with pytest.raises(InvalidInput):
        search(db, status="aperta")
    with pytest.raises(InvalidInput):
        search(db, grade=5)


def test_search_by_received_period_counts_days_in_milan(db, households):
    h = households
    # Rossini arrived at 00:30 of 1 April in Milan (22:30 UTC on 31 March); Rossi at 23:30 of
    # 31 March in Milan.
    assert found(db, received_from="2026-04-01") == {h["rossini"]}
    assert found(db, received_to="2026-03-31") == {h["dangelo"], h["rossi"]}
    assert found(db, received_from="2026-03-31", received_to="2026-03-31") == {h["rossi"]}
    with pytest.raises(InvalidInput):
        search(db, received_from="2026-04-02", received_to="2026-04-01")


def test_results_are_paged_newest_first_with_the_total(db, households):
    h = households
    first = search(db, page=1, page_size=2)
    second = search(db, page=2, page_size=2)
    assert first["total"] == second["total"] == 3
    assert [i["id"] for i in first["items"] + second["items"]] == [
        h["rossini"],
        h["rossi"],
        h["dangelo"],
    ]
    assert first["items"][0]["head_name"] == "Rossini Maria"
    assert (first["items"][0]["current_grade"], first["items"][0]["assigned_to"]) == (
        3,
        "operator:anna",
    )


def test_each_search_audits_what_it_lists_with_its_purpose(db, households):
    search(db, last_name="rossi", purpose="ricerca di un nucleo")
    with db.session() as session:
        rows = session.execute(
            select(AuditEvent.referral_id, AuditEvent.purpose, AuditEvent.comune_istat).where(
                AuditEvent.action == "list_referrals"
            )
        ).all()
    h = households
    assert sorted(rows) == sorted(
        [
            (h["dangelo"], "ricerca di un nucleo", SGM),
            (h["rossini"], "ricerca di un nucleo", SGM),
            (h["rossi"], "ricerca di un nucleo", MELEGNANO),
        ]
    )


def test_a_comune_system_searches_neither_by_grade_nor_by_assignee(db, households, make_payload):
    with pytest.raises(CaseForbidden):
        search(db, CLIENT, grade=3)
    with pytest.raises(CaseForbidden):
        search(db, CLIENT, assigned_to="operator:anna")
    assert found(db, CLIENT, last_name="rossini") == set()  # entered by the agency, not sent
    sent = referrals.submit_referral(db, CLIENT, load(ReferralInput(), make_payload()))["id"]
    items = search(db, CLIENT, last_name="rossi")["items"]
    assert [i["id"] for i in items] == [sent]
    assert "current_grade" not in items[0] and "assigned_to" not in items[0]


# -- the worklist ---------------------------------------------------------------------------
def work(db, actor=AGENCY, **given):
    return worklist.get_worklist(db, actor, PURPOSE, **load(WorklistQuery(), given))


@pytest.fixture
def waiting(db, make_payload):
    """25 referrals awaiting triage in SGM received a day apart (oldest first), one of them
    (the 20th) with an eviction in 5 days and one (the 22nd) in 2 days; one in Melegnano."""
    today = clock.local_date(clock.now())
    ids = []
    for n in range(25):
        eviction = {19: today + timedelta(days=5), 21: today + timedelta(days=2)}.get(n)
        payload = make_payload(
            received_at=(datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=n)).isoformat(),
            eviction_date=eviction.isoformat() if eviction else None,
        )
        ids.append(referrals.submit_referral(db, AGENCY, load(ReferralInput(), payload))["id"])
    melegnano = make_payload(comune_istat=MELEGNANO, received_at="2025-12-01", eviction_date=None)
    ids.append(referrals.submit_referral(db, AGENCY, load(ReferralInput(), melegnano))["id"])
    return ids


def test_worklist_counts_every_item_and_pages_each_section(db, waiting):
    first = work(db)
    assert first["totals"]["awaiting_triage"] == 26
    assert len(first["awaiting_triage"]) == 10 and first["page_size"] == 10
    third = work(db, pages={"awaiting_triage": 3})
    assert len(third["awaiting_triage"]) == 6 and third["pages"]["awaiting_triage"] == 3
    listed = [
        i["referral_id"]
        for page in (1, 2, 3)
        for i in work(db, pages={"awaiting_triage": page})["awaiting_triage"]
    ]
    assert sorted(listed) == sorted(waiting)
    with pytest.raises(InvalidInput):
        work(db, pages={"everything": 2})


def test_triage_puts_near_evictions_first_then_the_longest_waiting(db, waiting):
    items = work(db)["awaiting_triage"]
    first_four = [i["referral_id"] for i in items[:4]]
    assert first_four == [waiting[21], waiting[19], waiting[25], waiting[0]]
    assert items[0]["urgent"] and not items[2]["urgent"]
    assert (items[2]["comune_istat"], items[2]["comune"]) == (MELEGNANO, "Melegnano")
    assert items[0]["comune"] == "San Giuliano Milanese"


def test_worklist_filters_by_comune_and_by_assignee(db, waiting):
    assert work(db, comune_istat=MELEGNANO)["totals"]["awaiting_triage"] == 1
    assert work(db, comune_istat=MILANO)["totals"]["awaiting_triage"] == 0  # not in scope
    with db.transaction() as tx:
        tx.session.execute(
            update(Referral).where(Referral.id.in_(waiting[:3])).values(assigned_to=AGENCY.sub)
        )
    mine = work(db, mine=True)
    assert mine["totals"]["awaiting_triage"] == 3
    assert [i["referral_id"] for i in mine["awaiting_triage"]] == waiting[:3]
    assert work(db, SGM_ONLY, mine=True)["totals"]["awaiting_triage"] == 0


def test_overdue_actions_come_most_days_late_first(db, waiting):
    today = clock.local_date(clock.now())
    with db.transaction() as tx:
        tx.session.execute(
            update(Referral).where(Referral.id.in_(waiting[:3])).values(status="in_carico")
        )
        for n, late in enumerate((3, 40, 12)):
            tx.session.add(
                ProjectAction(
                    referral_id=waiting[n],
                    action_id=f"a{n}",
                    type="fund_application",
                    description="Domanda",
                    due_date=today - timedelta(days=late),
                    status="in_corso",
                )
            )
    overdue = work(db)["overdue_actions"]
    assert [(i["referral_id"], i["days_late"]) for i in overdue] == [
        (waiting[1], 40),
        (waiting[2], 12),
        (waiting[0], 3),
    ]
    assert work(db)["totals"]["overdue_actions"] == 3


def test_worklist_audits_only_the_page_it_shows(db, waiting):
    work(db)
    with db.session() as session:
        audited = session.scalars(
            select(AuditEvent.referral_id).where(AuditEvent.action == "get_worklist")
        ).all()
    assert len(audited) == 10 and set(audited) <= set(waiting)


def test_migration_0007_fills_the_keys_of_members_already_stored(db_url):
    from sqlalchemy import text

    from abitare_chassis.database import make_engine

    upgrade(IntakeService.migrations_dir, db_url, revision="0006")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO referral (id, comune_istat, received_at, status, referring_body,"
                    " problem_reported, housing_situation, household_size, minors, over_65,"
                    " submitted_by) VALUES ('r1', '015195', :at, 'ricevuta', 'altro_ente',"
                    " 'altro', 'altro', 1, 0, 0, 'client:x')"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            conn.execute(
                text(
                    "INSERT INTO household_member (referral_id, position, codice_fiscale,"
                    " first_name, last_name, birth_date, relation) VALUES ('r1', 0,"
                    " 'RSSMRA80A01F205X', 'Maria Grazia', 'Dell''Òlio', :born, 'intestatario')"
                ),
                {"born": date(1980, 1, 1)},
            )
        upgrade(IntakeService.migrations_dir, db_url)
        with engine.connect() as conn:
            keys = conn.execute(
                text("SELECT last_name_key, first_name_key FROM household_member")
            ).one()
        assert tuple(keys) == ("dellolio", "mariagrazia")
    finally:
        engine.dispose()
