using System.Text.RegularExpressions;
using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi.Detection;

/// <summary>Street addresses (US and common European shapes), PO boxes and military addresses, with their trailing city/state/ZIP lines.</summary>
internal static partial class AddressRecognizer
{
    private const string Cap = @"[\p{Lu}][\p{L}'’.-]*";
    private const string Suffix =
        "(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|" +
        "Square|Sq|Trail|Trl|Alley|Plaza|Loop|Pike|Crossing|Path|Row|Gateway|Rapids|Ridge|Heights|Hills?|Park|Point|Pointe|Run|Walk|Commons|Crescent|" +
        "Close|Mews|Grove|Gardens|Green|Estates?|Expressway|Freeway|Turnpike|Route|Rte|Causeway|Landing|Meadows?|Views?|Harbor|Junction|Station|" +
        "Village|Valley|Springs?|Shores?|Creek|Brook|Falls|Island|Isle|Manor|Mill|Orchard|Pass|Pines|Port|Ranch|Radial|Stravenue|Summit|Track|Vista|Knoll|Forge|Ford|Fort|Glen|Hollow|Lake|Lakes|Oval|" +
        // The rest of the USPS street suffixes (plurals included), as address generators and real mail use them.
        "Streets|Roads|Courts|Squares|Parks|Forks?|Dams?|Bypass|Byp|Burgs?|Camp|Canyon|Cape|Cliffs?|Clubs?|Corners?|Coves?|Crest|Curve|Dale|Divide|" +
        "Extensions?|Fields?|Flats?|Fords|Harbors?|Haven|Inlet|Keys?|Knolls|Lights?|Locks?|Lodge|Mall|Motorway|Mount|Mountains?|Neck|Overpass|" +
        "Prairie|Ramp|Rest|Routes|Shoals?|Skyway|Spurs?|Stream|Throughway|Tunnel|Underpass|Unions?|Ville|Vistas|Walks|Wall|Ways|Wells?|Centers?|Plains?|Ports|Ridges|Drives|Lanes|Ranches|Passage|Ovals|Glens|Groves|Gardens|Pine|Parkways|Hills|Isles|Islands|Brooks|Trails|Viaduct|Lanes)";

    private const string UnitPart = @"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Floor|Fl|Room|Rm|#)\.?\s*#?\s*[A-Z0-9-]{1,6})";
    private const string Unit = UnitPart + "?";

    // Trailing "\nCity\n, ST\n Country 12345", "|> Suite 12|> Tampere|> Finland 33100" or ", Dunmore, PA 18512": each segment is a
    // whole line or comma field holding only capitalised words, a unit, a state code or a postal code.
    private const string Code = @"(?:\d{3,6}(?:[ -]\d{2,4})?|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|\d{4}[ ]?[A-Z]{2})";
    private const string Particle = @"(?:de|del|della|da|do|dos|das|des|di|du|la|le|les|van|von|der|den|ten|ter|y|e|am|an|im|auf|bei|sur|sous|upon|on|nad|pod|na|u|v|aan|op)";
    private const string PlaceName = Cap + @"(?:[ \t]+(?:" + Particle + @"[ \t]+)?" + Cap + @"){0,3}(?:[ \t]+\(\p{L}+\))?";
    private const string Segment = @"(?:(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Floor|Fl|Room|Rm)\.?[ \t]*#?[ \t]*[A-Z0-9-]{1,6}|" + PlaceName + @"(?:[ \t]+(?:[A-Z]{2,3}|nan))?(?:[ \t]+" + Code + @")?|[A-Z]{2,3}(?:[ \t]+" + Code + @")?|nan(?:[ \t]+" + Code + @")?|" + Code + @")";
    // Segments are separated by a comma or a line break (a blank line or a "> " quote prefix too), at most two at a time.
    // A segment that ends in a postal code may run on into the sentence ("..., Gdańsk, Poland 52096 last night").
    private const string Tail = @"(?:[ \t]*[,\n][ \t>|?•*]*(?:[,\n][ \t>|?•*]*){0,2}" + Segment + @"(?=[ \t]*(?:[,\n.?!;)]|$)|(?<=\d)[ \t]+\p{Ll})){0,6}";

    // "... Apt. 5 Tamsworth Oregon", "... Suite 12 Marbury VIC", "... Drive Harrowfield South Africa": a one-line address runs on into its
    // city, region and country without a comma. Only capitalised words (or a state code or postal code) up to the end of the line, a
    // punctuation mark or a lower-case word qualify, so "12 Elm St with his wife" stays a street.
    private const string SameLine = @"(?:[ \t]+(?:" + PlaceName + @"(?:[ \t]+(?:[A-Z]{2,3}|nan))?(?:[ \t]+" + Code + @")?)(?=[ \t]*(?:[,\n.?!;)]|$)|[ \t]+\p{Ll}))?";

    // "4417 Ruiskuja 28", "12 Fő tér 7.", "86 Rua das Gaivotas 1201": house or building number, street words, number.
    private const string StreetWord = @"[\p{L}][\p{L}'’-]*\.?";
    private const string NumberedStreet = @"\d{1,6}[A-Z]?(?:[ \t]+\d{1,5})?[ \t]+(?<w>" + StreetWord + @"(?:[ \t]+" + StreetWord + @"){0,3})[ \t]+\d{1,5}[a-z]?\b\.?";

    // The house number starts no date ("12/22/2024 Place ...") and shares the street's line ("... 2025\nDr Okafor" is a letterhead).
    [GeneratedRegex(@"(?<![\w/.-])\d{1,6}[A-Z]?(?:[ \t]+\d{1,5})?[ \t]+(?:[NSEW]\.?[ \t]+)?(?:" + Cap + @"[ \t]+){0,3}" + Suffix + @"\b\.?(?:\s+\d{1,5}\b)?" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex USStreet();

    [GeneratedRegex(@"(?:\b(?:Rue|Rua|Via|Calle|Avenida|Avenue|Av\.|ul\.|Piazza|Piazzetta|Viale|Corso|Largo|Strada|Travessa|Praça|Plac|Aleja|Al\.)|(?<![\w/])C/)\s+(?:(?:dei|degli|delle|della|del|de|di|da|do|das|dos|des|du|la|le)\s+)?(?:" + Cap + @"\s+){0,3}?(?:" + Cap + @"\s+)?\d{1,5}[a-z]?\b" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex EuropeanLeadingType();

    [GeneratedRegex(@"\b\d{1,6}(?:\s+\d{1,5})?\s+(?:Via|Avenue|(?i:rue|rua|r[úu]a|calle|avenida|strada|viale|piazza|corso))\s+(?:(?:" + Particle + @"[ \t]+)?[\p{L}][\p{L}'’.-]*[ \t]*){1,4}(?:\d{1,5}\b)?" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NumberedEuropeanType();

    // "the corner of 12 Larkspur Road and Fennimore Street": an intersection; the second street starts with a capital.
    [GeneratedRegex(@"(?:\bthe\s+)?\bcorner\s+of\s+(?=[^\n]{0,40}?\d)[^\n,;?!]{3,60}?\s+and\s+[\p{Lu}][\p{L}'’.-]*(?:[ \t]+[\p{L}][\p{L}'’.-]*){0,3}", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Intersection();

    [GeneratedRegex(@"\b(?:\d{1,6}[ \t]+)?(?=[\p{Lu}][\p{L}-]*\.?\s+\d)[\p{Lu}][\p{L}-]*(?:gata|gatan|gade|vej|veien|vegen|weg|straße|strasse|str\.|gasse|laan|straat|katu|tie|kuja|polku|utca|ulica|cesta|iela|gatve|tee|vegur|allee|platz|plein|kade|singel|ova|ská|ho)\s+\d{1,5}[a-z]?\b" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NordicStreet();

    // "Kornblumen Strasse 14", "Bükkfa útja 9.", "Rózsa utca 7": the street type as its own word between the name and the number.
    [GeneratedRegex(@"\b\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{L}[\p{L}'’-]+){0,2}[ \t]+(?:Strasse|Straße|Str\.|Weg|Gasse|Platz|Allee|Ufer|Damm|Straat|Laan|Gracht|Plein|Kade|Singel|Gade|Vej|Gata|Gatan|Katu|Tie|(?i:út|útja|utca|körút|tér|tere|ulica|ul\.))[ \t]+\d{1,5}[a-z]?\b\.?" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex StreetTypeWord();

    [GeneratedRegex(@"\b[\p{Lu}][\p{L}-]+(?:[ \t]+[\p{Lu}][\p{L}-]+){0,2}[ \t]+u\.[ \t]+\d{1,5}\.?", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex HungarianStreet();

    [GeneratedRegex(@"\b(?:\d{1,6}[ \t]+)?(?:(?i:p\.?\s?o\.?\s+box)|Postbox|Postfach|Post Box)\s+\d{1,6}\b" + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PoBox();

    [GeneratedRegex(@"\b(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s*\n?\s*[ADF]PO\s+A[AEP]\s+\d{5})?", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.IgnoreCase)]
    private static partial Regex MilitaryBox();

    [GeneratedRegex(@"\b(?i:uss|usns|usnv|uscgc)\s+\p{L}[\p{L}'’.-]*\s*\n?\s*(?i:fpo\s+a[aep])\s+\d{5}", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex MilitaryShip();

    [GeneratedRegex(@"\b(?:(?i:apt|apartment|suite)|Ste)\.?\s*#?\s*\d{1,6}[A-Z]?\b", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex UnitOnly();

    // After an address cue the number-led rest of the phrase is the address, whatever its case or language: "lives at 14 elm st",
    // "address: 58 avenida do sol 4 suite 9, coimbra, portugal 3000". It stops at a sentence end or a following clause.
    [GeneratedRegex(@"\b(?:lives?\s+at|living\s+at|resides?\s+at|residing\s+at|address(?:\s+is)?\s*[:\-]?|located\s+at|(?:sent|send|ship|shipped|deliver|delivered|mail|mailed)\s+(?:it\s+)?to|drops?\s+you\s+off\s+at|meet\s+(?:me|you)\s+at|moved\s+to|home\s+at)\s+(?<v>\d{1,6}[a-z]?(?:\s+\d{1,5})?\s+\p{L}[^\n!?;]{2,80}?)(?=\s*(?:[\n!?;]|\.(?:\s|$)|$)|\s+(?:with|and\s+(?:is|was|has|will)|since|for|but|who|where|when|until|alone|after|before|after|in\s+(?:a|an|the)\b|on\s+(?:a|the)\b)\b)", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.IgnoreCase)]
    private static partial Regex CuedAddress();

    // "in Ølstykke Strand 3650", "in Vila Nova de Gaia 4400-123": a place name followed by a postal code after "in".
    [GeneratedRegex(@"\b(?i:in)[ \t]+(?<w>[\p{Lu}][\p{L}'’.-]*(?:[ \t]+[\p{L}][\p{L}'’.-]*){0,3}?)[ \t]+(?<z>\d{4,5}(?:-\d{3,4})?|\d{3}[ ]\d{2}|\d{2}-\d{3})\b(?![ \t]*(?i:hrs?|h|am|pm|mg|ml|cc|units?|x)\b)(?![:.,]\d)", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PlaceWithPostalCode();

    // One regex per shape rather than one alternation: each keeps its own fast search for where it can start, which a single
    // alternation of ten shapes loses (it was the slowest part of detection on ALL-CAPS notes).
    private static readonly Func<Regex>[] Shapes = [USStreet, EuropeanLeadingType, NumberedEuropeanType, Intersection, NordicStreet, HungarianStreet, StreetTypeWord, PoBox, MilitaryBox, MilitaryShip, UnitOnly];

    [GeneratedRegex(@"\G(?:" + UnitPart + @"\b){0,2}" + SameLine + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex TailAt();

    [GeneratedRegex(@"(?<![\w./-])" + NumberedStreet + Unit + Tail, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Numbered();

    private const string NamedSuffix = "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Way|Place|Terrace|Parkway|Pkwy|Highway|Hwy|Crescent|Close|Circle|Trail)";

    // A street named without a house number: "on Juniper Court", "near W Camelback Rd", and an address line that starts with one
    // ("Leith Road, Edinburgh ..."). Capitalised words only, so "on the road" and "down the street" stay.
    [GeneratedRegex(@"\b(?:on|off|near|along|onto|opposite)[ \t]+(?<v>(?:[NSEW]\.?[ \t]+)?(?:" + Cap + @"[ \t]+){1,3}" + NamedSuffix + @"\b\.?)|(?:^|\n)[ \t]*(?<v>(?:" + Cap + @"[ \t]+){1,3}(?:Street|Road|Avenue|Lane|Terrace|Drive|Crescent|Close|Parkway|Boulevard))(?=,)", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NamedStreet();

    // Postal codes that need no cue word, with the town written before or after them: UK ("Norwich NR1 3AQ"; the inward code never
    // uses C, I, K, M, O or V), Irish Eircodes after a town ("Galway H91 YR71") and five-digit European codes after a comma or a line
    // break and before a town (", 80331 München").
    [GeneratedRegex(@"(?:(?<=[ \t,])(?<town>\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?)[ \t]+)?\b(?<code>(?:[A-Z]{1,2}\d[A-Z\d]?)[ \t]?\d[ABD-HJLNP-UW-Z]{2})\b(?![\w-])" +
        @"|(?<=[ \t,])(?<town>\p{Lu}\p{Ll}+)[ \t]+(?<code>[AC-FHKNPRTV-Y]\d{2}[ \t]?[AC-FHKNPRTV-Y\d]{4})\b(?![\w-])" +
        @"|(?<=,[ \t]?|\n)(?<code>\d{5}[ \t]+\p{Lu}\p{Ll}+)(?=[ \t]*(?:[,\n.;]|$))" +
        // Australian "Fitzroy VIC 3065" (suburb, state, four digits) and Canadian "T2N 2T9" (a shape no other text has).
        @"|(?<town>\p{Lu}\p{Ll}+(?:[ ]\p{Lu}\p{Ll}+)?)[ \t]+(?<code>(?:VIC|NSW|QLD|SA|WA|TAS|ACT|NT)[ \t]+\d{4})\b" +
        @"|\b(?<code>[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ ]?\d[ABCEGHJ-NPRSTV-Z]\d)\b", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PostalCodeWithTown();

    public static void Find(string text, List<PhiSpan> spans, PhiLexicon lexicon, DetectionDeadline deadline = default)
    {
        var first = spans.Count;
        for (var m = PostalCodeWithTown().Match(text); m.Success; m = m.NextMatch())
        {
            var town = m.Groups["town"];
            var code = m.Groups["code"];
            var start = town.Success && (lexicon.Classify(town.ValueSpan) & (WordKind.Medical | WordKind.Clinical)) == 0 ? town.Index : code.Index;
            Add(text, start, code.Index + code.Length, spans, 0.8);
        }

        for (var m = NamedStreet().Match(text); m.Success; m = m.NextMatch())
        {
            var v = m.Groups["v"];
            if (StreetWordsLookLikeName(v.ValueSpan[..v.ValueSpan.LastIndexOf(' ')], lexicon, allowEnglish: true))
            {
                Add(text, v.Index, v.Index + v.Length, spans, 0.75);
            }
        }

        for (var m = PlaceWithPostalCode().Match(text); m.Success; m = m.NextMatch())
        {
            if (PlaceWordsLookLikeName(m.Groups["w"].ValueSpan, lexicon))
            {
                var w = m.Groups["w"];
                var z = m.Groups["z"];
                Add(text, w.Index, z.Index + z.Length, spans, 0.7);
            }
        }

        for (var m = CuedAddress().Match(text); m.Success; m = m.NextMatch())
        {
            var v = m.Groups["v"];
            Add(text, v.Index, v.Index + v.Length, spans, 0.8);
        }

        foreach (var shape in Shapes)
        {
            deadline.Check();
            foreach (var m in shape().EnumerateMatches(text))
            {
                Add(text, m.Index, m.Index + m.Length, spans, 0.85);
            }
        }

        // Without a street-type word the street words themselves must look like a name, not a dose or a count:
        // some letter in lower case (ALL-CAPS notes are full of "2 UNITS FFP 2") and a word no word list knows as English or clinical.
        for (var m = Numbered().Match(text); m.Success; m = m.NextMatch())
        {
            if (StreetWordsLookLikeName(m.Groups["w"].ValueSpan, lexicon))
            {
                Add(text, m.Index, m.Index + m.Length, spans, 0.75);
            }
        }

        // Every shape gets the same tail (second unit, city, region, country, postal code), whichever regex found its street.
        var count = spans.Count;
        for (var s = first; s < count; s++)
        {
            var span = spans[s];
            var tail = TailAt().Match(text, span.End);
            if (tail.Success && tail.Length > 0)
            {
                Add(text, span.Start, tail.Index + tail.Length, spans, span.Confidence);
            }
        }
    }

    private static readonly HashSet<string> Particles = new(
        ["de", "del", "della", "da", "do", "dos", "das", "di", "du", "la", "le", "van", "von", "der", "den", "ten", "y", "e", "am", "an", "im", "sur"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Every word a particle or a capitalised word that no list knows as English or clinical ("Ølstykke Strand", "NARVIK").</summary>
    private static bool PlaceWordsLookLikeName(ReadOnlySpan<char> words, PhiLexicon lexicon)
    {
        var named = false;
        var lookup = Particles.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var range in words.Split(' '))
        {
            var word = words[range].Trim('.');
            if (word.IsEmpty || lookup.Contains(word))
            {
                continue;
            }

            var kind = lexicon.Classify(word);
            if (!char.IsUpper(word[0]) || (kind & (WordKind.Medical | WordKind.Clinical)) != 0
                || (kind & WordKind.English) != 0 && (kind & WordKind.Place) == 0 && word.Length > 1)
            {
                return false;
            }

            named |= word.Length > 2;
        }

        return named;
    }

    /// <param name="allowEnglish">A street type and a cue already vouch ("on Maple Ave"): English street words are fine.</param>
    private static bool StreetWordsLookLikeName(ReadOnlySpan<char> words, PhiLexicon lexicon, bool allowEnglish = false)
    {
        var unknown = false;
        var first = true;
        foreach (var range in words.Split(' '))
        {
            var word = words[range].TrimEnd('.');
            if (word.Length <= 2 && words[range].EndsWith('.') || word.IsEmpty || allowEnglish && first && word is "N" or "S" or "E" or "W")
            {
                // Abbreviations such as "ul." or "Λ." say nothing either way.
                continue;
            }

            var lower = 0;
            var upper = 0;
            var accent = false;
            foreach (var c in word)
            {
                lower += char.IsLower(c) ? 1 : 0;
                upper += char.IsUpper(c) ? 1 : 0;
                accent |= c > 'z' && char.IsLetter(c);
            }

            // The street proper starts with a capital and reads as a word ("Ruiskuja", "Gaivotas"), not a vent setting ("ps", "VT").
            if (first && (!char.IsUpper(word[0]) || word.Length < 3 || lower == 0 && !accent))
            {
                return false;
            }

            if (lower == 0 && !accent && word.Length <= 3)
            {
                return false;
            }

            var kind = lexicon.Classify(word);
            if ((kind & (WordKind.Medical | WordKind.Clinical)) != 0)
            {
                return false;
            }

            unknown |= (kind & WordKind.English) == 0;
            first = false;
        }

        return !first && (unknown || allowEnglish);
    }

    private static void Add(string text, int start, int end, List<PhiSpan> spans, double confidence)
    {
        while (end > start && (char.IsWhiteSpace(text[end - 1]) || text[end - 1] is ',' or '.' or '>' or '|'))
        {
            end--;
        }

        spans.Add(new PhiSpan(start, end, PhiType.Location, confidence));
    }
}
