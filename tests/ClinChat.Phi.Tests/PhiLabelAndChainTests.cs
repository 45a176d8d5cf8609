namespace ClinChat.Phi.Tests;

/// <summary>
/// Engine 1.8.0, second modern development set: identifiers behind labels with a space instead of a colon, licence numbers with
/// a state or register prefix, grouped Medicare numbers, partial SSNs, asset tags and tail numbers; towns chained after a
/// found place, Australian and Canadian postcodes, more practice heads. All values are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiLabelAndChainTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Prior authorization PA-7731209 approved by the plan.", "PA-7731209", PhiType.Id)]
    [InlineData("member X1, claim 2025091800044, paid in full", "2025091800044", PhiType.Id)]
    [InlineData("on bail, case 2024-CR-01873, staying with his sister", "2024-CR-01873", PhiType.Id)]
    [InlineData("staff no. E-304417, works nights", "E-304417", PhiType.Id)]
    [InlineData("Filed as incident # HSD-INC-55210.", "HSD-INC-55210", PhiType.Id)]
    [InlineData("Member ID XOJ884712305, Group 117820", "117820", PhiType.HealthPlan)]
    [InlineData("UR 556120, Medicare 2953 71046 1", "2953 71046 1", PhiType.HealthPlan)]
    [InlineData("Kylie Quenby, UR 556120, seen today", "556120", PhiType.Mrn)]
    [InlineData("Ingrid Vos, PharmD, MN license RPH 118204.", "RPH 118204", PhiType.License)]
    [InlineData("Driver's license: RI 3318804", "RI 3318804", PhiType.License)]
    [InlineData("Aoife Quinlan, GP, Medical Council no. 408812", "408812", PhiType.License)]
    [InlineData("SSN: xxx-xx-4471 on the form", "4471", PhiType.Ssn)]
    [InlineData("Infusion pump, asset tag BW-INF-0214.", "BW-INF-0214", PhiType.Device)]
    [InlineData("Flown in by rotor wing, tail number N417AC.", "N417AC", PhiType.Vehicle)]
    [InlineData("nursing home visit on Friday 18th with her son", "18", PhiType.Date)]
    public void Detect_LabelledValue_FlagsIt(string text, string value, PhiType type) =>
        SpanAssert.Flags(_detector, text, value, type);

    [Theory]
    [InlineData("Tallowmere University Hospital ED, Kirkcaldy, Dundee DD1 9SY", "Kirkcaldy")]
    [InlineData("Tallowmere University Hospital ED, Brackmoor, Dundee", "Dundee")]
    [InlineData("From Quenbury Medical Centre, Unit 58, Calgary to the coast.", "Calgary")]
    [InlineData("St Aldhelm's Private Hospital, Fitzroy VIC 3065. Patient seen.", "Fitzroy VIC 3065")]
    [InlineData("Clinic address: 1200 Quenbury Avenue, Ottawa ON K1Z 7M4", "K1Z 7M4")]
    [InlineData("Referred to Quenbury County Housing Authority for a flat.", "Quenbury County Housing Authority")]
    [InlineData("Recently released from Tallowmere County Jail; on probation.", "Tallowmere County Jail")]
    [InlineData("Lena Brack, PA-C, Coastal Urgent Care of Brunswick", "Coastal Urgent Care of Brunswick")]
    [InlineData("Read at Quenbury Regional Health System by the night team.", "Quenbury Regional Health System")]
    [InlineData("Attends St. Quenbury's Catholic Church on Sundays.", "St. Quenbury's Catholic Church")]
    public void Detect_ChainedOrNamedPlace_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Theory]
    [InlineData("in case 1000 mL is not enough, call", "1000")]
    [InlineData("reference range 3.5-5.0 mmol/L", "3.5-5.0")]
    [InlineData("Fracture clinic Monday for a check film.", "Fracture clinic")]
    [InlineData("Nearest ED is twenty minutes away.", "Nearest")]
    [InlineData("Marie Quenby, OHIP 4827-551-332-AB", "OHIP")]
    [InlineData("Renata Brack, LPCC.", "LPCC")]
    public void Detect_LookAlikes_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
