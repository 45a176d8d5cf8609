using System.Text.RegularExpressions;

namespace ClinChat.Phi.Detection;

/// <summary>Street addresses (US and common European shapes), PO boxes and military addresses, with their trailing city/state/ZIP lines.</summary>
internal static partial class AddressRecognizer
{
    private const string Cap = @"[\p{Lu}][\p{L}'’.-]*";
    private const string Suffix =
        "(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|" +
        "Square|Sq|Trail|Trl|Alley|Plaza|Loop|Pike|Crossing|Path|Row|Gateway|Rapids|Ridge|Heights|Hills?|Park|Point|Pointe|Run|Walk|Commons|Crescent|" +
        "Close|Mews|Grove|Gardens|Green|Estates?|Expressway|Freeway|Turnpike|Route|Rte|Causeway|Landing|Meadows?|Views?|Harbor|Junction|Station|" +
        "Village|Valley|Springs?|Shores?|Creek|Brook|Falls|Island|Isle|Manor|Mill|Orchard|Pass|Pines|Port|Ranch|Radial|Stravenue|Summit|Track|Vista|Knoll|Forge|Ford|Fort|Glen|Hollow|Lake|Lakes|Oval)";

    private const string Unit = @"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Floor|Fl|Room|Rm|#)\.?\s*#?\s*[A-Z0-9-]{1,6})?";

    // Trailing "\nCity\n, ST\n Country 12345" or ", Baltimore, MD 21201": capitalised segments and codes only.
    private const string Tail = @"(?:[ \t]*[,\n][ \t]*(?:" + Cap + @"(?:[ \t]+" + Cap + @"){0,3}|[A-Z]{2}|nan)(?:[ \t]+\d{4,5}(?:-\d{3,4})?)?){0,4}";

    [GeneratedRegex(
        @"(?<![\w-])\d{1,6}[A-Z]?(?:\s+\d{1,5})?\s+(?:[NSEW]\.?\s+)?(?:" + Cap + @"\s+){0,3}?" + Suffix + @"\b\.?(?:\s+\d{1,5}\b)?" + Unit + Tail +
        @"|\b(?:Rue|Rua|Via|Calle|Avenida|Avenue|Av\.|ul\.|Piazza|Piazzetta|Viale|Corso|Largo|Strada|Travessa|Praça|Plac|Aleja|Al\.)\s+(?:" + Cap + @"\s+){0,3}?(?:" + Cap + @"\s+)?\d{1,5}[a-z]?\b" + Unit + Tail +
        @"|\b\d{1,5}\s+(?:Rue|Rua|Via|Calle|Avenida|Avenue)\s+(?:" + Cap + @"\s*){1,4}" + Tail +
        @"|\b[\p{Lu}][\p{L}-]*(?:gata|gatan|gade|vej|veien|vegen|weg|straße|strasse|str\.|gasse|laan|straat|katu|tie|kuja|polku|utca|ulica|cesta|iela|gatve|tee|vegur|allee|platz|plein|kade|singel|ova|ská|ho)\s+\d{1,5}[a-z]?\b" + Unit + Tail +
        @"|\b[\p{Lu}][\p{L}-]+(?:\s+[\p{Lu}][\p{L}-]+){0,2}\s+u\.\s+\d{1,5}\.?" +
        @"|\bP\.?\s?O\.?\s+Box\s+\d{1,6}" + Unit + Tail +
        @"|\b(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s*\n?\s*[ADF]PO\s+A[AEP]\s+\d{5})?" +
        @"|\bUS[NS]?[CN]?[GC]?C?\s+" + Cap + @"\s*\n?\s*FPO\s+A[AEP]\s+\d{5}" +
        @"|\b(?:Apt|Apartment|Suite|Ste)\.?\s*#?\s*\d{1,6}[A-Z]?\b",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Address();

    public static void Find(string text, List<PhiSpan> spans)
    {
        foreach (var m in Address().EnumerateMatches(text))
        {
            var end = m.Index + m.Length;
            while (end > m.Index && (char.IsWhiteSpace(text[end - 1]) || text[end - 1] is ',' or '.'))
            {
                end--;
            }

            spans.Add(new PhiSpan(m.Index, end, PhiType.Location, 0.85));
        }
    }
}
