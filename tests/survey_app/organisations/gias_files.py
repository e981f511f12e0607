"""Synthetic files in the shape of DfE's GIAS establishment export: its real header (all of its
columns, in its order), quoted as GIAS quotes them, in Windows-1252 unless asked otherwise."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import msgspec

HEADER = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
    "TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),"
    "EstablishmentStatus (code),EstablishmentStatus (name),ReasonEstablishmentOpened (code),"
    "ReasonEstablishmentOpened (name),OpenDate,ReasonEstablishmentClosed (code),"
    "ReasonEstablishmentClosed (name),CloseDate,PhaseOfEducation (code),PhaseOfEducation (name),"
    "StatutoryLowAge,StatutoryHighAge,Boarders (code),Boarders (name),NurseryProvision (name),"
    "OfficialSixthForm (code),OfficialSixthForm (name),Gender (code),Gender (name),"
    "ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),Diocese (code),"
    "Diocese (name),AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,"
    "SpecialClasses (code),SpecialClasses (name),CensusDate,NumberOfPupils,NumberOfBoys,"
    "NumberOfGirls,PercentageFSM,TrustSchoolFlag (code),TrustSchoolFlag (name),Trusts (code),"
    "Trusts (name),SchoolSponsorFlag (name),SchoolSponsors (name),FederationFlag (name),"
    "Federations (code),Federations (name),UKPRN,FEHEIdentifier,FurtherEducationType (name),"
    "OfstedLastInsp,OfstedSpecialMeasures (code),OfstedSpecialMeasures (name),LastChangedDate,"
    "Street,Locality,Address3,Town,County (name),Postcode,SchoolWebsite,TelephoneNum,"
    "HeadTitle (name),HeadFirstName,HeadLastName,HeadPreferredJobTitle,"
    "BSOInspectorateName (name),InspectorateReport,DateOfLastInspectionVisit,"
    "NextInspectionVisit,TeenMoth (name),TeenMothPlaces,CCF (name),SENPRU (name),EBD (name),"
    "PlacesPRU,FTProv (name),EdByOther (name),Section41Approved (name),SEN1 (name),SEN2 (name),"
    "SEN3 (name),SEN4 (name),SEN5 (name),SEN6 (name),SEN7 (name),SEN8 (name),SEN9 (name),"
    "SEN10 (name),SEN11 (name),SEN12 (name),SEN13 (name),TypeOfResourcedProvision (name),"
    "ResourcedProvisionOnRoll,ResourcedProvisionCapacity,SenUnitOnRoll,SenUnitCapacity,"
    "GOR (code),GOR (name),DistrictAdministrative (code),DistrictAdministrative (name),"
    "AdministrativeWard (code),AdministrativeWard (name),ParliamentaryConstituency (code),"
    "ParliamentaryConstituency (name),UrbanRural (code),UrbanRural (name),GSSLACode (name),"
    "Easting,Northing,CensusAreaStatisticWard (name),MSOA (name),LSOA (name),"
    "InspectorateName (name),SENStat,SENNoStat,BoardingEstablishment (name),PropsName,"
    "PreviousLA (code),PreviousLA (name),PreviousEstablishmentNumber,OfstedRating (name),"
    "RSCRegion (name),Country (name),UPRN,SiteName,QABName (code),QABName (name),"
    "EstablishmentAccredited (code),EstablishmentAccredited (name),QABReport,CHNumber,"
    "MSOA (code),LSOA (code)"
).split(",")


class Row(msgspec.Struct, frozen=True, kw_only=True):
    """The cells a test cares about; every other column gets a plausible filler."""

    urn: str
    la_code: str = "845"
    la_name: str = "Westshire"
    number: str = "2001"
    name: str = "Oak Primary School"
    type: str = "Community school"
    status: str = "Open"
    phase: str = "Primary"
    postcode: str = "WS1 1AA"
    ukprn: str = "10012345"


def _cells(row: Row) -> list[str]:
    values = dict.fromkeys(HEADER, "Not applicable")
    values.update(
        {
            "URN": row.urn,
            "LA (code)": row.la_code,
            "LA (name)": row.la_name,
            "EstablishmentNumber": row.number,
            "EstablishmentName": row.name,
            "TypeOfEstablishment (name)": row.type,
            "EstablishmentStatus (name)": row.status,
            "PhaseOfEducation (name)": row.phase,
            "Postcode": row.postcode,
            "UKPRN": row.ukprn,
            "OpenDate": "01-09-2010",
            "CloseDate": "" if row.status != "Closed" else "31-08-2025",
            "Street": "1 School Lane",
            "Town": row.la_name,
            "HeadFirstName": "Sam",
            "HeadLastName": "Head",
        }
    )
    return [values[column] for column in HEADER]


def gias_csv(rows: Iterable[Row], encoding: str = "cp1252") -> bytes:
    """A GIAS-format file of these rows (``utf-8-sig`` for one Excel saved with a BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(_cells(row))
    return buffer.getvalue().encode(encoding)


#: Names of the other authorities' rows in a big file: every region of England, as GIAS has.
ELSEWHERE = [(f"{code:03d}", f"Area {code}") for code in range(201, 940, 5)]


def england(total: int, ours: int, la_code: str = "845") -> bytes:
    """A file the size of England's export: ``ours`` open schools of ``la_code`` among ``total``
    rows (every tenth elsewhere closed), with non-ASCII names as GIAS has them."""
    rows = []
    for n in range(total):
        if n < ours:
            code, area, name = la_code, "Westshire", f"St Mary’s Primary {n}"
            status = "Open"
        else:
            code, area = ELSEWHERE[n % len(ELSEWHERE)]
            name = f"Ysgol Gymraeg {n}" if n % 7 else f"Café Academy {n}"
            status = "Closed" if n % 10 == 0 else "Open"
        rows.append(
            Row(
                urn=str(100000 + n),
                la_code=code,
                la_name=area,
                number=f"{2000 + n % 8000}",
                name=name,
                status=status,
            )
        )
    return gias_csv(rows)
