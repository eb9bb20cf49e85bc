"""Partner accounts created in bulk from the ERP's partner list (A6): `kabinet load-partners`.

Two halves. The parser (`partner_file_read`) turns a CSV, XLSX or JSON file into flat rows of
strings keyed by canonical column names and never touches the database. The service
(`partners_load`) checks every row against the rules and the database, collecting all errors,
and only when there are none applies the file in one transaction: partners, counterparties,
agreements and addresses are upserted by `ext_id`, administrators by e-mail or phone.

The file states each entity it names. A value comes from whichever of the entity's rows gives
it (two rows giving different values is an error); a column present but empty on all of an
entity's rows clears an optional field; a column absent from the file leaves the field alone.
Administrators are never cleared: an empty name, e-mail or phone keeps the current one.
"""

from kabinet.accounts.partner_loading.apply import partners_load
from kabinet.accounts.partner_loading.parser import PartnerFileError, Row, partner_file_read
from kabinet.accounts.partner_loading.passwords import passwords_file_open, passwords_write
from kabinet.accounts.partner_loading.report import LoadReport

__all__ = [
    "LoadReport",
    "PartnerFileError",
    "Row",
    "partner_file_read",
    "partners_load",
    "passwords_file_open",
    "passwords_write",
]
