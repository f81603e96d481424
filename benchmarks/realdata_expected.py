"""Expected final stages of a sample of real histories, written by reading each one (no rows here).

Each entry: (court, bill, expected stage as of the day after the court's last row in the file,
the pattern the history shows). The rows themselves stay in ../shared/realdata; the stages are our
own reading of them. benchmarks.realdata reports how many whole histories end as expected.
"""

from __future__ import annotations

EXPECTED: tuple[tuple[int, str, str, str], ...] = (
    (192, "H3190", "signed", "plain path to a signature"),
    (192, "H3152", "replaced", "Accompanied a new draft, see ..."),
    (192, "H1001", "replaced", "folded into another bill: Accompanied S555"),
    (192, "H1024", "replaced", "folded into another bill: Accompanied H991"),
    (192, "S555", "reported_favorably", "host of a folded bill: Accompanied by H1001"),
    (192, "H4270", "reported_favorably", "committee new draft: Reported from the committee on ..."),
    (192, "H3701", "replaced", "conference report as a new bill: Reported by H3770"),
    (192, "H3770", "signed", "Reported on H3701; Signed (in part), Chapter N; a section over veto"),
    (192, "H3871", "replaced", "Reported by H3973, then Accompanied H3973"),
    (192, "H3973", "signed", "conference bill: Reported on H3871, signed with its chapter"),
    (192, "H1", "replaced", "Reported, in part, by H4000"),
    (192, "S123", "replaced", "New draft substituted, see S2616"),
    (192, "H1222", "replaced", "Amended by substitution of a bill with the same title, see ..."),
    (192, "H3306", "replaced", "ought NOT to pass, then amended by substitution of a bill"),
    (192, "S460", "replaced", "Substituted by a bill, see H5067"),
    (192, "H3947", "signed", "the substitute: Substituted for H2168"),
    (192, "S2704", "passed_senate", "Recommended new draft of ..., then Substituted for ..."),
    (192, "H3771", "replaced", "amendment text: Recommended new text for H3702"),
    (192, "H4249", "replaced", "amendment text: Text of an amendment, see S2557"),
    (192, "H3904", "in_committee", "late file admitted: Reported, referred to ... Joint Rules ..."),
    (192, "H3926", "in_committee", "late file admitted, then a hearing and an extension"),
    (192, "H3936", "enacted", "Laid before the Governor (no signature in the file yet)"),
    (192, "H102", "dead", "Pending new draft of H96, then Rejected"),
    (192, "H4425", "dead", "an order adopted, reconsidered, then Rejected"),
    (192, "H2186", "reported_unfavorably", "ought NOT to pass, then Orders of the Day"),
    (192, "H2485", "reported_unfavorably", "ought NOT to pass, then Orders of the Day"),
    (192, "S1030", "reported_favorably", "ought NOT to pass, recommitted, reported favorably"),
    (192, "H4363", "passed_both", "joint order: House adopted, in concurrence"),
    (192, "H4364", "passed_both", "joint order: Adopted, in concurrence"),
    (192, "H4005", "veto_overridden", "passed over veto, then Chapter N of the Acts of N"),
    (192, "H3774", "signed", "reorganization plan approved, then signed"),
    (192, "H76", "reported_favorably", "constitutional amendment before the joint session"),
)
