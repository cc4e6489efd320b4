"""The one table from error codes to words: Italian for the web UI, English (and Italian on
request) for the API. Services send codes and structured details (``{"code": "range", "min": 1,
"max": 200}``); nothing here or elsewhere reads their English log messages.

The web UI's words are the Italian, translated when shown (:mod:`i18n`: ``text(..., "it")`` on
a page in English gives the catalogue's English, the API's English stays the second of the pair).

An entry is ``(italian, english)`` with ``{placeholders}`` filled from the details, or a dict of
such pairs by the params present (``("min", "max")``, ``("max",)``, ...) when the sentence
depends on them. A test checks that every code intake can produce has an entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .i18n import _

LANGUAGES = ("it", "en")

Text = tuple[str, str]

# -- errors (the error's own code) ---------------------------------------------------------------
ERRORS: dict[str, Text] = {
    # the chassis kinds, for a coded error this table does not know by name
    "error": ("Si è verificato un errore imprevisto.", "An unexpected error occurred."),
    "not_found": (
        "Quanto cercato non esiste oppure non è visibile con il tuo profilo.",
        "Not found, or not visible to you.",
    ),
    "forbidden": ("Il tuo profilo non consente questa operazione.", "Your role may not do this."),
    "conflict": (
        "L'operazione è in conflitto con lo stato attuale: ricarica la pagina.",
        "The request conflicts with the current state: reload and retry.",
    ),
    "stale_version": (
        "I dati sono stati modificati da qualcun altro: ricarica la pagina.",
        "The data changed since you read it: reload and retry.",
    ),
    "invalid_input": ("Alcuni dati non sono validi.", "The request has invalid fields."),
    "actor_rejected": ("Accedi per continuare.", "The actor context was rejected."),
    "rate_limited": (
        "Hai fatto troppe richieste in poco tempo: riprova più tardi.",
        "Too many requests: try again later.",
    ),
    # the gateway's own: signing in
    "too_many_attempts": (
        "Troppi tentativi di accesso non riusciti: riprova tra {retry_after} secondi.",
        "Too many failed sign-in attempts: retry in {retry_after} seconds.",
    ),
    "sign_in_busy": (
        "Troppi accessi in corso: riprova tra qualche secondo.",
        "Too many sign-ins in progress: retry in a few seconds.",
    ),
    "password_change_required": (
        "Cambia la password temporanea prima di continuare.",
        "Change the temporary password in the web UI first.",
    ),
    "partner_clients_only": (
        "Questo indirizzo è riservato ai sistemi dei partner.",
        "Only a partner's API client may call this.",
    ),
    # intake
    "referral_not_found": (
        "La scheda cercata non esiste oppure non è visibile con il tuo profilo.",
        "No such referral, or not visible to you.",
    ),
    "referral_forbidden": (
        "Non puoi inviare schede per il comune {comune_istat}.",
        "You may not submit referrals for comune {comune_istat}.",
    ),
    "case_forbidden": (
        "Il tuo profilo non consente questa operazione.",
        "Your role may not do this on a case.",
    ),
    "case_conflict": (
        "L'operazione non è possibile nello stato attuale della scheda: "
        "ricarica la pagina per vedere lo stato aggiornato.",
        "Not possible in the current status of the case ({status}).",
    ),
    "case_pseudonymised": (
        "I dati della scheda sono stati pseudonimizzati alla scadenza del periodo di "
        "conservazione: la scheda resta solo per le statistiche e non si può più modificare.",
        "The case was pseudonymised when its retention period ended: it is kept for the "
        "counts only and can no longer be changed.",
    ),
    "duplicates_not_acknowledged": (
        "Ci sono possibili doppie segnalazioni: conferma di averle verificate prima di "
        "prendere in carico la scheda.",
        "The household is already known: check the possible duplicates and confirm with "
        "duplicates_acknowledged.",
    ),
    "project_version_conflict": (
        "Il progetto è stato modificato da qualcun altro mentre lo stavi modificando.",
        "The project changed since version {expected_version}: reload it and save again.",
    ),
    "meeting_not_found": ("La seduta della commissione non esiste.", "No such commission meeting."),
    "proposal_not_found": (
        "La proposta non esiste oppure non è visibile con il tuo profilo.",
        "No such proposal, or not visible to you.",
    ),
    "meeting_conflict": (
        "L'operazione non è possibile in questa seduta.",
        "Not possible in this meeting.",
    ),
    "meeting_closed": (
        "La seduta è chiusa: il verbale è già stato registrato.",
        "The meeting is closed: its minutes are recorded.",
    ),
    "proposals_pending": (
        "Ci sono ancora {pending} proposte da decidere o rinviare.",
        "{pending} proposal(s) still to decide or postpone.",
    ),
    "proposal_already_decided": (
        "La proposta è già stata decisa.",
        "The proposal was already decided.",
    ),
    "action_outcome_invalid": (
        "L'esito ricevuto non corrisponde a un'azione del progetto.",
        "The outcome names no action of a project.",
    ),
    "idempotency_key_reused": (
        "La chiave di idempotenza è già stata usata per una scheda diversa: usa una chiave "
        "nuova per ogni nuova scheda.",
        "The Idempotency-Key was already used with a different payload: use a new key for a "
        "new referral.",
    ),
    "assignee_out_of_scope": (
        "La scheda non può essere assegnata a questo operatore: deve essere attivo, "
        "dell'Agenzia o del coordinamento, e operare nel comune della scheda.",
        "The case cannot be assigned to that operator: an active agency operator or "
        "coordinator with the case's comune in scope.",
    ),
    "meeting_comuni_out_of_scope": (
        "Una seduta può riguardare solo comuni di tua competenza.",
        "A meeting can only be for comuni in your scope.",
    ),
    "duplicate_checks_limited": (
        "Hai verificato le possibili doppie segnalazioni di troppi nuclei nell'ultima ora "
        "(massimo {limit}): riprova più tardi.",
        "You checked the possible duplicates of too many households in the last "
        "{window_minutes} minutes (at most {limit}): try again later.",
    ),
    "no_project_to_validate": (
        "Il nucleo non ha ancora un progetto individualizzato da validare: scrivilo prima "
        "nella sezione Progetto.",
        "The household has no individual project to validate yet: write it first (Progetto).",
    ),
    "referral_not_in_meeting_comuni": (
        "La scheda è di un comune per cui questa seduta non è convocata.",
        "The case's comune is not one of the meeting's comuni.",
    ),
    "referral_out_of_actor_scope": (
        "L'esito riguarda una scheda fuori dai comuni di chi lo ha inviato.",
        "The outcome names a case outside the comuni of its sender.",
    ),
    # funds
    "funds_file_not_found": (
        "Il fascicolo fondi di questa scheda non esiste oppure non è visibile con il tuo profilo.",
        "No funds file for this referral, or not visible to you.",
    ),
    "funds_file_pseudonymised": (
        "I dati di questa scheda sono stati pseudonimizzati (conservazione scaduta): non si "
        "aggiungono più dati personali.",
        "This case was pseudonymised (retention over): no personal data can be added.",
    ),
    "funds_forbidden": (
        "Il tuo profilo non consente questa operazione sui fondi.",
        "Your role may not do this on funds files.",
    ),
    "funds_referral_event_invalid": (
        "La scheda ricevuta non contiene i dati del fascicolo fondi.",
        "The referral event lacks what a funds file needs.",
    ),
    "funds_action_request_invalid": (
        "La richiesta di azione del progetto non contiene i dati della domanda.",
        "The project's action request lacks what an application needs.",
    ),
    # funds: isee
    "isee_input_invalid": (
        "I dati della DSU non sono coerenti tra loro: correggi i campi indicati.",
        "The DSU figures are inconsistent: correct the fields shown.",
    ),
    "isee_under_3_not_minor": (
        "Un figlio sotto i 3 anni deve essere indicato anche come minorenne.",
        "A child under 3 must also be marked as a minor.",
    ),
    "isee_minor_not_child": (
        "Solo un figlio può essere indicato come minorenne.",
        "Only a child can be marked as a minor.",
    ),
    "isee_no_adult": (
        "Il nucleo deve avere almeno un componente adulto.",
        "The household needs at least one adult member.",
    ),
    "isee_two_homes": (
        "Solo un immobile può essere la casa di abitazione del nucleo.",
        "Only one property can be the household's home.",
    ),
    "isee_property_value_missing": (
        "Indica il valore IMU dell'immobile oppure la sua rendita catastale.",
        "Give the property's IMU value or its cadastral income.",
    ),
    "certified_isee_invalid": (
        "L'ISEE certificato indicato non è valido: correggi i campi indicati.",
        "The certified ISEE is not valid: correct the fields shown.",
    ),
    "certified_isee_duplicate": (
        "Questo protocollo DSU è già registrato per il nucleo.",
        "This DSU protocol number is already recorded for the household.",
    ),
    "rent_fund_window_not_found": (
        "Il bando o il regolamento non esiste oppure non riguarda i tuoi comuni.",
        "No such window or regulation, or it does not cover your comuni.",
    ),
    "rent_fund_application_not_found": (
        "La domanda al Fondo Affitto non esiste oppure non è visibile con il tuo profilo.",
        "No such Fondo Affitto application, or not visible to you.",
    ),
    "rent_fund_conflict": (
        "Questo passaggio non è possibile nello stato attuale del bando o della domanda.",
        "This step is not possible in the current state of the window or the application.",
    ),
    "rent_fund_invalid": (
        "I dati indicati non sono validi: correggi i campi indicati.",
        "The data given are not valid: correct the fields shown.",
    ),
    "rent_fund_idempotency_key_reused": (
        "La chiave di idempotenza è già stata usata per una domanda diversa: usa una chiave "
        "nuova per ogni nuova domanda.",
        "The Idempotency-Key was already used for a different application: use a new key "
        "for a new application.",
    ),
    # housing_stock
    "housing_need_not_found": (
        "Il bisogno abitativo di questa scheda non esiste oppure non è "
        "visibile con il tuo profilo.",
        "No housing need for this referral, or not visible to you.",
    ),
    "housing_forbidden": (
        "Il tuo profilo non consente questa operazione sul patrimonio abitativo.",
        "Your role may not do this on housing records.",
    ),
    "housing_referral_event_invalid": (
        "La scheda ricevuta non contiene i dati del bisogno abitativo.",
        "The referral event lacks what a housing need needs.",
    ),
    # housing_stock: the housing rules (domain/)
    "housing_rule_input_invalid": (
        "I dati indicati non consentono di applicare la regola: correggi i campi indicati.",
        "The figures given cannot be assessed by the rule: correct the fields shown.",
    ),
    "housing_parameter_not_in_force": (
        "Nessun valore del parametro {name} è in vigore al {on}.",
        "No value of the parameter {name} is in force on {on}.",
    ),
    # housing_stock: the inventory (usecases/dwellings.py)
    "housing_dwelling_not_found": (
        "L'alloggio indicato non esiste oppure non è visibile con il tuo profilo.",
        "No such dwelling, or not visible to you.",
    ),
    "housing_dwelling_invalid": (
        "I dati dell'alloggio non sono validi: correggi i campi indicati.",
        "The dwelling's data are not valid: correct the fields shown.",
    ),
    "housing_dwelling_exists": (
        "Un alloggio con il codice {code} è già nel patrimonio.",
        "A dwelling with code {code} is already in the inventory.",
    ),
    "housing_dwelling_not_available": (
        "L'alloggio {code} non è disponibile (stato: {state}).",
        "Dwelling {code} is not available (state: {state}).",
    ),
    "housing_placement_not_found": (
        "L'inserimento indicato non esiste, è già concluso o non è visibile con il tuo profilo.",
        "No such open placement, or not visible to you.",
    ),
    "housing_dwelling_changed": (
        "L'alloggio {code} è stato modificato da un altro inserimento: ricarica e riprova.",
        "Dwelling {code} was changed by another placement: reload and retry.",
    ),
    "housing_tenancy_not_found": (
        "L'assegnazione SAP indicata non esiste oppure non è visibile con il tuo profilo.",
        "No such SAP tenancy, or not visible to you.",
    ),
    "housing_placement_refused": (
        "L'inserimento non rispetta le regole dell'alloggio {code}: {reasons}",
        "The placement breaks the rules of dwelling {code} ({rules}).",
    ),
    # partners
    "partner_not_found": ("Il partner {partner_code} non esiste.", "No partner {partner_code}."),
    "partner_forbidden": (
        "Solo il coordinamento gestisce le iscrizioni dei partner e ne "
        "consulta il registro degli accessi.",
        "Only coordinators manage partner subscriptions and read the access log.",
    ),
    "subscription_invalid": (
        "L'iscrizione del partner non è consentita.",
        "The partner may not be subscribed to this.",
    ),
    # partners: the lender status a lending partner reports (partners/domain/lending.py)
    "loan_not_found": (
        "Prestito sconosciuto: la prima comunicazione di un prestito è l'approvazione.",
        "Unknown loan: a loan's first status is 'approved'.",
    ),
    "loan_exists": (
        "Il prestito è già stato approvato: per un nuovo piano usa «rescheduled».",
        "The loan was approved already: a new plan is 'rescheduled'.",
    ),
    "loan_closed": (
        "Il prestito è chiuso ({state}): non si accettano altre comunicazioni.",
        "The loan is closed ({state}): nothing follows, not even '{status}'.",
    ),
    "lender_status_not_allowed": (
        "La comunicazione «{status}» non è possibile per un prestito nello stato «{state}».",
        "Status '{status}' does not follow from the loan's state '{state}'.",
    ),
    "lender_status_id_reused": (
        "L'identificativo {status_id} è già stato usato per un'altra comunicazione.",
        "status_id {status_id} names another report already stored.",
    ),
    "lender_status_invalid": (
        "Alcuni dati della comunicazione sul prestito non sono validi.",
        "The lender status has invalid fields.",
    ),
    "lending_not_in_convention": (
        "Nessuna convenzione in vigore con il partner prevede il servizio {product}.",
        "No convention in force with the partner offers {product}.",
    ),
    "partners_referral_event_invalid": (
        "La scheda ricevuta non contiene i dati da condividere con i partner.",
        "The referral event lacks what a delivery needs.",
    ),
    "convention_not_found": (
        "La convenzione {convention_code} non esiste.",
        "No convention {convention_code}.",
    ),
    "convention_version_conflict": (
        "Nel frattempo la convenzione è stata modificata (ora è alla versione "
        "{current_version}): ricarica la pagina e ripeti la modifica.",
        "The convention changed meanwhile (now version {current_version}): reload and retry.",
    ),
    "convention_status_conflict": (
        "La convenzione è già in questo stato ({status}).",
        "The convention is already {status}.",
    ),
    "convention_unchanged": (
        "Nessuna modifica rispetto alla versione attuale: nessuna nuova versione registrata.",
        "Nothing differs from the current version {version}.",
    ),
    "convention_invalid": (
        "La modifica della convenzione non è valida.",
        "The convention edit is not valid.",
    ),
    "consent_invalid": ("Il consenso non è valido.", "The consent is not valid as given."),
    "consent_not_found": (
        "Il consenso cercato non esiste oppure non è visibile con il tuo profilo.",
        "No such consent, or not visible to you.",
    ),
    "partner_referral_refused": (
        "L'invio al partner non è possibile: nessun dato è uscito dall'agenzia.",
        "The referral cannot be sent: nothing left the agency.",
    ),
    "partner_referral_not_found": (
        "L'invio cercato non esiste oppure non è visibile.",
        "No such partner referral, or not yours.",
    ),
    "partner_referral_update_invalid": (
        "L'aggiornamento dell'invio non è possibile.",
        "The referral cannot be updated like this.",
    ),
    "partners_action_request_invalid": (
        "La richiesta di invio a un partner non contiene i dati necessari.",
        "The action request lacks what a partner referral needs.",
    ),
    "webhook_url_invalid": (
        "L'indirizzo del webhook non è accettato.",
        "The webhook URL is not accepted.",
    ),
    "webhook_endpoint_not_found": (
        "Il webhook indicato non esiste per il partner {partner_code}.",
        "No such webhook endpoint for partner {partner_code}.",
    ),
    "webhook_endpoint_exists": (
        "Il partner {partner_code} ha già un webhook a questo indirizzo: ruotane il segreto se "
        "serve uno nuovo.",
        "Partner {partner_code} already has a webhook at this URL: rotate its secret instead.",
    ),
    "webhook_replay_invalid": (
        "Indica un periodo (da, a) oppure gli identificativi degli eventi da reinviare.",
        "Give a window (from before to) or the event ids to replay.",
    ),
    # funds: the budget ledger (domain/ledger.py)
    "ledger_amount_invalid": (
        "Importo non valido: indica centesimi interi, maggiori di zero.",
        "Not a valid amount: whole cents, above zero.",
    ),
    "ledger_line_invalid": (
        "La linea di bilancio non è valida.",
        "The budget line is not valid.",
    ),
    "ledger_line_not_found": (
        "Linea di bilancio inesistente oppure non visibile con il tuo profilo.",
        "No such budget line, or not visible to you.",
    ),
    "ledger_movement_not_found": (
        "Movimento inesistente su questa linea di bilancio.",
        "No such movement on this budget line.",
    ),
    "ledger_over_commitment": (
        "Importo superiore al disponibile della linea: {available}.",
        "The amount exceeds the line's available budget: {available}.",
    ),
    "ledger_payment_above_commitment": (
        "Pagamento superiore al residuo dell'impegno: {open}.",
        "The payment exceeds what the commitment still has open: {open}.",
    ),
    "ledger_correction_invalid": (
        "Rettifica non ammessa su questo movimento (motivo: {reason}).",
        "This correction is not allowed on the movement (reason: {reason}).",
    ),
    "ledger_move_invalid": (
        "Lo storno richiede due linee di bilancio diverse.",
        "A move needs two different budget lines.",
    ),
    "ledger_idempotency_conflict": (
        "Questa chiave di idempotenza è già stata usata per un altro movimento.",
        "This idempotency key was already used for a different movement.",
    ),
    "ledger_above_programmed": (
        "Importo ammesso superiore al programmato non ancora ammesso: {headroom}.",
        "The allocation exceeds what is programmed and not yet allocated: {headroom}.",
    ),
    # funds: morosità incolpevole (domain/arrears_relief.py)
    "arrears_stage_transition_invalid": (
        "Il fascicolo di sfratto non può passare da «{current}» a «{requested}» (passaggi "
        "possibili: {allowed}).",
        "The eviction file cannot move from '{current}' to '{requested}' (allowed: {allowed}).",
    ),
    "arrears_input_invalid": (
        "Le date o gli importi del fascicolo di morosità non sono coerenti: correggi i campi "
        "indicati.",
        "The arrears file's dates or amounts are inconsistent: correct the fields shown.",
    ),
    "arrears_file_not_found": (
        "Il fascicolo di morosità di questa scheda non esiste oppure non è visibile con il tuo "
        "profilo.",
        "No arrears file for this referral, or not visible to you.",
    ),
    "arrears_file_exists": (
        "Questa scheda ha già un fascicolo di morosità.",
        "This referral already has an arrears file.",
    ),
    "arrears_file_pseudonymised": (
        "Il fascicolo di morosità è stato pseudonimizzato (conservazione scaduta): non si "
        "modifica più.",
        "The arrears file was pseudonymised (retention over): it cannot change.",
    ),
    # funds: the guarantee fund (usecases/guarantee.py)
    "guarantee_entry_condition_not_met": (
        "Il contratto non soddisfa le condizioni di accesso al fondo di garanzia: vedi i motivi.",
        "The contract does not meet the guarantee fund's entry conditions: see the reasons.",
    ),
    "guarantee_input_invalid": (
        "I dati per il fondo di garanzia non sono coerenti: correggi i campi indicati.",
        "The guarantee fund data are inconsistent: correct the fields shown.",
    ),
    "guarantee_cover_not_found": (
        "La copertura del fondo di garanzia non esiste oppure non è visibile con il tuo profilo.",
        "No such guarantee cover, or not visible to you.",
    ),
    "guarantee_claim_not_found": (
        "La richiesta al fondo di garanzia non esiste oppure non è visibile con il tuo profilo.",
        "No such guarantee claim, or not visible to you.",
    ),
    "guarantee_claim_not_payable": (
        "La richiesta non è più in istruttoria (stato: {status}): non si può pagare né respingere.",
        "The claim is no longer pending (status: {status}): it cannot be paid or refused.",
    ),
    "guarantee_idempotency_key_reused": (
        "La chiave di idempotenza è già stata usata per una richiesta diversa: usa una chiave "
        "nuova.",
        "The idempotency key was already used for a different request: use a new key.",
    ),
}

# -- field errors (one per field, in InvalidInput) ---------------------------------------------
FIELD_ERRORS: dict[str, Text | dict[tuple[str, ...], Text]] = {
    # produced by the chassis schema for any service
    "invalid": ("Valore non valido.", "Not a valid value."),
    # funds: the guarantee fund's claims (domain/guarantee.py)
    "guarantee_cover_not_active": (
        "La morosità è iniziata fuori dal periodo di copertura del contratto.",
        "The arrears began outside the contract's cover period.",
    ),
    "dwelling_not_recovered": (
        "Il fondo paga solo dopo il rilascio dell'alloggio: indica la data del verbale.",
        "The fund pays only after the dwelling is recovered: give the date of the report.",
    ),
    "date_order": (
        "La data non è coerente con le altre date indicate.",
        "The date is not consistent with the other dates given.",
    ),
    "documents_missing": (
        "Mancano documenti obbligatori per la richiesta.",
        "Required documents for the claim are missing.",
    ),
    "outside_regulation": (
        "Le date del bando sono fuori dal periodo di validità del regolamento.",
        "The window's dates fall outside the regulation's validity.",
    ),
    "comune_not_in_regulation": (
        "Il regolamento del bando non riguarda il comune della scheda.",
        "The window's regulation does not cover the case's comune.",
    ),
    "above_approved": (
        "L'importo supera quanto resta da erogare sulla domanda approvata.",
        "The amount is above what is left to pay on the approved application.",
    ),
    # housing_stock: dwellings (domain/dwellings.py)
    "dwelling_transition_not_allowed": (
        "L'alloggio non può passare dallo stato «{from}» allo stato «{to}» (ammessi: {allowed}).",
        "The dwelling cannot go from '{from}' to '{to}' (allowed: {allowed}).",
    ),
    "dwelling_comune_out_of_scope": (
        "Il comune dell'alloggio non è tra quelli del tuo profilo.",
        "The dwelling's comune is outside your scope.",
    ),
    "dwelling_state_by_placement": (
        "Un alloggio diventa occupato con un inserimento e torna disponibile con l'uscita.",
        "A dwelling becomes occupied by a placement and free again by the exit.",
    ),
    "required": ("Campo obbligatorio.", "Missing data for required field."),
    "null": ("Campo obbligatorio.", "Field may not be null."),
    "unknown_field": ("Campo non previsto.", "Unknown field."),
    "invalid_object": ("Dati non validi.", "Not a valid object."),
    "invalid_string": ("Testo non valido.", "Not a valid string."),
    "invalid_integer": ("Numero intero non valido.", "Not a valid integer."),
    "invalid_number": ("Numero non valido.", "Not a valid number."),
    "number_too_large": ("Numero troppo grande.", "Number too large."),
    "invalid_boolean": ("Valore sì/no non valido.", "Not a valid boolean."),
    "invalid_date": ("Data non valida.", "Not a valid date."),
    "invalid_datetime": ("Data e ora non valide.", "Not a valid date-time."),
    "invalid_time": ("Ora non valida.", "Not a valid time."),
    "invalid_duration": ("Durata non valida.", "Not a valid duration."),
    "invalid_list": ("Elenco non valido.", "Not a valid list."),
    "invalid_uuid": ("Identificativo non valido.", "Not a valid UUID."),
    "format": ("Formato non valido.", "Not in the expected format."),
    "one_of": ("Seleziona un valore dall'elenco.", "Must be one of: {choices}."),
    "none_of": ("Valore non ammesso.", "Must not be one of: {iterable}."),
    "equal": ("Deve essere {comparable}.", "Must be equal to {comparable}."),
    "range": {
        ("min", "max"): ("Deve essere tra {min} e {max}.", "Must be between {min} and {max}."),
        ("min",): ("Deve essere almeno {min}.", "Must be at least {min}."),
        ("max",): ("Deve essere al massimo {max}.", "Must be at most {max}."),
    },
    "length": {
        ("min", "max"): ("Lunghezza da {min} a {max}.", "Length must be between {min} and {max}."),
        ("min",): ("Lunghezza minima {min}.", "Length must be at least {min}."),
        ("max",): ("Al massimo {max} caratteri.", "Longer than maximum length {max}."),
        ("equal",): ("Lunghezza richiesta {equal}.", "Length must be {equal}."),
    },
    # intake
    "codice_fiscale_numeric": (
        "I codici numerici (provvisori o di aziende) non sono accettati: serve il codice "
        "fiscale personale di 16 caratteri.",
        "Numeric codes (temporary or company codes) are not accepted: the 16-character "
        "personal codice fiscale is required.",
    ),
    "codice_fiscale_length": (
        "Il codice fiscale ha {length} caratteri.",
        "Must be {length} characters long.",
    ),
    "codice_fiscale_checksum": (
        "Codice fiscale non valido: il carattere di controllo non corrisponde.",
        "Wrong check character.",
    ),
    "codice_fiscale_format": (
        "Codice fiscale non valido.",
        "Not in the format of a personal codice fiscale.",
    ),
    "codice_fiscale_birth_date": (
        "Codice fiscale non valido: la data di nascita che contiene non esiste.",
        "The birth date it encodes does not exist.",
    ),
    "codice_fiscale_invalid": ("Codice fiscale non valido.", "Not a valid codice fiscale."),
    "codice_fiscale_duplicate": (
        "Codice fiscale già indicato per un altro componente.",
        "Duplicate codice fiscale in the household.",
    ),
    "household_head_count": (
        "Il nucleo deve avere esattamente un intestatario.",
        "Exactly one member must have relation '{relation}' (found {found}).",
    ),
    "birth_date_in_future": (
        "La data di nascita non può essere nel futuro.",
        "Birth date is in the future.",
    ),
    "birth_date_too_old": (
        "Data di nascita troppo lontana nel tempo.",
        "Birth date is before {min_year}.",
    ),
    "istat_format": ("Il codice ISTAT del comune ha 6 cifre.", "Must be a 6-digit ISTAT code."),
    "istat_unknown": (
        "Comune non presente nell'elenco della Città Metropolitana.",
        "Unknown ISTAT code: not a comune of the Città Metropolitana di Milano.",
    ),
    "phone_format": ("Numero di telefono non valido.", "Not a valid phone number."),
    "not_in_future": ("La data non può essere nel futuro.", "Must not be in the future."),
    "too_old": (
        "La data non può essere precedente al {min_year}.",
        "Must not be before {min_year}.",
    ),
    "partner_code_format": ("Codice del partner non valido.", "Not a partner code."),
    "reason_required": (
        "Indica la motivazione per questo esito.",
        "A reason is required for this outcome.",
    ),
    "date_range_order": (
        "La data iniziale non può essere successiva a quella finale.",
        "Must not be after {after}.",
    ),
    "before_received": (
        "La data non può essere precedente alla ricezione della scheda.",
        "Must not be before the referral was received.",
    ),
    "pis_grade_fixed": (
        "Una situazione di Pronto Intervento Sociale ha grado {grade}.",
        "A Pronto Intervento Sociale situation is grade {grade}.",
    ),
    "override_reason_required": (
        "Un grado diverso da quello suggerito richiede una motivazione scritta.",
        "A grade different from the suggested one needs a written reason.",
    ),
    "action_unknown": ("Azione non presente nel progetto.", "No such action in this project."),
    "action_repeated": ("La stessa azione compare due volte.", "The same action appears twice."),
    "action_type_changed": (
        "Il tipo di un'azione non si cambia: annullala e aggiungine una nuova.",
        "An action cannot change type: cancel it and add a new one.",
    ),
    "partner_required": ("Indica il partner.", "Name the partner."),
    "action_removed": (
        "Le azioni non si eliminano: imposta lo stato «annullata».",
        "Actions cannot be removed; set their status to '{status}' instead (missing: {missing}).",
    ),
    "project_missing": ("Nessun progetto per questa scheda.", "No project for this referral."),
    "comune_mismatch": ("Non è il comune della scheda.", "Not the comune of the referral."),
    # funds, housing_stock, partners
    "tenant_mismatch": (
        "Il comune della scheda non corrisponde a quello dell'evento.",
        "The comune differs from the event's tenant ({tenant}).",
    ),
    "date": ("Data non valida.", "Not a valid date."),
    "partner_inactive": ("Il partner non è attivo.", "The partner is not active."),
    "no_convention_in_force": (
        "Nessuna convenzione con il partner è in vigore al {on}.",
        "No convention with the partner is in force on {on}.",
    ),
    "amount_out_of_range": (
        "L'importo deve essere tra {min} e {max} centesimi (limiti del prodotto, da verificare).",
        "The amount must be between {min} and {max} cents (the product's limits).",
    ),
    "instalments_out_of_range": (
        "Le rate devono essere tra {min} e {max}.",
        "The instalments must be between {min} and {max}.",
    ),
    "plan_does_not_repay": (
        "Il piano di rimborso non copre l'importo dovuto ({owed_cents} centesimi).",
        "The plan does not repay what is owed ({owed_cents} cents).",
    ),
    "plan_charges_interest": (
        "Il prodotto è a tasso zero: la rata non può superare {max} centesimi.",
        "The product is interest-free: an instalment is at most {max} cents.",
    ),
    "allowances_out_of_range": (
        "L'anticipo copre da {min} a {max} mensilità.",
        "The advance covers {min} to {max} monthly allowances.",
    ),
    "instalment_not_in_plan": (
        "La rata deve essere tra la {min} e la {max} del piano.",
        "The instalment must be between {min} and {max} of the plan.",
    ),
    "instalment_already_paid": (
        "La rata {number} risulta già pagata.",
        "Instalment {number} was paid already.",
    ),
    "disbursed_more_than_approved": (
        "L'importo erogato supera quello approvato ({max} centesimi).",
        "The amount disbursed exceeds the amount approved ({max} cents).",
    ),
    "status_before_previous": (
        "La data è precedente all'ultima comunicazione ({after}).",
        "The date is before the previous report ({after}).",
    ),
    "product_mismatch": (
        "Il prestito è di un altro prodotto ({expected}).",
        "The loan is of another product ({expected}).",
    ),
    "no_limits_on_date": (
        "Per quella data non sono noti i limiti del prodotto {product}.",
        "No limits of {product} are known for that date.",
    ),
    "amount_not_positive": ("L'importo deve essere positivo.", "The amount must be positive."),
    "date_in_the_future": (
        "La data non può essere successiva a oggi ({today}).",
        "The date cannot be after today ({today}).",
    ),
    "referral_service_mismatch": (
        "L'invio a cui risponde il prestito riguarda un altro servizio ({service}).",
        "The referral the loan answers is for another service ({service}).",
    ),
    "referral_not_open": (
        "L'invio è stato rifiutato o ritirato: non può avere un nuovo prestito.",
        "The referral was declined or withdrawn ({state}): no new loan on it.",
    ),
    "loan_referral_mismatch": (
        "Il prestito risponde a un altro invio.",
        "The loan answers another referral.",
    ),
    "event_type_not_in_convention": (
        "La convenzione in vigore non prevede l'invio di {event_type} al partner.",
        "The convention in force does not provide for {event_type}.",
    ),
    "unknown_service": (
        "Il servizio {service} non esiste nell'elenco dei servizi dei partner.",
        "Unknown service {service}.",
    ),
    "event_type_not_in_catalogue": (
        "L'evento {event_type} non è tra quelli che un partner può ricevere.",
        "{event_type} is not in the partner-facing event catalogue.",
    ),
    "field_not_in_event": (
        "Il dato {field} non fa parte dell'evento {event_type}.",
        "{field} is not a field of {event_type}.",
    ),
    "valid_to_before_valid_from": (
        "La fine della validità viene prima dell'inizio.",
        "valid_to ({valid_to}) is before valid_from ({valid_from}).",
    ),
    "status_reason_required": (
        "Indica il motivo della sospensione o della ripresa.",
        "Give the reason for suspending or resuming.",
    ),
    # partners: consents and partner referrals
    "consent_missing": (
        "Manca il consenso del nucleo a condividere i suoi dati con il partner per questo "
        "servizio: registralo prima di inviare.",
        "The household has not consented to share its data with this partner for this service.",
    ),
    "consent_withdrawn": (
        "Il nucleo ha revocato il consenso per questo partner e servizio.",
        "The household withdrew its consent for this partner and service.",
    ),
    "consent_expired": (
        "Il consenso del nucleo per questo partner e servizio è scaduto: raccogline uno nuovo.",
        "The household's consent for this partner and service has expired.",
    ),
    "consent_not_yet_valid": (
        "Il consenso non è ancora valido.",
        "The consent is not valid yet.",
    ),
    "consent_already_withdrawn": ("Il consenso è già stato revocato.", "Already withdrawn."),
    "consent_too_long": (
        "Un consenso vale al massimo {max_days} giorni.",
        "A consent lasts at most {max_days} days.",
    ),
    "before_given_on": (
        "La data non può precedere quella del consenso.",
        "The date cannot be before the consent was given.",
    ),
    "date_in_future": ("La data non può essere futura.", "The date cannot be in the future."),
    "service_unknown": ("Servizio sconosciuto.", "Unknown service."),
    "category_unknown": (
        "Indica almeno una categoria di dati tra quelle previste.",
        "Name at least one known data category.",
    ),
    "comune_out_of_scope": (
        "Il comune della scheda non è tra quelli del tuo profilo.",
        "The case's comune is outside your scope.",
    ),
    "partner_unknown": ("Il partner indicato non esiste.", "No such partner."),
    "convention_expired": (
        "La convenzione con il partner è scaduta (al {on}).",
        "The convention with the partner has expired (on {on}).",
    ),
    "convention_suspended": (
        "La convenzione con il partner è sospesa.",
        "The convention with the partner is suspended.",
    ),
    "convention_not_yet_valid": (
        "La convenzione con il partner non è ancora in vigore.",
        "The convention with the partner is not in force yet.",
    ),
    "service_not_offered": (
        "Il partner non offre questo servizio nella convenzione in vigore.",
        "The partner does not offer this service under the convention in force.",
    ),
    "comune_not_covered": (
        "La convenzione del partner non copre il comune della scheda.",
        "The partner's convention does not cover the case's comune.",
    ),
    "transition_not_allowed": (
        "Nello stato attuale dell'invio questo aggiornamento non è possibile.",
        "This update is not possible in the referral's current state ({state}).",
    ),
    "outcome_not_valid_for_service": (
        "Esito non previsto per questo servizio.",
        "Not an outcome of this service.",
    ),
    # partners: webhook URLs (SSRF checks, services/partners domain/webhooks.py)
    "url_length": (
        "L'indirizzo è vuoto o più lungo di {max} caratteri.",
        "The URL is empty or longer than {max} characters.",
    ),
    "url_malformed": ("L'indirizzo non è scritto correttamente.", "The URL is malformed."),
    "url_scheme": (
        "Serve un indirizzo https:// (http solo sugli host di sviluppo consentiti).",
        "Use an https:// URL (http only on the allow-listed development hosts).",
    ),
    "url_credentials": (
        "L'indirizzo non deve contenere nome utente o password.",
        "The URL may not carry a user name or password.",
    ),
    "url_fragment": ("L'indirizzo non deve contenere un frammento (#).", "No fragment (#)."),
    "ambiguous_ip_address": (
        "L'host è un numero scritto in forma ambigua (decimale, ottale o esadecimale): usa il "
        "nome o l'indirizzo IP completo.",
        "The host is a number in an ambiguous form (decimal, octal, hex): use a name or a "
        "canonical IP address.",
    ),
    "host_unresolvable": ("Il nome dell'host non si risolve.", "The host name does not resolve."),
    "loopback_address": (
        "L'indirizzo punta a questa stessa macchina (loopback): non consentito.",
        "The URL points at a loopback address.",
    ),
    "private_address": (
        "L'indirizzo punta a una rete privata: non consentito.",
        "The URL points at a private address.",
    ),
    "link_local_address": (
        "L'indirizzo è link-local (ad es. 169.254.x.x): non consentito.",
        "The URL points at a link-local address.",
    ),
    "multicast_address": ("L'indirizzo è multicast: non consentito.", "Multicast address."),
    "reserved_address": (
        "L'indirizzo è riservato o non pubblico: non consentito.",
        "The URL points at a reserved or non-public address.",
    ),
    "unspecified_address": (
        "L'indirizzo non è specificato (0.0.0.0 o ::): non consentito.",
        "The URL points at the unspecified address.",
    ),
    "replay_window_or_ids": (
        "Indica un periodo (da prima di a) oppure gli identificativi degli eventi.",
        "Give a window (from before to) or event ids.",
    ),
    # funds: the budget ledger
    "ledger_amount": (
        "Importo non valido: centesimi interi tra {min} e {max}.",
        "Not a valid amount: whole cents between {min} and {max}.",
    ),
    "ledger_line_code_taken": (
        "Esiste già una linea di bilancio con questo codice.",
        "A budget line with this code already exists.",
    ),
    # funds: isee (a certified ISEE's figures)
    "isee_above_ise": (
        "L'ISEE non può superare l'ISE (la scala di equivalenza è almeno 1).",
        "The ISEE cannot exceed the ISE (the equivalence scale is at least 1).",
    ),
    "isr_above_ise": (
        "L'ISR non può superare l'ISE.",
        "The ISR cannot exceed the ISE.",
    ),
    # funds: morosità incolpevole (domain/arrears_relief.py)
    "arrears_due_date_required": (
        "Indica la data fissata ({kind}).",
        "Give the date fixed ({kind}).",
    ),
    "arrears_due_date_not_expected": (
        "Questa fase non fissa una data successiva.",
        "This stage fixes no later date.",
    ),
    "arrears_grace_too_long": (
        "Il termine di grazia è al massimo di {max} giorni e l'udienza entro 10 giorni dalla "
        "scadenza (entro il {latest}).",
        "The grace period is at most {max} days, its hearing within 10 days of its end "
        "(by {latest}).",
    ),
    "arrears_release_notice_too_short": (
        "Il preavviso di rilascio va notificato almeno {min} giorni prima dell'accesso.",
        "The notice of release must precede the access by at least {min} days.",
    ),
    "arrears_cause_unknown": (
        "Causa della morosità non prevista (possibili: {allowed}).",
        "Unknown cause of the arrears (allowed: {allowed}).",
    ),
    "arrears_cause_note_required": (
        "Per una causa non elencata descrivila.",
        "Describe a cause that is not listed.",
    ),
    # funds: the guarantee fund (usecases/guarantee.py)
    "guarantee_no_terms_on_date": (
        "Per quella data non sono in vigore le condizioni del fondo di garanzia.",
        "No guarantee fund terms are in force on that date.",
    ),
    "guarantee_claim_not_paid": (
        "Il piano di rientro si crea solo per una richiesta pagata.",
        "A repayment plan is made only for a paid claim.",
    ),
    "repayment_plan_exists": (
        "La richiesta ha già il suo piano di rientro.",
        "The claim has its repayment plan already.",
    ),
    "repayment_plan_too_short": (
        "Il piano di rientro deve durare almeno {min} mesi.",
        "The repayment plan must last at least {min} months.",
    ),
    "guarantee_cover_exhausted": (
        "Il massimale della copertura ({cap_cents} centesimi) è già stato pagato.",
        "The cover's cap ({cap_cents} cents) is paid out already.",
    ),
}

# -- warnings (stored and shown, never refused) ---------------------------------------------------
WARNINGS: dict[str, Text] = {
    # intake: a valid codice fiscale that contradicts its member (issue 8, item 11)
    "codice_fiscale_birth_date_mismatch": (
        "Il codice fiscale indica come data di nascita il {encoded}, ma è indicata la data "
        "{declared}: uno dei due è sbagliato.",
        "The codice fiscale encodes the birth date {encoded}, but {declared} is given: one of "
        "them is wrong.",
    ),
    "codice_fiscale_name_mismatch": (
        "Le lettere del codice fiscale ({encoded}) non corrispondono a cognome e nome indicati "
        "({expected}): verifica la grafia (doppi cognomi, nomi stranieri o un cambio di cognome "
        "possono spiegarlo).",
        "The letters of the codice fiscale ({encoded}) do not match the surname and name given "
        "({expected}): check the spelling.",
    ),
}
SEVERITY = {"warning": "Attenzione", "notice": "Da verificare"}

TABLE: dict[str, Text | dict[tuple[str, ...], Text]] = {**ERRORS, **FIELD_ERRORS, **WARNINGS}


def warning_text(warning: Mapping, language: str = "it") -> str:
    """``{code, severity, ...details}`` -> "Attenzione: ..." (the code itself if unknown)."""
    sentence = text(warning.get("code", ""), warning, language) or str(warning.get("code"))
    if language != "it":
        return sentence
    return f"{_(SEVERITY.get(warning.get('severity'), 'Attenzione'))}: {sentence}"


def error_text(code: str, params: Mapping | None = None) -> str:
    """The Italian sentence for ``code`` (a template filter: reasons shown on a page); the code
    itself when the table does not know it."""
    return text(code, params) or str(code)


def has_text(code: str) -> bool:
    return code in TABLE


def text(code: str, params: Mapping | None = None, language: str = "it") -> str | None:
    """The sentence for ``code`` in ``language`` with its placeholders filled from ``params``;
    ``None`` if the table does not know the code."""
    entry = TABLE.get(code)
    if entry is None:
        return None
    params = {k: v for k, v in (params or {}).items() if v is not None}
    if isinstance(entry, dict):
        fitting = [key for key in entry if all(name in params for name in key)]
        if not fitting:
            return None
        entry = entry[max(fitting, key=len)]
    sentence = entry[LANGUAGES.index(language) if language in LANGUAGES else 0]
    if language == "it":  # the web UI's (and the API's Italian: the API's pages stay Italian)
        sentence = _(sentence)
    return sentence.format_map(_Params(params))


def catalogue_texts() -> Iterator[str]:
    """The Italian sentences, for the UI's catalogue (:mod:`i18n`)."""
    for entry in TABLE.values():
        for pair in entry.values() if isinstance(entry, dict) else (entry,):
            yield pair[0]
    yield from SEVERITY.values()


class _Params(dict):
    """Placeholders from details: lists joined by commas, a missing one left as ``?``."""

    def __getitem__(self, key):
        value = super().get(key, "?")
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return value
