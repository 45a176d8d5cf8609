using System.Net;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace ClinChat.Phi.Detection;

/// <summary>Identifiers with a shape: numbers, codes, addresses on the wire, dates. Checksums and context words decide.</summary>
internal static partial class StructuredRecognizer
{
    private const RegexOptions Ci = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    private const RegexOptions Cs = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // An identifier value after a context word: starts alphanumeric and holds at least one digit.
    private const string Value = @"(?<v>(?=[A-Z0-9/.-]*\d)[A-Z0-9][A-Z0-9/.-]{2,30}[A-Z0-9])";
    private const string Sep = @"\s*(?:number|num|no\.?|nbr|#|id)?\s*(?:is\s+)?[:#=.]?\s*#?\s*";

    [GeneratedRegex(@"[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,24}", Ci)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>""'()\[\]{}]+|\b[A-Z0-9][A-Z0-9-]{1,62}(?:\.[A-Z0-9-]{1,62})*\.(?:com|org|net|edu|gov|io|info|biz|health|us)(?:\.[a-z]{2})?\b(?:/[^\s<>""']*)?", Ci)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)", Cs)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![\w:])(?:[0-9A-F]{1,4}:){2,7}(?::|[0-9A-F]{1,4})(?::[0-9A-F]{1,4}){0,5}(?![\w:])", Ci)]
    private static partial Regex Ipv6();

    [GeneratedRegex(@"(?<![\d-])(?!000|666|9\d\d)\d{3}(?<s>[- ])(?!00)\d{2}\k<s>(?!0000)\d{4}(?![\d-])|\b(?:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*(?<v>\d{9}|\d{3}-\d{2}-\d{4})\b|\b(?:xxx|\*\*\*)-(?:xx|\*\*)-(?<v>\d{4})\b", Ci)]
    private static partial Regex Ssn();

    // North American shapes, bare ten digits, and international numbers written with + or a trunk 0 / area code in brackets; a number
    // alone in brackets may carry a slip of the pen ("(410 555 01234)").
    [GeneratedRegex(@"(?:(?<=\()\d{3}[\s.-]\d{3}[\s.-]\d{4,5}(?=\))|(?<![\w/.+-])(?:(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\(\d{3}|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}|\d{3}/\d{3}[/-]\d{4}|\+\d{1,3}[\s.-]?(?:\(0?\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{1,4}){1,4}|\(\d{2,4}\)\s?\d{3,4}[\s.-]?\d{3,4}|0\d{1,4}[\s.-]\d{2,8}(?:[\s.-]\d{2,4}){0,3}|\d{2,3}\s\d{3}\s\d{3}\s\d{4}))(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?![\w/]|\.\d|-\d)", Ci)]
    private static partial Regex PhoneShape();

    [GeneratedRegex(@"\b(?<ctx>phone|tel|telephone|cell|cellphone|mobile|pager|beeper|beep|pgr|pg|bpr|fax|(?:home|work|office|contact)\s*(?:#|number|phone))" + Sep + @"(?<v>\(?\d[\d().\s-]{2,16}\d)(?![\d])", Ci)]
    private static partial Regex PhoneContext();

    // Not after a digit, a slash or a decimal point (a period after a word is a full stop: "to Farnsworth.4/17"); a colon or an x only
    // when it belongs to a number ("12:30/", "x3/4"), so "HX:6/21" and "fx3/96" stay dates. Two zero-padded month/day dates written
    // together ("11/05/11/06") and a two-digit year after a period ("12/02.97") are dates too.
    [GeneratedRegex(@"(?<![\d/])(?<![^A-Za-z]\.|\b[A-Za-z]\.)(?<!^\.)(?<!\d[:xX-])(?<!\b[xX])(?:(?=(?:\d\d/){0,3}0[1-9])(?:0\d|1[0-2])/(?:[0-2]\d|3[01])/(?:0\d|1[0-2])/(?:[0-2]\d|3[01])|(?<m>0?[1-9]|1[0-2])/(?<d>0?[1-9]|[12]\d|3[01])\.(?<y>\d{2})(?![\d.%])|(?<m>0?[1-9]|1[0-2])(?<s>[/-])(?<d>0?[1-9]|[12]\d|3[01])\k<s>(?<y>\d{4}|\d{2})|(?:1[3-9]|2\d|3[01])(?<s>[/-])(?:0?[1-9]|1[0-2])\k<s>(?<y>(?:19|20)\d{2})|(?<m>0?[1-9]|1[0-2])/(?<d>0?[1-9]|[12]\d|3[01])|(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d{2}|(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}|(?<m>0?[1-9]|1[0-2])/(?<yy>[4-9]\d))(?![\d/%]|\.\d|-\d|\s?(?:cm|mm)\b)", Cs)]
    private static partial Regex NumericDate();

    // "2/11-2/14": a range of two month/day dates (the single-date pattern refuses a hyphen on either side).
    [GeneratedRegex(@"(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])-(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?![\d/%]|\.\d)", Cs)]
    private static partial Regex DateRange();

    private const string Month = "(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
    private const string Weekday = @"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?";
    private const string NotUnit = @"(?!\s*(?:mg|mcg|cc|ml|l\b|cm|mm|units?\b|u\b|%|x\b|hrs?\b|min|kg|meq|g\b|to\b))";

    [GeneratedRegex(@"\b" + Weekday + @"(?:(?:the\s+)?(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:\s+of)?[\s-]+" + Month + @"\b\.?(?:,?[\s-]+(?:(?:1[89]|20)\d{2}|'\d{2})|,\s*\d{2}(?![\d:/.]))?|" + Month + @"\b\.?[\s-]+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b" + NotUnit + @"(?:,?\s+(?:1[89]|20)\d{2})?|" + Month + @"\b\.?,?\s+(?:of\s+)?(?:1[89]|20)\d{2})\b", Ci)]
    private static partial Regex TextDate();

    // Abbreviated years in a history list: "CABG '09", "appendectomy in 97'". The leading apostrophe stands after a space or bracket and
    // before no unit or closing quote ("'10 mg'" is a quoted dose); the trailing one only after "in" or a history list's acronym
    // ("CVA 98'"), since "walked 60'" and "AMB 60'" are feet and "HOB 45'" degrees.
    [GeneratedRegex(@"(?<=[\s(,])['\u2019](?<v>\d{2})(?![\d'\u2019]|\s*(?:mg|mcg|cc|ml|units?|%|x\b))|\bin\s+(?<v>\d{2})['\u2019](?=[\s.,;)]|$)|(?-i:\b(?!AMB\b|OOB\b|HOB\b|FT\b)[A-Z]{2,6})\s+(?<v>\d{2})['\u2019](?=[\s.,;)]|$)", Ci)]
    private static partial Regex AbbreviatedYear();

    [GeneratedRegex(@"\b(?:January|February|April|June|July|August|September|October|November|December|JANUARY|FEBRUARY|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|Christmas|Thanksgiving|CHRISTMAS|THANKSGIVING|christmas|thanksgiving)\b", Cs)]
    private static partial Regex BareMonth();

    // "March" and "May" are words too: a month only after a time preposition ("in March", "since May", "early March").
    [GeneratedRegex(@"\b(?:in|since|until|till|by|during|early|late|mid|last|next|this|of)[ -]+(?<v>March|May)\b(?!\s+(?:be|have|not|need|want|help|I|we|you|he|she|it|they))", Cs)]
    private static partial Regex AmbiguousMonth();

    [GeneratedRegex(@"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:the\s+)?(?<v>[12]?\d|3[01])(?:st|nd|rd|th)\b|\b(?:on\s+the\s+|the\s+)(?<v>[12]?\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:step|ventricle|nerve|space|interspace|lumbar|metatarsal|stage|line|bottle|unit|set|time|day|dose|grade|percentile|rib|ics|intercostal|floor|attempt|week|hour|cycle|centile|degree|generation|toe|finger|digit|trimester))", Ci)]
    private static partial Regex OrdinalDay();

    [GeneratedRegex(@"\b(?<v>9\d|1[0-2]\d)(?:\s*-?\s*(?:y/?o\b|yo\b|y\.o\.|yrs?\.?[\s-]*old|years?[\s-]*old|year-old|-year-old)|\s*(?:years?|yrs?)\s+of\s+age)|\b(?:age[d:]?|aged)\s*(?<v>9\d|1[0-2]\d)\b|\b(?<v>9\d|1[0-2]\d)\s*(?:yo|y/o)?\s*(?:m|f|male|female|man|woman|gentleman|lady)\b(?=\s+(?:with|who|presents|admitted|s/p|w/|pmh|hx))" +
        // "(92 y)", ", 90M," (a temperature "T 99F" has no comma before it).
        @"|\(\s*(?<v>9\d|1[01]\d)\s*(?:y|yrs?)\s*\)|(?<=,\s?)(?<v>9\d|1[01]\d)\s?(?-i:[MF])(?=[,;\s])", Ci)]
    private static partial Regex Age();

    [GeneratedRegex(@"\b(?:mrn|mr\s*#|mr\s*no\.?|medical\s+record|med\s+rec|unit\s*(?:no\.?|number|#)|hospital\s*(?:no\.?|number|#)|hosp\.?\s*(?:no\.?|number)|chart\s*(?:no\.?|number|#)|patient\s*id|pt\s*id|hosp\s*#|ur\s*(?:no\.?|number|#)|nhi|pid|empi)" + Sep + "(?:" + GroupedValue + "|" + Value + ")" + @"|(?-i:\bUR)\s*[:#]?\s*(?<v>\d{5,10})\b", Ci)]
    private static partial Regex Mrn();

    // National health numbers are written in groups ("NHS no: 943 476 5919", "OHIP 1234-567-890-AB", "Medicare 2123 45670 1").
    private const string GroupedValue = @"(?<v>\d{2,5}(?:[ -]\d{1,6}){1,4}(?:[ -]?[A-Z]{1,2})?)(?![\w-])";

    // "Plan" and "group" count only with "id/#/no/number" after them ("Plan: 10-20 mg" is a dose); grouped digits only after a
    // national health-number label.
    [GeneratedRegex(@"\b(?:member|policy|subscriber|beneficiary|insurance|insurer|health\s+plan|(?:plan|group)(?=\s*(?:id\b|#|no\b|no\.|number\b|nbr\b))|mbi|hicn|payer)" + Sep + Value +
        @"|\b(?:plan|group)" + Sep + @"(?<v>(?=(?:[A-Z-]*\d){5})[A-Z0-9][A-Z0-9-]{4,20})\b" +
        @"|\b(?:nhs|chi|ohip|hcn|health\s+card|medicare|medicaid|ihi|pps|phn)" + Sep + "(?:" + GroupedValue + "|" + Value + ")", Ci)]
    private static partial Regex HealthPlan();

    [GeneratedRegex(@"\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d{2}\b", Cs)]
    private static partial Regex MedicareMbi();

    [GeneratedRegex(@"\b(?:account|acct|billing|invoice|iban|card|credit\s+card|routing)" + Sep + Value, Ci)]
    private static partial Regex Account();

    [GeneratedRegex(@"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])", Cs)]
    private static partial Regex CardNumber();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b", Cs)]
    private static partial Regex Iban();

    [GeneratedRegex(@"\b(?:npi)" + Sep + @"(?<v>\d{10})\b|\b(?:dea)" + Sep + @"(?<v>[A-Z][A-Z9]\d{7})\b|\b(?:licen[cs]e|lic\.?|certificate|cert\.?|permit|registration|dl|driver'?s?\s+licen[cs]e|board\s+cert(?:ification)?|gmc|nmc|hcpc|clia|ahpra|cpso|provider\s*(?:no\.?|number|#)|prescriber\s*(?:no\.?|number|#|id)|nmc\s+pin|upin|ptan|caqh|cpsa|cpsbc|medical\s+council(?:\s+(?:no\.?|number|reg(?:istration)?))?)" + Sep +
        @"(?:(?<v>(?-i:[A-Z]{2,4})[ -]\d{4,10})\b|" + Value + ")", Ci)]
    private static partial Regex License();

    [GeneratedRegex(@"\b[A-Z][A-Z9]\d{7}\b", Cs)]
    private static partial Regex DeaShape();

    [GeneratedRegex(@"\b[A-HJ-NPR-Z0-9]{17}\b", Ci)]
    private static partial Regex VinShape();

    [GeneratedRegex(@"\b(?:vin|license\s+plate|licen[cs]e\s+plate\s+number|plate\b\s*(?:number|no\.?|#)?|tag\s*(?:number|#)|registration\s+plate|tail\s+(?:number|no\.?|#))\s*(?:is\s+)?[:#]?\s*(?<v>(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,8}(?:[ -][A-Z0-9]{1,8})?)\b", Ci)]
    private static partial Regex Vehicle();

    [GeneratedRegex(@"\b(?:serial|s/n|sn|device\s*(?:id|identifier|serial)?|udi|imei|model|lot|pacemaker|icd|implant|pump|catheter\s+lot|asset\s+(?:tag|no\.?|number|#))" + Sep + Value + @"|\(01\)\d{14}(?:\(\d{2}\)[A-Z0-9]+)*", Ci)]
    private static partial Regex Device();

    [GeneratedRegex(@"\b(?:fingerprint|finger\s*print|retina(?:l)?\s*scan|iris\s*(?:scan|template)|voice\s*print|voiceprint|biometric|palm\s*print|face\s*(?:id|template)|dna\s+profile)\s*(?:id|template|hash|record)?" + Sep + Value, Ci)]
    private static partial Regex Biometric();

    [GeneratedRegex(@"\b(?:accession|acc|reference|ref|confirmation|conf|specimen|sample|requisition|req|encounter|enc|visit|study|barcode|kit|tracking|claim|ticket|employee|badge|student|passport|case|order|csn|fin|har)\s*(?:id|number|no\.?|nbr|#)\s*[:#]?\s*" + Value + @"|\b(?:id|identifier)\s*[:#]\s*" + Value + @"|\b[A-Z]{1,3}\d{2}-\d{4,8}\b" +
        // Labels that need no "number" after them: "Accession XR000712338", "ACC: US-2408-44721", "CSN: 310044871265", "Job #4418203",
        // "badge 4471", "Case: A-2024-0117", "poison control case 24-118830".
        @"|\b(?:accession|acc|csn|har|fin|job|badge|requisition|specimen|claim|encounter|visit|lab|sample|barcode|tracking|ticket|ref|reference|" +
        @"confirmation|authori[sz]ation|auth|report|path|pathology|cytology)\s*[:#]\s*#?\s*" + Value + @"|(?-i:\bID)\s*[:#]?\s*(?<v>(?=(?:[A-Z-]*\d){5})[A-Z0-9][A-Z0-9-]{4,20})\b|\b(?:rx|prescription)\s*#\s*" + Value + @"|" +
        // "Prior authorization PA-7731209", "claim 2025091800044", "case 2024-CR-01873", "staff no. E-304417", "incident # HSD-INC-55210":
        // after these words a value with letters or hyphens and four digits, or eight digits and more, is an identifier ("in case 1000 mL" is not).
        @"\b(?:prior\s+)?(?:authori[sz]ation|auth|claim|incident|reference|case|staff|employee|riddor\s+reference)\s*(?:no\.?|number|#)?\s*[:#]?\s*(?<v>(?=(?:[A-Z-]*\d){4})(?=[0-9]*[A-Z-])[A-Z0-9][A-Z0-9-]{3,24}|\d{8,20})\b|" + @"\b(?:accession|acc|csn|har|fin|job|badge|requisition|specimen)\s+#?\s*" + Value + @"|\bcase\s*[:#]\s*" + Value + @"|\bcase\s+(?<v>\d{2,4}-\d{3,8})\b", Ci)]
    private static partial Regex OtherId();

    // Not glued to letters: "PA88213" is an identifier, not Pennsylvania and a ZIP code.
    [GeneratedRegex(@"(?<![\w-])(?<v>\d{5}(?:-\d{4})?)(?![\w-])", Cs)]
    private static partial Regex ZipShape();

    [GeneratedRegex(@"\b(?:zip|zip\s*code|postal\s*code|postcode|post\s*code)\s*(?:is\s*)?[:#]?\s*(?<v>\d{5}(?:-\d{3,4})?|\d{3,4}(?:[ -]?(?:\d{2,3}|[A-Z]{2}))?\b|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b", Ci)]
    private static partial Regex ZipContext();

    [GeneratedRegex(@"\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|AA|AE|AP|PR)\.?,?\s*$", Cs)]
    private static partial Regex StateBefore();

    public static void Find(string text, List<PhiSpan> spans, DetectionDeadline deadline = default)
    {
        AddMatches(Email(), text, spans, PhiType.Email, 0.99);
        AddUrls(text, spans);
        AddMatches(Ipv4(), text, spans, PhiType.Ip, 0.95);
        foreach (var m in Ipv6().EnumerateMatches(text))
        {
            if (m.Length >= 6 && IPAddress.TryParse(text.AsSpan(m.Index, m.Length), out _))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Ip, 0.9));
            }
        }

        AddValueMatches(Ssn(), text, spans, PhiType.Ssn, 0.97);
        AddPhones(text, spans);
        deadline.Check();
        AddDates(text, spans);
        deadline.Check();
        AddValueMatches(Age(), text, spans, PhiType.Age, 0.9);
        AddValueMatches(Mrn(), text, spans, PhiType.Mrn, 0.95);
        AddValueMatches(HealthPlan(), text, spans, PhiType.HealthPlan, 0.85);
        AddMatches(MedicareMbi(), text, spans, PhiType.HealthPlan, 0.9);
        AddValueMatches(Account(), text, spans, PhiType.Account, 0.9);
        foreach (var m in CardNumber().EnumerateMatches(text))
        {
            var s = text.AsSpan(m.Index, m.Length);
            if (s[0] is >= '3' and <= '6' && Checksums.Luhn(s))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Account, 0.9));
            }
        }

        foreach (var m in Iban().EnumerateMatches(text))
        {
            if (IbanValid(text.AsSpan(m.Index, m.Length)))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Account, 0.95));
            }
        }

        AddValueMatches(License(), text, spans, PhiType.License, 0.95);
        deadline.Check();
        foreach (var m in DeaShape().EnumerateMatches(text))
        {
            if (Checksums.Dea(text.AsSpan(m.Index, m.Length)))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.License, 0.85));
            }
        }

        foreach (var m in VinShape().EnumerateMatches(text))
        {
            if (Checksums.Vin(text.AsSpan(m.Index, m.Length)))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Vehicle, 0.9));
            }
        }

        AddValueMatches(Vehicle(), text, spans, PhiType.Vehicle, 0.85);
        AddValueMatches(Device(), text, spans, PhiType.Device, 0.8);
        AddValueMatches(Biometric(), text, spans, PhiType.Biometric, 0.85);
        AddValueMatches(OtherId(), text, spans, PhiType.Id, 0.8);
        AddZips(text, spans);
    }

    private static void AddMatches(Regex regex, string text, List<PhiSpan> spans, PhiType type, double confidence)
    {
        foreach (var m in regex.EnumerateMatches(text))
        {
            spans.Add(new PhiSpan(m.Index, m.Index + m.Length, type, confidence));
        }
    }

    /// <summary>Reports the <c>v</c> group when the pattern has one (the context word stays readable).</summary>
    private static void AddValueMatches(Regex regex, string text, List<PhiSpan> spans, PhiType type, double confidence)
    {
        for (var m = regex.Match(text); m.Success; m = m.NextMatch())
        {
            var v = m.Groups["v"];
            var (start, end) = v.Success ? (v.Index, v.Index + v.Length) : (m.Index, m.Index + m.Length);
            spans.Add(new PhiSpan(start, end, type, confidence));
        }
    }

    private static void AddUrls(string text, List<PhiSpan> spans)
    {
        foreach (var m in Url().EnumerateMatches(text))
        {
            var end = m.Index + m.Length;
            while (end > m.Index && text[end - 1] is '.' or ',' or ';' or ':' or '!' or '?')
            {
                end--;
            }

            // "pt.com" style typos aside, a bare domain needs a dot-free left neighbour to not be the tail of an e-mail.
            if (m.Index > 0 && text[m.Index - 1] == '@')
            {
                continue;
            }

            spans.Add(new PhiSpan(m.Index, end, PhiType.Url, 0.9));
        }
    }

    private static void AddPhones(string text, List<PhiSpan> spans)
    {
        var util = PhoneNumberUtil.GetInstance();
        foreach (var m in PhoneShape().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(m.Index, m.Length);
            var digits = 0;
            foreach (var c in candidate)
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            // "(410 555 01234)": ten digits and one too many, alone in brackets, is a phone number written with a slip.
            var slip = digits == 11 && candidate.Length == 13 && m.Index > 0 && text[m.Index - 1] == '(';
            if (digits < 7 || digits > 16 || !slip && !PossiblePhone(util, candidate) || IsTimeAndValue(candidate))
            {
                continue;
            }

            spans.Add(new PhiSpan(m.Index, m.Index + m.Length, IsFax(text, m.Index) ? PhiType.Fax : PhiType.Phone, 0.9));
        }

        for (var m = PhoneContext().Match(text); m.Success; m = m.NextMatch())
        {
            var v = m.Groups["v"];
            var end = v.Index + v.Length;
            while (end > v.Index && !char.IsAsciiDigit(text[end - 1]))
            {
                end--;
            }

            var isFax = m.Groups["ctx"].ValueSpan.StartsWith("fax", StringComparison.OrdinalIgnoreCase);
            spans.Add(new PhiSpan(v.Index, end, isFax ? PhiType.Fax : PhiType.Phone, 0.85));
        }

        AddCuedInternationalPhones(text, spans, util);
    }

    // Digit groups written the way numbers are dictated abroad: "0612 34 56 78", "99 123456", "12-34-56-78", "(21) 555-019".
    [GeneratedRegex(@"(?<![\w+/.,-])(?:\+\d{1,3}[ .-]?)?(?:\(0?\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}(?![\w/]|[.,]\d|-\d)", Cs)]
    private static partial Regex GroupedDigits();

    [GeneratedRegex(@"(?:phone|tel|telephone|cell|mobile|call(?:ed)?(?:\s+(?:me|him|her|us|them))?(?:\s+(?:at|on))?|reach(?:ed)?(?:\s+\w+)?\s+(?:at|on)|messages?\s+(?:to|at|on)|answering\s+(?:at|on)|text(?:ed)?(?:\s+\w+)?\s+(?:at|on)|number(?:\s+is)?|registered|contact|dial(?:ed)?|fax|whatsapp)\W{0,3}$", Ci)]
    private static partial Regex PhoneCueBefore();

    [GeneratedRegex(@"^\W{0,3}(?:office|fax|mobile|cell|home|work|phone|tel)\b", Ci)]
    private static partial Regex PhoneCueAfter();

    private static readonly string[] PhoneRegions = ["US", "GB", "DE", "FR", "IT", "ES", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI", "PL", "CZ", "HU", "PT", "IE", "AU", "NZ", "CA", "BR", "MX", "IN", "GR", "IS", "EE", "SK", "SI", "HR", "RO", "BG", "TR", "IL", "ZA", "JP", "CN", "RU", "UA", "UY", "AR"];

    /// <summary>
    /// A run of digit groups is a phone number when a phone word stands right before or after it and libphonenumber accepts it as a
    /// valid number of some region: cue and validity together keep lab values and doses out.
    /// </summary>
    private static void AddCuedInternationalPhones(string text, List<PhiSpan> spans, PhoneNumberUtil util)
    {
        foreach (var m in GroupedDigits().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(m.Index, m.Length);
            var digits = 0;
            foreach (var c in candidate)
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            if (digits is < 7 or > 15)
            {
                continue;
            }

            var beforeStart = Math.Max(0, m.Index - 40);
            var end = m.Index + m.Length;
            if (!PhoneCueBefore().IsMatch(text.AsSpan(beforeStart, m.Index - beforeStart))
                && !PhoneCueAfter().IsMatch(text.AsSpan(end, Math.Min(12, text.Length - end))))
            {
                continue;
            }

            if (ValidSomewhere(util, candidate.ToString()))
            {
                spans.Add(new PhiSpan(m.Index, end, IsFax(text, m.Index) ? PhiType.Fax : PhiType.Phone, 0.8));
            }
        }
    }

    private static bool ValidSomewhere(PhoneNumberUtil util, string candidate)
    {
        foreach (var region in PhoneRegions)
        {
            try
            {
                var number = util.Parse(candidate, region);
                if (util.IsValidNumber(number))
                {
                    return true;
                }
            }
            catch (NumberParseException)
            {
                return false;
            }

            if (candidate.StartsWith('+'))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>"@ 0800-142", "2200 38": a 24-hour time followed by a reading, as flowsheets write glucose or PTT checks.</summary>
    private static bool IsTimeAndValue(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length < 6 || candidate.Length > 9 || !char.IsAsciiDigit(candidate[0]) || candidate[4] is not ('-' or ' '))
        {
            return false;
        }

        var hour = (candidate[0] - '0') * 10 + (candidate[1] - '0');
        var minute = (candidate[2] - '0') * 10 + (candidate[3] - '0');
        var rest = candidate[5..];
        foreach (var c in candidate[..4])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (var c in rest)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return hour < 24 && minute < 60 && rest.Length is >= 2 and <= 4;
    }

    private static readonly string[] TrunkZeroRegions = ["GB", "IE", "AU", "NZ", "DE", "FR", "NL"];

    private static bool PossiblePhone(PhoneNumberUtil util, ReadOnlySpan<char> candidate)
    {
        try
        {
            var text = candidate.ToString();
            if (util.IsPossibleNumber(util.Parse(text, "US")))
            {
                return true;
            }

            // A trunk 0 is never North American: "0131 496 0000", "07700 900000" are dialled within the UK, Ireland, Australia ...
            if (text.TrimStart('(')[0] == '0')
            {
                foreach (var region in TrunkZeroRegions)
                {
                    if (util.IsPossibleNumber(util.Parse(text, region)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    private static bool IsFax(string text, int start)
    {
        var from = Math.Max(0, start - 20);
        return text.AsSpan(from, start - from).Contains("fax", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\b(?:bipap|bi-pap|cpap|peep|psv?|simv|ipap|epap|imv)\b", Ci)]
    private static partial Regex VentilatorBefore();

    [GeneratedRegex(@"\b(?:pain|cp|c/o|discomfort|ache|aching|hurts?|rates?|rated|scale)\b|#", Ci)]
    private static partial Regex PainNear();

    [GeneratedRegex(@"\b(?:cx|cxs|cultures?|bcx)\W{0,3}$", Ci)]
    private static partial Regex CultureBefore();

    [GeneratedRegex(@"\b(?:on|since|from|until|till|thru|through|dated?|by|admitted|discharged|seen|born|dob|before|after)\W{0,3}$", Ci)]
    private static partial Regex DateCueBefore();

    private static void AddDates(string text, List<PhiSpan> spans)
    {
        for (var m = NumericDate().Match(text); m.Success; m = m.NextMatch())
        {
            var monthYear = m.Groups["yy"];
            var second = monthYear.Success ? monthYear.ValueSpan : m.Groups["d"].ValueSpan;
            if (m.Groups["m"].Success && !m.Groups["y"].Success && IsClinicalRatio(text, m.Index, m.Index + m.Length, m.Groups["m"].ValueSpan, second))
            {
                continue;
            }

            spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Date, m.Groups["y"].Success ? 0.95 : 0.8));
        }

        foreach (var m in DateRange().EnumerateMatches(text))
        {
            // "rales 1/3-1/2 of the way up": a range of fractions is not a range of dates.
            var range = text.AsSpan(m.Index, m.Length);
            var dash = range.IndexOf('-');
            if (!IsFraction(range[..dash]) && !IsFraction(range[(dash + 1)..]))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Date, 0.85));
            }
        }

        AddMatches(TextDate(), text, spans, PhiType.Date, 0.9);
        AddMatches(BareMonth(), text, spans, PhiType.Date, 0.6);
        AddValueMatches(AmbiguousMonth(), text, spans, PhiType.Date, 0.6);
        AddValueMatches(OrdinalDay(), text, spans, PhiType.Date, 0.6);
        AddValueMatches(AbbreviatedYear(), text, spans, PhiType.Date, 0.6);
    }

    [GeneratedRegex(@"^(?:peep|murmur|strength|pain|scale|sem|hsm|systolic|diastolic|holosystolic|motor|grip|power|reflex|vision|bilat|extremit|ue|le|ext|muscle|tab|tablet|ns|dose|amp|cup|inch|way|pulse|dp|pt pulse|edema|score|gcs|apgar|hrs?\b|hours?|up\b|positive|pos\b|neg|bottles?|btls?|bcx|bl\b|bld|blood\s+c|cx|of\b|amps?\b|nph|strength|dose|units?\b)", Ci)]
    private static partial Regex RatioAfter();

    [GeneratedRegex(@"(?:mood|anxiety|stress|barthel|apgars?|bp|b/p|nbp|abp|sbp|cuff|ci|co/ci|pressure|murmur|strength|pain|motor|power|grade|sem|vision|rated|score|peep|ps|psv|cpap|flowby|d5|ns|bipap|bi-pap|ipap|epap|imv|simv|vent|tv|fio2|settings|ratio|i:e|strengths|ues|les|uppers|lowers|grips|gcs|apgar|scale)\W{0,3}(?:is|of|was|at|=)?\W{0,2}$", Ci)]
    private static partial Regex RatioBefore();

    [GeneratedRegex(@"^(?:mg|mcg|µg|ml|meq|mmol|units?|iu|g|kg|mm|cm|l)\b|^%", Ci)]
    private static partial Regex UnitAfter();

    /// <summary>Grades, scores, fractions and ventilator settings share the m/d shape: "2/6 murmur", "5/5 strength", "10/10 pain", "1/2 NS".</summary>
    private static bool IsClinicalRatio(string text, int start, int end, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var m = int.Parse(first, provider: System.Globalization.CultureInfo.InvariantCulture);
        var d = int.Parse(second, provider: System.Globalization.CultureInfo.InvariantCulture);
        var after = text.AsSpan(end, Math.Min(14, text.Length - end)).TrimStart();
        var beforeStart = Math.Max(0, start - 14);
        var before = text.AsSpan(beforeStart, start - beforeStart);
        if (RatioBefore().IsMatch(before))
        {
            return true;
        }

        // A unit after it makes it a dose or a measure ("buprenorphine-naloxone 8/2 mg", "25/100 mg").
        if (UnitAfter().IsMatch(after))
        {
            return true;
        }

        var gradeLike = m <= d && d is 2 or 3 or 4 or 5 or 6 or 8 or 10;
        if (gradeLike && StartsWithMatch(after))
        {
            return true;
        }

        var cued = DateCueBefore().IsMatch(before);
        // Halves, thirds and quarters ("1/2 NS", "give 1/2 dose", "3/4 of tray") are fractions unless a date cue says otherwise.
        if (!cued && (m, d) is (1, 2) or (1, 3) or (1, 4) or (2, 3) or (3, 4))
        {
            return true;
        }

        // Pain scores without the word "pain" right before: "c/o 5/10 CP", "#4/10".
        if (!cued && d == 10 && m <= 10)
        {
            var nearStart = Math.Max(0, start - 25);
            if (PainNear().IsMatch(text.AsSpan(nearStart, start - nearStart)) || PainNear().IsMatch(text.AsSpan(end, Math.Min(25, text.Length - end))))
            {
                return true;
            }
        }

        // Blood culture bottles: "cx 2/4".
        if (gradeLike && d <= 4 && CultureBefore().IsMatch(before))
        {
            return true;
        }

        // Ventilator pressures ("on BiPAP 14/6", "SIMV 550X14, 40%, PS 8/5"): a ventilator word shortly before, no date cue.
        var wideStart = Math.Max(0, start - 40);
        if (!cued && d <= 25 && VentilatorBefore().IsMatch(text.AsSpan(wideStart, start - wideStart)))
        {
            return true;
        }

        // A full score out of itself ("5/5", "10/10") is never meant as a date, context or not.
        return m == d && d is 5 or 10;
    }

    private static bool IsFraction(ReadOnlySpan<char> md) => md is "1/2" or "1/3" or "1/4" or "2/3" or "3/4";

    private static bool StartsWithMatch(ReadOnlySpan<char> after)
    {
        foreach (var m in RatioAfter().EnumerateMatches(after))
        {
            return m.Index == 0;
        }

        return false;
    }

    private static void AddZips(string text, List<PhiSpan> spans)
    {
        AddValueMatches(ZipContext(), text, spans, PhiType.Location, 0.9);
        foreach (var m in ZipShape().EnumerateMatches(text))
        {
            var beforeStart = Math.Max(0, m.Index - 30);
            // A five-digit number is a ZIP only after a state abbreviation ("Dunmore, PA 18512") or when it carries +4.
            if (m.Length == 10 || StateBefore().IsMatch(text.AsSpan(beforeStart, m.Index - beforeStart)))
            {
                spans.Add(new PhiSpan(m.Index, m.Index + m.Length, PhiType.Location, 0.85));
            }
        }
    }

    private static bool IbanValid(ReadOnlySpan<char> raw)
    {
        Span<char> iban = stackalloc char[raw.Length];
        var n = 0;
        foreach (var c in raw)
        {
            if (c != ' ')
            {
                iban[n++] = c;
            }
        }

        if (n < 15 || n > 34)
        {
            return false;
        }

        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = iban[(i + 4) % n];
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }

        return remainder == 1;
    }
}
