"""Fictional children for the demo history.

Surnames are made of invented syllables ("Zarnwhistle", "Quibbleprong") so no name belongs to a
real person; NHS numbers are in the 999 test range (valid check digit) or left blank; every
address is on an invented street in the postcode district ZZ9, which does not exist.
"""

from datetime import date, timedelta

from casework.models import Child
from casework.validators import upn_check_letter

from .writer import POSTCODE_DISTRICT, HistoryWriter

# The demo history is Lancashire's (accounts/management/commands/load_demo.py DEMO_AUTHORITY).
DEMO_LA_CODE = "888"
FEMALE, MALE = "2", "1"  # DfE gender codes
SEX_BY_GENDER = {FEMALE: "F", MALE: "M"}
FIRST_NAMES = {
    FEMALE: ["Amara", "Bea", "Cleo", "Daisy", "Esme", "Freya", "Gracie", "Hallie", "Isla", "Juno"],
    MALE: ["Alfie", "Bodhi", "Caleb", "Dex", "Ezra", "Finn", "Gus", "Hugo", "Idris", "Jude"],
}
SURNAME_STARTS = ["Zarn", "Quibble", "Flont", "Brimple", "Snorv", "Wuzzel", "Plink", "Grindel", "Tromble", "Muddock"]
SURNAME_ENDS = ["whistle", "prong", "sprocket", "fizzle", "wobble", "snicket", "bottle", "gander"]
STREETS = ["Imaginary Lane", "Invented Road", "Pretend Close", "Makebelieve Way", "Notional Street"]
ETHNICITIES = ["WBRI"] * 6 + [
    "WOTH",
    "MWBC",
    "APKN",
    "AIND",
    "BAFR",
    "NOBT",
]


def nhs_numbers():
    """Test-range NHS numbers (999 2xx xxxx) with a valid modulus-11 check digit, in order."""
    serial = 0
    while True:
        serial += 1
        body = f"9992{serial:05d}"
        total = sum(int(digit) * weight for digit, weight in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            yield body + str(check)


def upns(la_code: str, first: int = 1):
    """Permanent UPNs with a valid check letter: this council's code, then a serial from `first`."""
    serial = first - 1
    while True:
        serial += 1
        rest = f"{la_code}{serial:09d}"
        yield upn_check_letter(rest) + rest


# What the census asks of a child's disability: most children none, some one or two.
DISABILITIES = [["NONE"]] * 8 + [["LD"], ["AUT", "COMM"], ["MOB"], ["BEH"]]


class Children:
    """Makes children as they are needed (written with the rest of the history)."""

    def __init__(self, writer: HistoryWriter):
        self.w = writer
        self._nhs = nhs_numbers()
        self._upns = upns(DEMO_LA_CODE)
        # At school (with a pupil number) from the September after their fourth birthday: born on
        # or before 31 August four years before this school year began.
        today = writer.today
        school_year = today.year if today.month >= 9 else today.year - 1
        self._school_age_born_by = date(school_year - 4, 8, 31)

    def new(self, *, youngest=0, oldest=17, by=None, born_by: date | None = None) -> Child:
        """A child aged between `youngest` and `oldest` today, born on or before `born_by` (the
        day the first record about them begins: no child is referred before they were born)."""
        rng = self.w.rng
        gender = rng.choice(list(FIRST_NAMES))
        fewest = youngest * 365 + 30
        if born_by is not None:
            fewest = max(fewest, (self.w.today - born_by).days + 7)
        age_days = rng.randint(fewest, max(fewest, oldest * 365 + 300))
        date_of_birth = self.w.today - timedelta(days=age_days)
        school_age = date_of_birth <= self._school_age_born_by
        child = Child(
            first_name=rng.choice(FIRST_NAMES[gender]),
            last_name=rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS),
            date_of_birth=date_of_birth,
            gender=gender,
            sex=SEX_BY_GENDER[gender],
            ethnicity=rng.choice(ETHNICITIES),
            disabilities=rng.choice(DISABILITIES),
            upn=next(self._upns) if school_age else "",
            upn_unknown_reason="" if school_age else "UN1",
            nhs_number=next(self._nhs) if rng.random() < 0.8 else None,
            address=f"{rng.randint(1, 99)} {rng.choice(STREETS)}\nExampletown",
            postcode=f"{POSTCODE_DISTRICT} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            created_by=by,
        )
        return self.w.add(child)
