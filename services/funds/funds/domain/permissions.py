"""Who may do what on funds files: the role table. Scope (which comuni) is checked separately,
by filtering every query on the actor's comuni; this is only about the role.

A funds file is opened by the service itself when intake announces a referral (the signed event
is the authority, no actor role is checked); people and systems only read it:

- operators and coordinators read the files of their comuni (the case page);
- a municipal client reads the files of its own comune (the referral overview of the API);
- the system reads and counts (health checks, demo and test scripts);
- coordinators also read who accessed a household's file (the audit trail, the Accessi page).
"""

from __future__ import annotations

from ..errors import FundsForbidden

AGENCY_OPERATOR = "agency_operator"
COMUNE_OPERATOR = "comune_operator"
COORDINATOR = "coordinator"
MUNICIPAL_CLIENT = "municipal_client"
PARTNER_CLIENT = "partner_client"  # nothing here: the partners service serves partners
SYSTEM = "system"

READ_FILE = "read_funds_file"  # get_funds_file
COUNT_FILES = "count_funds_files"  # count_files
READ_AUDIT = "read_funds_audit"  # list_audit

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset({READ_FILE, COUNT_FILES}),
    COMUNE_OPERATOR: frozenset({READ_FILE, COUNT_FILES}),
    COORDINATOR: frozenset({READ_FILE, COUNT_FILES, READ_AUDIT}),
    MUNICIPAL_CLIENT: frozenset({READ_FILE, COUNT_FILES}),
    PARTNER_CLIENT: frozenset(),
    SYSTEM: frozenset({READ_FILE, COUNT_FILES}),
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise FundsForbidden(role=role, action=action)


# -- affitto: Fondo Affitto di Ambito -----------------------------------------------------------
# Operators read the regulations and windows and file their households' applications;
# coordinators also write regulations and windows, rank, approve and record payments; a
# municipal client reads only the status of its own households' applications (the gateway
# checks with intake that the case is the client's own first); the system files the draft of a
# project's fund_application action (the event's actor) and runs the ranking.
READ_RENT_FUND = "read_rent_fund"  # regulations, windows, a case's applications
FILE_RENT_FUND_APPLICATION = "file_rent_fund_application"
MANAGE_RENT_FUND = "manage_rent_fund"  # regulations, windows, ranking, approval, payments
READ_RENT_FUND_STATUS = "read_rent_fund_status"  # municipal clients: status only

for _role, _actions in {
    AGENCY_OPERATOR: {READ_RENT_FUND, FILE_RENT_FUND_APPLICATION},
    COMUNE_OPERATOR: {READ_RENT_FUND, FILE_RENT_FUND_APPLICATION},
    COORDINATOR: {READ_RENT_FUND, FILE_RENT_FUND_APPLICATION, MANAGE_RENT_FUND},
    MUNICIPAL_CLIENT: {READ_RENT_FUND_STATUS},
    SYSTEM: {READ_RENT_FUND, FILE_RENT_FUND_APPLICATION, MANAGE_RENT_FUND},
}.items():
    ALLOWED[_role] = ALLOWED[_role] | frozenset(_actions)


# -- ledger: the budget ledger -------------------------------------------------------------------
# Coordinators read the lines of their comuni with their movements and record movements on them
# (open a line, commit, pay, correct, move); the system does the same for the use cases that
# commit and pay on approval (a window's approval, a guarantee claim) and for the demo. Operators
# and clients see no budget.
READ_LEDGER = "read_ledger"  # ledger_summary, line_movements, reconcile
MANAGE_LEDGER = "manage_ledger"  # open_line, commit, pay, correct, move

for _role in (COORDINATOR, SYSTEM):
    ALLOWED[_role] = ALLOWED[_role] | frozenset({READ_LEDGER, MANAGE_LEDGER})
# -- isee: the ISEE aid ----------------------------------------------------------------------
# Operators and coordinators of the household's comuni read its ISEE records and record a
# certified ISEE or an estimate; the system reads them (demo and checks); a municipal client
# sees nothing of it (only the status of its households' applications).
READ_ISEE = "read_isee"  # list_isee
RECORD_ISEE = "record_isee"  # record_certified_isee, estimate_isee

for _role, _actions in {
    AGENCY_OPERATOR: {READ_ISEE, RECORD_ISEE},
    COMUNE_OPERATOR: {READ_ISEE, RECORD_ISEE},
    COORDINATOR: {READ_ISEE, RECORD_ISEE},
    SYSTEM: {READ_ISEE},
}.items():
    ALLOWED[_role] = ALLOWED[_role] | frozenset(_actions)

# -- morosità incolpevole: the arrears file -----------------------------------------------------
# Operators and coordinators of the household's comune open its arrears file, record the
# eviction's stages, check the criteria and compute the contribution; they also list the
# hearings and executions coming up (the worklist). Municipal clients and partners: nothing
# (the file holds the household's court dates and economics).
READ_ARREARS = "read_arrears_file"  # a file, and evictions_due
WRITE_ARREARS = "write_arrears_file"  # open, stages, criteria, contribution

for _role, _actions in {
    AGENCY_OPERATOR: {READ_ARREARS, WRITE_ARREARS},
    COMUNE_OPERATOR: {READ_ARREARS, WRITE_ARREARS},
    COORDINATOR: {READ_ARREARS, WRITE_ARREARS},
    SYSTEM: {READ_ARREARS},
}.items():
    ALLOWED[_role] = ALLOWED[_role] | frozenset(_actions)
# -- garanzia: the landlord guarantee fund ----------------------------------------------------
# Operators read a case's covers and claims, enrol a contract and file a landlord's claim;
# coordinators also decide claims (pay, refuse), set the tenant's repayment plan, mark its
# instalments and read the fund's exposure; the system does everything (demo and test scripts).
READ_GUARANTEE = "read_guarantee"  # a case's covers, claims and plans
ENROL_GUARANTEE = "enrol_guarantee"  # enrol a contract, file a claim
MANAGE_GUARANTEE = "manage_guarantee"  # pay or refuse a claim, plans, instalments, exposure

for _role, _actions in {
    AGENCY_OPERATOR: {READ_GUARANTEE, ENROL_GUARANTEE},
    COMUNE_OPERATOR: {READ_GUARANTEE, ENROL_GUARANTEE},
    COORDINATOR: {READ_GUARANTEE, ENROL_GUARANTEE, MANAGE_GUARANTEE},
    SYSTEM: {READ_GUARANTEE, ENROL_GUARANTEE, MANAGE_GUARANTEE},
}.items():
    ALLOWED[_role] = ALLOWED[_role] | frozenset(_actions)
