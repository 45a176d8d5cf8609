using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi.Detection;

/// <summary>
/// Organisations and place fields (engine 1.7.0-1.8.0): practice, clinic and service names, towns beside a branch or a state,
/// place-valued fields and places coordinated with a found one. The cue logic for people stays in NameRecognizer.cs.
/// </summary>
internal sealed partial class NameRecognizer
{
    /// <summary>
    /// "REFERRALS SENT TO TALLOWMERE REHAB AND QUENBURY.", "from Oakhurst Hospital or Brindlecombe": a word no list knows (or a listed place that is
    /// not English), written like the found place before it and closing the phrase, is a second place of the same kind.
    /// </summary>
    private void CoordinatedPlace(string text, Span<Token> t, List<PhiSpan> spans, int firstSpan)
    {
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            if (spans[s].Type != PhiType.Location)
            {
                continue;
            }

            var k = FindToken(t, spans[s].End, byEnd: true);
            if (k < 0)
            {
                continue;
            }

            var last = k;
            if (k + 1 < t.Length && (FacilityHeads.Contains(Word(text, t[k + 1])) || CenterWords.Contains(Word(text, t[k + 1]))) && Joined(text, t[k], t[k + 1]))
            {
                last = k + 1;
            }

            var n = last + 2;
            if (n >= t.Length || !Coordinators.Contains(Word(text, t[last + 1])) && !Word(text, t[last + 1]).Equals("or", StringComparison.OrdinalIgnoreCase)
                || !Joined(text, t[last], t[last + 1]) || !Joined(text, t[last + 1], t[n]) || !EndsPhrase(text, t[n].End))
            {
                continue;
            }

            ref var tok = ref t[n];
            var sameCase = t[k].Upper ? tok.Upper : t[k].Title && tok.Title;
            var placeLike = (tok.Kind & WordKind.Place) != 0 && (tok.Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical)) == 0 && !tok.Stop;
            if (sameCase && tok.End - tok.Start >= 4 && !NonPlaceAcronyms.Contains(Word(text, tok)) && (placeLike || UnknownName(text, tok)))
            {
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.65));
            }
        }
    }

    private static bool HasProperWord(string text, Span<Token> t, int start, int end)
    {
        for (var k = FindToken(t, start, byEnd: false); k >= 0 && k < t.Length && t[k].End <= end; k++)
        {
            var w = Word(text, t[k]);
            // A gazetteer place is proper even if the medical list knows it too ("Brookhaven"), and "General", "County" or
            // "University" before a hospital word make a name ("County Hospital").
            var clinical = (t[k].Kind & WordKind.Clinical) != 0 || (t[k].Kind & (WordKind.Medical | WordKind.Place)) == WordKind.Medical;
            if (GenericFacilityWords.Contains(w) || !clinical && !DepartmentModifiers.Contains(w) && !(t[k].Upper && w.Length <= 4 && (t[k].Kind & WordKind.Place) == 0)
                && !OrganizationHeads.Contains(w))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly WordSet UsStates = Set(
        "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana iowa kansas " +
        "kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon " +
        "pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming");

    private static readonly WordSet StatePrefixes = Set("new north south west rhode");

    private static readonly WordSet StateCodes = Set(
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY");

    private static readonly WordSet BranchHeads = Set("pharmacy pharmacies");

    /// <summary>
    /// "Queen Elizabeth Hospital ED, Govan, Glasgow", "Foothills Medical Centre, Unit 58, Calgary": after a found place, the
    /// comma-separated segments of the same line that are listed places (or phrases of them) are places too; a unit or a
    /// department segment in between is skipped.
    /// </summary>
    private void PlaceChain(string text, Span<Token> t, List<PhiSpan> spans, int firstSpan)
    {
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            if (spans[s].Type != PhiType.Location)
            {
                continue;
            }

            var k = FindToken(t, spans[s].End, byEnd: true);
            if (k >= 0 && k + 1 < t.Length && t[k + 1].Upper && t[k + 1].End - t[k + 1].Start is >= 2 and <= 4
                && text.AsSpan(t[k].End, t[k + 1].Start - t[k].End) is " ")
            {
                k++; // "... Hospital ED, Govan": a department acronym after the name.
            }

            for (var segments = 0; k >= 0 && k + 1 < t.Length && segments < 3; segments++)
            {
                var gap = text.AsSpan(t[k].End, t[k + 1].Start - t[k].End);
                var comma = gap.IndexOf(',');
                if (comma < 0 || gap.ContainsAny('\n', ';') || gap.Length > 12)
                {
                    break;
                }

                ref var next = ref t[k + 1];
                var listed = next.Title && !next.Stop && (next.Kind & WordKind.Place) != 0 && (next.Kind & WordKind.Clinical) == 0 && next.End - next.Start >= 3
                    && (k + 2 >= t.Length || EndsPhrase(text, next.End) || text.AsSpan(next.End, t[k + 2].Start - next.End).Trim(' ') is "," or "");
                if (listed)
                {
                    spans.Add(new PhiSpan(next.Start, next.End, PhiType.Location, 0.7));
                }
                else if (!(next.Title || next.Upper) || next.End - next.Start > 12)
                {
                    break;
                }

                k++;
            }
        }
    }

    // Field labels whose value is a place: "Facility: Quenbury Surgical Center", "Place of death: Tallow Creek Hospice".
    private static readonly WordSet PlaceLabels = Set("facility hospital clinic practice birthplace hometown city town county school employer death birth residence location site");

    // Labels that also take clinical values ("Site: left upper back", "Location: RLL"): the value must name an organisation.
    private static readonly WordSet WeakPlaceLabels = Set("location site");

    /// <summary>
    /// The value of a place field: capitalised words up to the end of the phrase ("Facility: Quenbury Surgical Center, OR 4" gives
    /// the center). "Site:" and "Location:" need an organisation word in the value, since they also label body sites.
    /// </summary>
    private static void LabelledPlace(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        var word = Word(text, t[i]);
        if ((word.Equals("death", StringComparison.OrdinalIgnoreCase) || word.Equals("birth", StringComparison.OrdinalIgnoreCase))
            && !(i > 1 && Word(text, t[i - 1]).Equals("of", StringComparison.OrdinalIgnoreCase) && Word(text, t[i - 2]).Equals("place", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var start = -1;
        var end = -1;
        var organisation = false;
        for (var k = i + 1; k < t.Length && k <= i + 7; k++)
        {
            var w = Word(text, t[k]);
            var gap = text.AsSpan(t[k - 1].End, t[k].Start - t[k - 1].End);
            if (k > i + 1 && gap is not (" " or " & ") || gap.Contains('\n'))
            {
                break;
            }

            if (w is "of" or "and" or "the" && start >= 0)
            {
                continue;
            }

            if (!(t[k].Title || t[k].Upper && w.Length > 1 || char.IsUpper(w[0]) && t[k].LowerCount > 0) || IsClinical(t[k].Kind) && !OrganizationHeads.Contains(w)
                || Titles.Contains(w) || t[k].Stop && !GenericFacilityWords.Contains(w))
            {
                break;
            }

            start = start < 0 ? t[k].Start : start;
            end = t[k].End;
            organisation |= OrganizationHeads.Contains(w) || FacilityHeads.Contains(w) || CenterWords.Contains(w);
        }

        if (start >= 0 && (organisation || !WeakPlaceLabels.Contains(word)) && HasProperWord(text, t, start, end))
        {
            spans.Add(new PhiSpan(start, end, PhiType.Location, 0.75));
        }
    }

    /// <summary>
    /// "Hy-Vee Pharmacy, Ames", "Costco Pharmacy #1042, Issaquah", "Tallowmere Wound Center - Garland": a capitalised listed place
    /// right after a facility, practice or pharmacy name and a comma or dash is the branch's town.
    /// </summary>
    private static void BranchTown(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        if (i == 0 || !tok.Title || tok.Stop || (tok.Kind & WordKind.Place) == 0 || (tok.Kind & WordKind.Clinical) != 0 || tok.End - tok.Start < 3
            || !EndsPhrase(text, tok.End) && !(tok.End < text.Length && text.AsSpan(tok.End).TrimStart(' ').StartsWith("-")))
        {
            return;
        }

        var gap = text.AsSpan(t[i - 1].End, tok.Start - t[i - 1].End);
        var hash = gap.IndexOf('#');
        if (hash >= 0)
        {
            // "Pharmacy #1042, Issaquah": a store number between the name and the town.
            var rest = gap[(hash + 1)..];
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            gap = digits > 0 ? rest[digits..] : gap;
        }

        var head = Word(text, t[i - 1]);
        if (gap is not (", " or " - ") || !t[i - 1].Title
            || !(BranchHeads.Contains(head) || OrganizationHeads.Contains(head) || FacilityHeads.Contains(head) || CenterWords.Contains(head)))
        {
            return;
        }

        spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.7));
    }

    private static readonly WordSet StateSecondWords = Set("york jersey hampshire mexico carolina dakota island");

    /// <summary>
    /// "Tallowmere, Ohio", "a facility in brindlecombe maryland": a listed place that is not an English word, followed by a US state's
    /// name, in any case. The state itself is not an identifier under Safe Harbor and stays.
    /// </summary>
    private static void PlaceBeforeState(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        // "Abilene, TX", "Sherman Oaks, CA": a capitalised listed place, a comma and a USPS state code in capitals.
        if (tok.Title && !tok.Stop && (tok.Kind & WordKind.Place) != 0 && (tok.Kind & WordKind.Clinical) == 0 && i + 1 < t.Length
            && text.AsSpan(tok.End, t[i + 1].Start - tok.End) is ", " && t[i + 1].Upper && t[i + 1].End - t[i + 1].Start == 2
            && StateCodes.Contains(Word(text, t[i + 1])) && (t[i + 1].End == text.Length || !char.IsLetterOrDigit(text[t[i + 1].End])))
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.75));
            return;
        }

        if (i + 1 >= t.Length || tok.Stop || (tok.Kind & WordKind.Place) == 0 || (tok.Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical)) != 0
            || tok.End - tok.Start < 4 || !Joined(text, tok, t[i + 1], allowComma: true))
        {
            return;
        }

        var state = Word(text, t[i + 1]);
        if (state.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || state.EndsWith("’s", StringComparison.OrdinalIgnoreCase))
        {
            state = state[..^2];
        }

        var isState = UsStates.Contains(state)
            || StatePrefixes.Contains(state) && i + 2 < t.Length && Joined(text, t[i + 1], t[i + 2])
                && (UsStates.Contains(Word(text, t[i + 2])) || StateSecondWords.Contains(Word(text, t[i + 2])));
        if (isState)
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.7));
        }
    }

    // Last words of practice, clinic and service names: "Oak Hollow Family Medicine", "Pinecrest Neurology Associates", "Apex Respiratory Supply".
    private static readonly WordSet OrganizationHeads = Set(
        "associates partners group institute center centre clinic clinics hospital infirmary practice supply supplies equipment infusion " +
        "counseling counselling collective laboratories laboratory labs imaging radiology teleradiology pathology dermatology neurology " +
        "cardiology oncology orthopedics orthopaedics pediatrics paediatrics geriatrics urology gastroenterology nephrology pulmonology " +
        "rheumatology ophthalmology psychiatry endocrinology medicine healthcare health care rehabilitation surgery ward pavilion school " +
        "academy services monitoring answering dialysis hospice therapy physicians specialists elementary college church chapel apartments " +
        "diagnostics endoscopy wellness chiropractic dental vision hearing manor gardens village lodge residence residences commons " +
        "towers estates shelter mission inc llc llp corp corporation ltd plc team agency authority jail prison suite system hall university " +
        "drug shop " +
        // Counties and their kin are places below a state: "Dane County", "Orleans Parish".
        "county parish township borough");

    // Heads that also name a kind of care or a department ("Comfort Care", "Sleep Medicine"): the name needs three words or a first
    // word that is not English.
    private static readonly WordSet CompanySuffixes = Set("inc llc llp corp ltd plc");

    // Heads that close a name of their own: a second name may follow ("Chest Physicians Evidence-Based Clinical Practice").
    private static readonly WordSet NameEndingHeads = Set("physicians specialists associates partners group");

    private static readonly WordSet GenericOrganizationHeads = Set(
        "care health medicine therapy surgery school services college church chapel wellness vision hearing manor gardens village " +
        "lodge residence residences commons towers estates shelter mission dental team agency suite system hall drug shop");

    // Words that cannot open an organisation's name: department and service words ("Breast Oncology", "Family Medicine", "Urgent
    // Care"), denominations, national bodies, field labels ("Employer", "Nearest") and quantifiers or determiners ("Many hospitals").
    private static readonly WordSet DepartmentModifiers = Set(
        "sleep internal family emergency critical primary general breast women's womens men's mens mental physical occupational speech home " +
        "pain wound plastic hand foot urgent adult sports travel lung heart kidney eye skin bone joint brain memory weight diabetes cancer " +
        "children's childrens outpatient inpatient same day ambulatory behavioral behavioural community regional university county state city " +
        "medical surgical clinical public senior long acute intensive neonatal maternal student employee infectious sexual reproductive " +
        "fertility vascular cardiac spine orthopaedic orthopedic pediatric paediatric geriatric hospital hospice palliative dental oral nuclear " +
        "diagnostic interventional comfort supportive respite skilled self standard usual routine end total personal foster night after child " +
        "elder continuing addiction preventive integrative labour labor maternity postnatal antenatal middle high elementary secondary " +
        "grammar nursery nursing transitional residential radiation infusion dialysis imaging stroke trauma burn transplant voice " +
        "pulmonary renal hepatic neuro neurological psychiatric obstetric gynecologic gynaecologic respiratory digestive endocrine allergy " +
        "immunology hematology haematology podiatry audiology optometry chiropractic physiotherapy anesthesia anaesthesia nutrition dietetic " +
        "social spiritual chaplaincy case american national board society college association federation royal european international world " +
        "isolation side observation assessment admissions short stay discharge recovery escalation covid psychiatric baptist methodist " +
        "catholic lutheran presbyterian episcopal orthodox official best good evidence-based guideline many most some all " +
        "fracture employer nearest referring receiving sending " +
        "other local nearby their our your his her its this that these those any each every");

    /// <summary>
    /// "Clearwater Dermatology", "Lakeland Heart and Vascular Institute", "Bayfront Orthopaedic &amp; Spine Institute": capitalised words
    /// ending in a practice or service word, the first of them a proper word (a name, a place, an unknown word or an English word that
    /// is not a department word like "Sleep" or "Breast"). Departments ("Breast Oncology", "Internal Medicine") have no such word.
    /// </summary>
    private static void OrganizationName(string text, Span<Token> t, int h, CaseMode mode, List<PhiSpan> spans)
    {
        // Only where capitals mean something: in capitals-only or lower-case notes every word looks alike. A department after a
        // facility ("Brookhaven Medical Center Radiology") is not part of its name.
        // Company suffixes are written in capitals too ("Quill & Brack LLP").
        if (mode != CaseMode.Mixed || !(t[h].Title || t[h].Upper && CompanySuffixes.Contains(Word(text, t[h]))) || h == 0 || FacilityHeads.Contains(Word(text, t[h - 1])) || CenterWords.Contains(Word(text, t[h - 1])))
        {
            return;
        }

        var first = -1;
        for (var k = h - 1; k >= 0 && h - k <= 6; k--)
        {
            var gap = text.AsSpan(t[k].End, t[k + 1].Start - t[k].End);
            if (gap is not (" " or " & ") && !(gap is ". " && Word(text, t[k]) is "St" or "Mt"))
            {
                break;
            }

            var w = Word(text, t[k]);
            if (w is "and" or "of")
            {
                continue;
            }

            // Another practice word ends the name ("Chest Physicians | Evidence-Based Clinical Practice").
            if (NameEndingHeads.Contains(w))
            {
                break;
            }

            var innerCapitals = char.IsUpper(w[0]) && t[k].LowerCount > 0 && PlainWord(w);
            if (!(t[k].Title || innerCapitals || t[k].Upper && w.Length is >= 2 and <= 4 && k < h - 1) || Titles.Contains(w) || Relations.Contains(w))
            {
                break;
            }

            // Eponyms and gazetteer places the medical list also knows ("Bloom", "Lakeland") still name a practice.
            var clinical = (t[k].Kind & WordKind.Clinical) != 0 || (t[k].Kind & (WordKind.Medical | WordKind.Place)) == WordKind.Medical;
            // An acronym before department words names an agency or a department ("CDC Clinical Practice", "IBD Clinic").
            if (!t[k].Stop && !clinical && !DepartmentModifiers.Contains(w) && !OrganizationHeads.Contains(w) && !(t[k].Upper && w.Length <= 5)
                && !Credentials.Contains(w) && w.Length >= 3)
            {
                first = k;
            }
        }

        if (first < 0)
        {
            return;
        }

        var count = 1;
        for (var k = first; k < h; k++)
        {
            count += Word(text, t[k]) is "and" or "of" ? 0 : 1;
        }

        var english = (t[first].Kind & WordKind.English) != 0 && (t[first].Kind & (WordKind.FirstName | WordKind.LastName | WordKind.Place)) == 0;
        // "discharged to Maple Manor", "lives at Oak Gardens": a place preposition before a two-word name vouches for it.
        var placed = first > 0 && Joined(text, t[first - 1], t[first]) && IsPlacePreposition(Word(text, t[first - 1]))
            && !Word(text, t[first - 1]).Equals("the", StringComparison.OrdinalIgnoreCase);
        if (GenericOrganizationHeads.Contains(Word(text, t[h])) && count < 3 && english && !placed
            || english && count < 3 && SentenceStart(text, t[first].Start) && first == 0)
        {
            return;
        }

        // "Coastal Urgent Care of Brunswick": a capitalised place after "of" belongs to the name.
        var end = t[h].End;
        if (h + 2 < t.Length && Word(text, t[h + 1]) is "of" && text.AsSpan(t[h].End, t[h + 1].Start - t[h].End) is " "
            && text.AsSpan(t[h + 1].End, t[h + 2].Start - t[h + 1].End) is " " && t[h + 2].Title && !t[h + 2].Stop && !IsClinical(t[h + 2].Kind))
        {
            end = t[h + 2].End;
        }

        spans.Add(new PhiSpan(t[first].Start, end, PhiType.Location, 0.7));
    }
}
