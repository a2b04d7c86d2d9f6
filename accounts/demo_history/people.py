"""Fictional children for the demo history.

Surnames are made of invented syllables ("Zarnwhistle", "Quibbleprong") so no name belongs to a
real person; NHS numbers are in the 999 test range (valid check digit) or left blank; every
address is on an invented street in the postcode district ZZ9, which does not exist.
"""

from datetime import timedelta

from casework.models import Child

from .writer import POSTCODE_DISTRICT, HistoryWriter

FIRST_NAMES = {
    "2": ["Amara", "Bea", "Cleo", "Daisy", "Esme", "Freya", "Gracie", "Hallie", "Isla", "Juno"],
    "1": ["Alfie", "Bodhi", "Caleb", "Dex", "Ezra", "Finn", "Gus", "Hugo", "Idris", "Jude"],
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


class Children:
    """Makes children as they are needed (written with the rest of the history)."""

    def __init__(self, writer: HistoryWriter):
        self.w = writer
        self._nhs = nhs_numbers()

    def new(self, *, youngest=0, oldest=17, by=None) -> Child:
        rng = self.w.rng
        gender = rng.choice(list(FIRST_NAMES))
        age_days = rng.randint(youngest * 365 + 30, oldest * 365 + 300)
        child = Child(
            first_name=rng.choice(FIRST_NAMES[gender]),
            last_name=rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS),
            date_of_birth=self.w.today - timedelta(days=age_days),
            gender=gender,
            ethnicity=rng.choice(ETHNICITIES),
            nhs_number=next(self._nhs) if rng.random() < 0.8 else None,
            address=f"{rng.randint(1, 99)} {rng.choice(STREETS)}\nExampletown",
            postcode=f"{POSTCODE_DISTRICT} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            created_by=by,
        )
        return self.w.add(child)
