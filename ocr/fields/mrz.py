"""The ICAO 9303 TD1 machine-readable zone (3 lines of 30) on Vietnamese chip cards.

The MRZ is the one place on a card with check digits, so it is how a misread
number or date is caught. For that to hold, OCR output is only normalised
where ICAO itself leaves no doubt (`«` is `<`, spaces are not MRZ characters);
a digit is never "corrected", because the check digit is there to say whether
it was read right.

Vietnamese layout: line 1 is `IDVNM`, the last 9 digits of the personal number
and their check digit, the 12-digit number, `<<` and the check digit of the
12-digit number; line 2 is birth date, sex, expiry (each date with its check
digit), `VNM`, filler and the composite check digit; line 3 is
`SURNAME<<GIVEN<NAMES` without diacritics.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ocr.fields.dates import DateError, parse_yymmdd
from ocr.fields.id_number import Sex, check_personal_number, read_sex
from search.folding import fold

LINE_LENGTH = 30
FILLER = "<"
NO_DATE = FILLER * 6
# Expiry is at most a few decades ahead (a card issued at 40 runs to 60); a
# wider window would read an expired card's "24" as 2124.
EXPIRY_YEARS_AHEAD = 50

_SEX = {"M": "Nam", "F": "Nữ"}
_WEIGHTS = (7, 3, 1)


class MrzError(ValueError):
    """Not three lines of 30 MRZ characters, so no part can be located."""


@dataclass(frozen=True)
class Td1:
    """The parts of a TD1 MRZ and everything found wrong with it.

    `birth_date` is None when it is not a real date; `expiry` is None both when
    the card has no expiry (`has_expiry` is False) and when it is not a real
    date; `issues` says which."""

    lines: tuple[str, str, str]
    document_number: str
    personal_number: str
    birth_date: date | None
    sex: Sex | None
    expiry: date | None
    surname: str
    given_names: str
    issues: tuple[str, ...]
    check_digits_hold: bool  # all five; a reading that passes them all was read right

    @property
    def valid(self) -> bool:
        return not self.issues

    @property
    def has_expiry(self) -> bool:
        return self.lines[1][8:14] != NO_DATE

    @property
    def full_name(self) -> str:
        """Surname first, as Vietnamese is written, in capitals without diacritics."""
        return f"{self.surname} {self.given_names}".strip()


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit of `text`: digits count as themselves, A-Z as
    10-35, `<` as 0, weighted 7, 3, 1 repeating, sum modulo 10."""
    total = 0
    for position, char in enumerate(text):
        if "0" <= char <= "9":
            value = ord(char) - ord("0")
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == FILLER:
            value = 0
        else:
            raise ValueError(f"{char!r} is not an MRZ character")
        total += value * _WEIGHTS[position % 3]
    return str(total % 10)


def normalise(text: str) -> tuple[str, str, str]:
    """The three MRZ lines of an OCR text block, or MrzError."""
    text = text.replace("«", FILLER)
    lines = [re.sub(r"[^\S\n]", "", line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) != 3:
        raise MrzError(f"expected 3 MRZ lines, found {len(lines)}")
    for number, line in enumerate(lines, 1):
        if len(line) != LINE_LENGTH:
            raise MrzError(f"MRZ line {number} has {len(line)} characters, not {LINE_LENGTH}")
        if bad := sorted(set(re.sub(r"[0-9A-Z<]", "", line))):
            raise MrzError(f"MRZ line {number} has characters outside 0-9 A-Z <: {''.join(bad)}")
    return lines[0], lines[1], lines[2]


def parse_td1(text: str, *, today: date | None = None) -> Td1:
    """Parse and verify a Vietnamese TD1 MRZ; raises MrzError only when the
    lines cannot be located, everything else is an issue.

    `today` (default: the system date) decides the century of the two-digit
    years: a birth date is not in the future, an expiry may be."""
    today = today or date.today()
    line1, line2, line3 = normalise(text)
    issues: list[str] = []
    failed_checks = 0

    def verify(label: str, field: str, printed: str) -> None:
        nonlocal failed_checks
        if printed != check_digit(field):
            failed_checks += 1
            issues.append(f"MRZ {label} check digit is {printed}, computed {check_digit(field)}")

    def read_date(label: str, field: str, latest: date) -> date | None:
        try:
            return parse_yymmdd(field, latest=latest)
        except DateError as error:
            issues.append(f"MRZ {label} {field!r}: {error}")
            return None

    if line1[:5] != "IDVNM":
        issues.append(f"MRZ line 1 starts {line1[:5]!r}, not 'IDVNM'")
    document_number, personal_number = line1[5:14], line1[15:27]
    verify("document number", document_number, line1[14])
    if not re.fullmatch(r"[0-9]{12}", personal_number) or line1[27:29] != FILLER * 2:
        issues.append(f"MRZ line 1 has {line1[15:29]!r} where the 12-digit number and '<<' belong")
    verify("personal number", personal_number, line1[29])
    if document_number != personal_number[3:]:
        issues.append(f"MRZ document number {document_number} is not the last 9 digits of {personal_number}")

    birth_date = read_date("birth date", line2[0:6], today)
    verify("birth date", line2[0:6], line2[6])
    sex = _SEX.get(line2[7])
    if sex is None:
        issues.append(f"MRZ sex {line2[7]!r} is neither M nor F")
    expiry = None
    if line2[8:14] != NO_DATE:
        expiry = read_date("expiry", line2[8:14], date(today.year + EXPIRY_YEARS_AHEAD, 12, 31))
    # ICAO lets a check digit over an all-filler field be a filler too.
    if not (line2[8:14] == NO_DATE and line2[14] == FILLER):
        verify("expiry", line2[8:14], line2[14])
    if line2[15:18] != "VNM":
        issues.append(f"MRZ nationality {line2[15:18]!r} is not 'VNM'")
    verify("composite", line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29])
    if re.fullmatch(r"[0-9]{12}", personal_number):
        issues.extend(check_personal_number(personal_number, sex=sex, birth_date=birth_date).issues)

    surname, _, given_names = line3.partition(FILLER * 2)
    return Td1(
        lines=(line1, line2, line3),
        document_number=document_number,
        personal_number=personal_number,
        birth_date=birth_date,
        sex=sex,
        expiry=expiry,
        surname=surname.replace(FILLER, " ").strip(),
        given_names=given_names.replace(FILLER, " ").strip(),
        issues=tuple(issues),
        check_digits_hold=failed_checks == 0,
    )


# Where TD1 lines hold digits only; OCR reads some digits as look-alike letters there.
_DIGIT_POSITIONS = {0: (*range(5, 15), *range(15, 27), 29), 1: (*range(0, 7), *range(8, 15), 29)}
_AS_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"})
_LINE2_TAIL = re.compile(r"^(.{15}VNM)<+(.)$")  # Vietnamese cards leave line 2's optional data empty
_LINE2_FILLERS = LINE_LENGTH - 19


def windows(reading: str) -> list[list[str]]:
    """Every three successive lines of an OCR reading that are long enough to be the MRZ."""
    lines = [line for line in reading.splitlines() if len(line.replace(" ", "")) >= LINE_LENGTH - 4]
    return [lines[start : start + 3] for start in range(len(lines) - 2)]


def holds_in(reading: str) -> bool:
    """Whether some three lines of `reading` are an MRZ whose check digits all hold."""
    for lines in windows(reading):
        try:
            if from_ocr(lines).check_digits_hold:
                return True
        except MrzError:
            continue
    return False


def from_ocr(lines: list[str], *, today: date | None = None) -> Td1:
    """Parse three OCRed MRZ lines, first undoing only what the layout leaves no doubt about.

    - Line 1 always opens "IDVNM"; OCR garbles the card's edge before it ("I1DVNM").
    - Digit-only positions read as look-alike letters ("O" for 0) are digits:
      every such position is covered by a check digit that must still hold.
    - Runs of filler only pad: line 3's tail and line 2's empty optional data
      have a fixed length that OCR may miscount.
    """
    first, second, third = (line.replace(" ", "").replace("«", FILLER) for line in lines)
    country = first.find("VNM")
    if 0 <= country and len(first) - country - 3 >= 25:
        first = "IDVNM" + first[country + 3 : country + 28]
    if match := _LINE2_TAIL.match(second):
        second = match.group(1) + FILLER * _LINE2_FILLERS + match.group(2)
    if third.endswith(FILLER) and len(third.rstrip(FILLER)) <= LINE_LENGTH - 1:
        third = third.rstrip(FILLER).ljust(LINE_LENGTH, FILLER)
    fixed = []
    for number, line in enumerate((first, second, third)):
        chars = list(line)
        for position in _DIGIT_POSITIONS.get(number, ()):
            if position < len(chars) and chars[position] != FILLER:
                chars[position] = chars[position].translate(_AS_DIGIT)
        fixed.append("".join(chars))
    return parse_td1("\n".join(fixed), today=today)


def _name_key(name: str) -> str:
    return " ".join(re.findall(r"[A-Z]+", fold(name).upper()))


def compare_with_printed(mrz: Td1, printed: Mapping[str, str | None]) -> list[str]:
    """Where the MRZ disagrees with what the card faces print.

    `printed` holds record field values (record.md: ISO dates, `Nam`/`Nữ`,
    `date_of_expiry` None for "Không thời hạn"), since that is what extraction
    produces; a key that is absent was not read and is not compared, nor is an
    MRZ part that could not be read."""
    mismatches = []

    def compare(label: str, mrz_value: str, printed_value: str) -> None:
        if mrz_value != printed_value:
            mismatches.append(f"MRZ {label} {mrz_value} differs from printed {printed_value}")

    if "id_number" in printed:
        compare("number", mrz.personal_number, str(printed["id_number"]))
    if "full_name" in printed:
        compare("name", mrz.full_name, _name_key(str(printed["full_name"])))
    if "sex" in printed and mrz.sex is not None:
        printed_sex = read_sex(str(printed["sex"]))
        compare("sex", mrz.sex, printed_sex or str(printed["sex"]))
    if "date_of_birth" in printed and mrz.birth_date is not None:
        compare("date of birth", mrz.birth_date.isoformat(), str(printed["date_of_birth"]))
    if "date_of_expiry" in printed and not (mrz.has_expiry and mrz.expiry is None):
        mrz_expiry = mrz.expiry.isoformat() if mrz.expiry else "none"
        compare("date of expiry", mrz_expiry, printed["date_of_expiry"] or "none")
    return mismatches


def make_td1(personal_number: str, *, full_name: str, birth_date: date, sex: Sex, expiry: date | None) -> tuple[str, str, str]:
    """A valid Vietnamese TD1 MRZ for specimens and tests.

    The first word of `full_name` is the surname, as on Vietnamese cards;
    a name too long for line 3 is cut, as ICAO allows. `expiry` None writes
    filler for a card without expiry."""
    if not re.fullmatch(r"[0-9]{12}", personal_number):
        raise ValueError(f"{personal_number!r} is not a 12-digit personal number")
    line1 = f"IDVNM{personal_number[3:]}{check_digit(personal_number[3:])}{personal_number}<<{check_digit(personal_number)}"
    birth = f"{birth_date:%y%m%d}"
    expires = f"{expiry:%y%m%d}" if expiry else NO_DATE
    sex_letter = {"Nam": "M", "Nữ": "F"}[sex]
    line2 = f"{birth}{check_digit(birth)}{sex_letter}{expires}{check_digit(expires)}VNM".ljust(LINE_LENGTH - 1, FILLER)
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    surname, _, given_names = _name_key(full_name).partition(" ")
    line3 = f"{surname}<<{given_names.replace(' ', FILLER)}".ljust(LINE_LENGTH, FILLER)[:LINE_LENGTH]
    return line1, line2, line3
