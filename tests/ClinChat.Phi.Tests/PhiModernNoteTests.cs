namespace ClinChat.Phi.Tests;

/// <summary>
/// Engine 1.8.0, modern note shapes: streets named without a house number, towns after a branch or before a state code, UK, Irish and
/// European postal codes with their towns, day-first dates, and identifiers behind labels that need no "number" (accession, CSN,
/// badge, case, GMC, CLIA, plate). All values are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiModernNoteTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Lives alone in a flat on Quenbury Street, walks with a stick.", "Quenbury Street")]
    [InlineData("Neighbour found him on Juniper Court near the mailbox.", "Juniper Court")]
    [InlineData("Condo on W Tallowmere Rd. Quit smoking in 2001.", "W Tallowmere Rd")]
    [InlineData("Brackwater Road, Quenbury QB7 4QF\nTel: 0161 496 0000", "Brackwater Road")]
    [InlineData("Brackwater Road, Quenbury QB7 4QF\nTel: 0161 496 0000", "Quenbury QB7 4QF")]
    [InlineData("Address: Flat 2, 19 Kettle Street, Norwich NR1 3AQ", "Norwich NR1 3AQ")]
    [InlineData("Rheumatology, Galway H91 YR71", "Galway H91 YR71")]
    [InlineData("Feldweg 18, 80331 München", "80331 München")]
    [InlineData("Please send it to Keystone Pharmacy #1042, Issaquah. Thanks", "Issaquah")]
    [InlineData("Pharmacy: Keystone Pharmacy, Ames - call ahead.", "Ames")]
    [InlineData("Place of death: Quenbury Nursing and Rehabilitation, Abilene, TX", "Abilene")]
    [InlineData("He lives in Quenbury County with his son.", "Quenbury County")]
    [InlineData("Ward: Kestrel Ward, Tallowmere General Hospital", "Kestrel Ward")]
    [InlineData("Sings in the choir at Quenbury Baptist Church on Sundays.", "Quenbury Baptist Church")]
    [InlineData("Facility: Quenbury Surgical Center, OR 4", "Quenbury Surgical Center")]
    [InlineData("Place of death: Tallow Creek Hospice, at 03:10", "Tallow Creek Hospice")]
    [InlineData("Last week he ended up in Xenia and was upset.", "Xenia")]
    public void Detect_ModernPlaceShape_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Theory]
    [InlineData("treated with hemiarthroplasty 18/01/2025 without complication", "18/01/2025")]
    [InlineData("Patient: Odile Brack, DOB 21/10/1978, MRN G0448127", "21/10/1978")]
    public void Detect_DayFirstDate_FlagsDate(string text, string date) =>
        SpanAssert.Flags(_detector, text, date, PhiType.Date);

    [Theory]
    [InlineData("ACCESSION: CT2405510937   DATE OF EXAM: 05/19/2024", "CT2405510937", PhiType.Id)]
    [InlineData("Date/time: 1/9/25 08:05   Accession XR000712338   Ordering: NP", "XR000712338", PhiType.Id)]
    [InlineData("MRN: E00772193   CSN: 310044871265", "310044871265", PhiType.Id)]
    [InlineData("D: 12/06/2024 T: 12/07/2024  Job #4418203", "4418203", PhiType.Id)]
    [InlineData("per the officer on scene, badge 4471, at the crossing", "4471", PhiType.Id)]
    [InlineData("Case: A-2024-0117   Decedent: on file", "A-2024-0117", PhiType.Id)]
    [InlineData("Poison control case 24-118830 was opened.", "24-118830", PhiType.Id)]
    [InlineData("Dr L. Quenby, ST3 EM, GMC 7123456", "7123456", PhiType.License)]
    [InlineData("Meridian Laboratories, CLIA 05D2048871, Quenbury", "05D2048871", PhiType.License)]
    [InlineData("Restrained driver of a sedan (plate 8FKW219) struck on the side", "8FKW219", PhiType.Vehicle)]
    [InlineData("DOB: 30/11/1991   Hosp no: RW4418027", "RW4418027", PhiType.Mrn)]
    [InlineData("OHIP 1234-567-890-AB on file", "1234-567-890-AB", PhiType.HealthPlan)]
    [InlineData("Prior authorization: PA88213 approved", "PA88213", PhiType.Id)]
    [InlineData("Rx #4412093 refilled today", "4412093", PhiType.Id)]
    [InlineData("Pathology #: S24-11872 pending", "S24-11872", PhiType.Id)]
    [InlineData("Insurance: Quenbury Mutual, ID W123456789", "W123456789", PhiType.Id)]
    [InlineData("UR number 0041 2290 on the wristband", "0041 2290", PhiType.Mrn)]
    public void Detect_LabelledIdentifier_FlagsValue(string text, string value, PhiType type) =>
        SpanAssert.Flags(_detector, text, value, type);

    [Theory]
    [InlineData("DOB: 11/02/1932 (92 y)\nAdmission date: 12/01/2024", "92")]
    [InlineData("Pt Odell Brackley, 90M, MRN 3317702, portable film", "90")]
    [InlineData("Bay 2, bed 4: Mrs Doris Quenbury, 96, admitted with a fall", "96")]
    [InlineData("from home with his wife Delphine (92). Lives nearby.", "92")]
    public void Detect_AgeOverEightyNine_FlagsAge(string text, string age) =>
        SpanAssert.Flags(_detector, text, age, PhiType.Age);

    [Theory]
    [InlineData("contact the helpline on 0161 496 0755 or by e-mail", "0161 496 0755")]
    [InlineData("Husband aware, mob 07700 900917.", "07700 900917")]
    public void Detect_UkNumberWithTrunkZero_FlagsPhone(string text, string phone) =>
        SpanAssert.Flags(_detector, text, phone, PhiType.Phone);

    [Theory]
    [InlineData("It was 8.1 in March and 7.4 now.", "March")]
    [InlineData("No falls since May.", "May")]
    public void Detect_MarchOrMayAfterTimePreposition_FlagsDate(string text, string month) =>
        SpanAssert.Flags(_detector, text, month, PhiType.Date);

    [Theory]
    [InlineData("Follow-up: postpartum visit at Bloom Womens Health in six weeks", "Bloom Womens Health")]
    [InlineData("seen at Lakeland Heart and Vascular Institute today", "Lakeland Heart and Vascular Institute")]
    [InlineData("Pinecrest Neurology Associates\n4120 Quenbury Parkway", "Pinecrest Neurology Associates")]
    public void Detect_PracticeNamedAfterEponymOrPlace_FlagsLocation(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Location);

    [Theory]
    [InlineData("Date of autopsy: 12/22/2024\nPlace of death: at home", "Place")]
    [InlineData("Typed: 14/03/2025\nCourt date moved again", "Court")]
    [InlineData("Seen 3/27/2025   Acadiana Medical Center ED", "ED")]
    [InlineData("You may be able to stop it in May if the scan is clear.", "may be")]
    [InlineData("T 99F, HR 88, BP 120/80", "99F")]
    public void Detect_DateNextToAddressWords_StaysADateOnly(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("VENT: PEAK 28, PLATEAU 21, SATS STABLE.", "21")]
    [InlineData("Platelets fell overnight, now 164 (was 201).", "164")]
    [InlineData("walked down the street and back on the road", "street")]
    [InlineData("in case 2 doses are missed, call the clinic", "2 doses")]
    [InlineData("strength 5/5 in all four, BP 132/84", "5/5")]
    [InlineData("moved to the Isolation Ward overnight", "Isolation Ward")]
    [InlineData("Site: Left upper back, shave biopsy.", "Left upper back")]
    [InlineData("ID: T-max 100.6, on vancomycin day 3", "100.6")]
    [InlineData("Vital signs pre-rx: 148/60, during rx: 140/60", "148/60")]
    [InlineData("Lab: normal. Visit: annual physical.", "normal")]
    [InlineData("Follow up with the Community Church volunteers", "Community Church")]
    public void Detect_LookAlikes_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
