namespace ClinChat.Phi.Tests;

/// <summary>
/// Engine 1.7.0: names that run on in lower-case and capitals-only text, persons before "ordered" or "made aware", places cued
/// earlier in the clause, by a US state or by a coordinated facility, wards after a room number, "c/o to" and "called to",
/// assisted-living facilities, and unusual date, phone and reference-number shapes. All names and sentences are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiClauseAndWardCueTests(DetectorFixture fixture)
{
    private const string LowerCaseLine =
        "paged skin team re sacral redness; Mabel Fisher, their nurse, and dr. okafor plan a review after lunch and suggest barrier cream.";

    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData(LowerCaseLine, "Mabel Fisher")]
    [InlineData("DISPO: SOCIAL WORK TO PHONE MARGARET ANN QUIBORNE", "MARGARET ANN QUIBORNE")]
    public void Detect_NameRunsOnInOneCase_FlagsWholeName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("LACTATE RISING; K FISHER ORDERED A SECOND BOLUS.", "K FISHER")]
    [InlineData("hr in the 140s since noon. NP violet made aware, repeat ecg done. rate now lower.", "violet")]
    [InlineData("plan to discuss with molly tinkler about the wound vac.", "molly tinkler")]
    [InlineData("the family met sw & molly fisher licws, and chose hospice", "molly fisher")]
    [InlineData("Visitors: Brother, Al, phoned twice this evening.", "Al")]
    [InlineData("quiet night, calm and polite to pt, Mabel. no visitors yet.", "Mabel")]
    [InlineData("Seen by Dr. Okonkwo-Reyes this morning.", "Okonkwo-Reyes")]
    [InlineData("Consent signed by her son Tobias Fisher-Quiborne today.", "Fisher-Quiborne")]
    [InlineData("My grandmother was called Yulanne Peres, and she lived to 99.", "Yulanne Peres")]
    [InlineData("Is that the best album? Ostrowicz and Bowers were brilliant engineers.", "Bowers")]
    public void Detect_PersonCue_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("moved to 412 brindlecombe after the echo.", "brindlecombe")]
    [InlineData("c/o to brindlecombe when pressors are off.", "brindlecombe")]
    [InlineData("Rapid response called To brindlecombe 6 overnight for a fall.", "brindlecombe")]
    [InlineData("niece driving up, should land at noon tomorrow from Ravenna. will call.", "Ravenna")]
    [InlineData("BROTHER DUE TO ARRIVE 6/2 AROUND 1500 FROM TUCSON.", "TUCSON")]
    [InlineData("NIECE LEFT FOR THE AIRPORT, HUSBAND WILL RETURN TO Kalamazoo ON FRIDAY.", "Kalamazoo")]
    [InlineData("several cousins and a niece Ilse of Ypsilanti came by after supper", "Ypsilanti")]
    [InlineData("explained the ypsilanti michigan's rehab unit to the family", "ypsilanti")]
    [InlineData("he chose a poughkeepsie new york program for rehab", "poughkeepsie")]
    [InlineData("Retired teacher from Tallahassee, Florida.", "Tallahassee")]
    [InlineData("He lives at Tallow Creek Assisted Living with a 24 hour aide.", "Tallow Creek")]
    [InlineData("A fellow from Riverside phoned about the bed.", "Riverside")]
    [InlineData("She hopes to go to Riverside for her rehab.", "Riverside")]
    [InlineData("REFERRALS SENT TO TALLOWMERE REHAB AND QUENBURY. AWAITING REPLIES.", "QUENBURY")]
    public void Detect_PlaceCue_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Theory]
    [InlineData("CHEMO GIVEN 11/05/11/06 WITH NO REACTION", "11/05/11/06")]
    [InlineData("12/02.97\nresp: lungs clear, on room air.", "12/02.97")]
    [InlineData("Stable, went to Farnsworth.4/17. Came back to us 4/20.", "4/17")]
    [InlineData("asked the year, she said june 3, 1887 and laughed.", "1887")]
    [InlineData("PMH: HTN.\n CVA 98'.\n OBESITY.", "98")]
    public void Detect_UnusualDateShape_FlagsDate(string text, string date) =>
        SpanAssert.Flags(_detector, text, date, PhiType.Date);

    [Fact]
    public void Detect_PhoneWithOneDigitTooManyAloneInBrackets_FlagsPhone() =>
        SpanAssert.Flags(_detector, "niece left her number.(410 555 01234) please call after six", "410 555 01234", PhiType.Phone);

    [Fact]
    public void Detect_ReferenceNumber_FlagsIdentifier() =>
        SpanAssert.Flags(_detector, "Air mattress delivery booked (ref # 4471902).", "4471902", PhiType.Id);

    [Theory]
    [InlineData("on the vent, ac 450x14x.5/5 peep, suctioned small amounts.", "5/5")]
    [InlineData("strength 5/5/5/5 in all four extremities", "5/5/5/5")]
    [InlineData("K 3.8/4.1 after repletion", "3.8/4.1")]
    [InlineData("CAME UP FROM THE ED AT 3PM, IN NAD, LINES INTACT.", "NAD")]
    [InlineData("transferred to 412 on heparin drip.", "heparin")]
    [InlineData("c/o to floor when pressors are off.", "floor")]
    [InlineData("Patient from Poughkeepsie reports cough; lives alone in a house near the river.", "river")]
    [InlineData("heel protector splint ordered for the left foot.", "splint")]
    [InlineData("the family met sw & molly fisher licws, and chose hospice", "sw")]
    [InlineData("Pt returned from Surgery at noon, family made aware.", "Surgery")]
    [InlineData("Family: Brother, CT, was reviewed.", "CT")]
    [InlineData("Wedge removed. HOB 45'. Sitting up comfortably.", "45")]
    [InlineData("AMB 60' WITH A ROLLING WALKER.", "60")]
    [InlineData("Referred to Tallowmere Rehab and PT. Plan unchanged.", "PT")]
    [InlineData("HR 130S. DR. QUIBORNE AWARE-ORDER FOR METOPROLOL 5MG IV GIVEN.", "ORDER")]
    [InlineData("niece rang-family will visit after the weekend", "family")]
    [InlineData("NTG GTT RE-STARTED FOR SBP 170, TEAM INFORMED.", "STARTED")]
    [InlineData("drains: chest tube patent, as is the arterial line left radial.", "line")]
    [InlineData("weaning trial: the rn, the rrt and the md agreed.", "rrt")]
    [InlineData("He was called to see her at noon by the ward.", "see")]
    [InlineData("Rales and Wheezes were heard at both bases.", "Wheezes")]
    public void Detect_ClinicalOrPlainLookAlikes_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
