namespace ClinChat.Phi.Tests;

/// <summary>
/// Engine 1.7.0: names that run on in lower-case and capitals-only text, places cued earlier in the clause or by a US state,
/// wards after a room number, "c/o to" and "called to", assisted-living facilities, and run-on numeric dates. All names invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiClauseAndWardCueTests(DetectorFixture fixture)
{
    private const string LowerCaseLine =
        "notified wound nurse, Mabel Fisher, and dr. okafor of the pressure ulcer on the left buttock; she will be by tomorrow to see the patient.";

    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData(LowerCaseLine, "Mabel Fisher")]
    [InlineData("PLAN: SEE THAT CASE MANAGEMENT CONTACTS MARGARET ANN QUIBORNE", "MARGARET ANN QUIBORNE")]
    public void Detect_NameRunsOnInOneCase_FlagsWholeName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("UOP DROPPED WITH ELEVATED PAPS, K FISHER ORDERED EPI DRIP TO BE INCREASED.", "K FISHER")]
    [InlineData("pt did break on her own. NP violet made aware, eps consulted. pt maintaining rate.", "violet")]
    [InlineData("will consult with molly tinkler re skin care.", "molly tinkler")]
    [InlineData("support was given by sw & molly fisher licws, contact was made with ethics", "molly fisher")]
    [InlineData("Family: Brother, Al, was updated by MD today.", "Al")]
    public void Detect_PersonCue_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("pt transferred to 412 brindlecombe.", "brindlecombe")]
    [InlineData("c/o to brindlecombe if continues to be stable.", "brindlecombe")]
    [InlineData("Cardiac arrest called To brindlecombe 6 At 0455. Pt was found unresponsive.", "brindlecombe")]
    [InlineData("social- son in all day, daughter is flying in at 6am tomorrow from Ravenna. will update.", "Ravenna")]
    [InlineData("DAUGHTER TO ARRIVE 9/9 @ APPROX 1900 FROM TUCSON.", "TUCSON")]
    [InlineData("SON WENT BACK HOME, DAUGHTER WILL RETURN TO Kalamazoo TOMORROW.", "Kalamazoo")]
    [InlineData("other family members including daughter Ilse of Ypsilanti visited this evening", "Ypsilanti")]
    [InlineData("given a brief overview of this poughkeepsie new york facility", "poughkeepsie")]
    [InlineData("Retired teacher from Tallahassee, Florida.", "Tallahassee")]
    [InlineData("He lives at Tallow Creek Assisted Living with a 24 hour aide.", "Tallow Creek")]
    [InlineData("given an overview of this ypsilanti michigan's facility", "ypsilanti")]
    [InlineData("Surgeon from Riverside in this eve to talk to pt.", "Riverside")]
    [InlineData("Wants to go to Riverside and wait for the heart.", "Riverside")]
    public void Detect_PlaceCue_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Theory]
    [InlineData("RADIATION THERAPY HAD TREATMENTS 10/03/10/04 AND DUE AGAIN TOMORROW", "10/03/10/04")]
    [InlineData("11/21.93\nneuro: alert and oriented, following commands.", "11/21.93")]
    [InlineData("Did well, transferred to Farnsworth.8/31. Readmitted to unit 9/3.", "8/31")]
    [InlineData("not oriented to place. stated march 21, 1899 then corrected self", "1899")]
    public void Detect_UnusualDateShape_FlagsDate(string text, string date) =>
        SpanAssert.Flags(_detector, text, date, PhiType.Date);

    [Fact]
    public void Detect_PhoneWithOneDigitTooManyAloneInBrackets_FlagsPhone() =>
        SpanAssert.Flags(_detector, "son and grandson both visited today.(410 555 01234) both met social work", "410 555 01234", PhiType.Phone);

    [Fact]
    public void Detect_ReferenceNumber_FlagsIdentifier() =>
        SpanAssert.Flags(_detector, "First step mattress ordered and should arrive this morning (ref # 4471902).", "4471902", PhiType.Id);

    [Theory]
    [InlineData("remains vented, ac 500x12x.4/5 peep. sedated.", "4/5")]
    [InlineData("strength 5/5/5/5 in all four extremities", "5/5/5/5")]
    [InlineData("K 3.8/4.1 after repletion", "3.8/4.1")]
    [InlineData("PT ARRIVED TO CCU ~ 2PM, IN NAD, SWAN PLACED UNDER FLUORO.", "NAD")]
    [InlineData("pt transferred to 412 on heparin drip.", "heparin")]
    [InlineData("c/o to floor if continues to be stable.", "floor")]
    [InlineData("Patient from Poughkeepsie reports cough; lives alone in a house near the river.", "river")]
    [InlineData("multi podus boot ordered for rt. foot drop prevention.", "boot")]
    [InlineData("support was given by sw & molly fisher licws, contact was made with ethics", "sw")]
    [InlineData("Pt returned from Surgery at noon, family made aware.", "Surgery")]
    [InlineData("Family: Brother, CT, was reviewed.", "CT")]
    public void Detect_ClinicalOrPlainLookAlikes_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
