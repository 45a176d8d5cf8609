using System.Collections.Frozen;
using System.Text.RegularExpressions;
using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi.Detection;

/// <summary>
/// Names and places: word tokens classified against the lexicon, then context cues (titles, credentials, relatives,
/// facility words, transfer verbs) decide. Dictionary evidence alone is trusted only for words that are not English or clinical.
/// </summary>
internal sealed partial class NameRecognizer(PhiLexicon lexicon)
{
    private enum CaseMode { Mixed, Upper, Lower }

    private struct Token
    {
        public int Start;
        public int End;
        public WordKind Kind;
        public bool Title;      // Initial capital, rest lower ("Smith")
        public bool Upper;      // All capitals ("SMITH")
        public bool Stop;
        public bool Initial;    // One letter
        public short UpperCount;
        public short LowerCount;
    }

    private static readonly WordSet StopWords = Set(
        "the a an and or but nor to at in on of for from with without by as is was were be been being are am will would could should may might can " +
        "did does has had have having here there this that these those he she it they we i you his her him them their our my your its me us " +
        "pt pts patient patients aware notified made called paged informed updated update order orders ordered office team service note notes said " +
        "states stated wants re regarding about also not no yes who whom which when where after before today tonight tomorrow yesterday am pm " +
        "rounds bedside out up down over into onto per via then than so if while during until since because all any some each every both other " +
        "family md rn np pa sw do ho staff attending resident fellow intern nurse nursing doctor physician surgeon team unit floor icu ccu micu sicu " +
        "csru ew er ed or pacu home house rehab hospital hosp clinic oncall on-call covering consult consulted cards renal gi id neuro resp cv gu " +
        "is/was just again already still now well very only new old same other another outside local previous prior community general state county " +
        "university city veterans children's mr mrs ms miss dr drs dtr dau son daughter wife husband mother father brother sister friend note: " +
        "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december " +
        "see please call page notify ask tell told asked given full face instructed found present plan begin continue aware law " +
        "jesus god christ lord " +
        // Contractions and greetings start sentences and follow commas like names do ("Hi Radomir, I'm writing").
        "i'm i've i'd i'll it's he's she's we're we've you're you've they're that's there's don't doesn't didn't can't won't isn't wasn't " +
        "hi hello hey dear thanks thank regards sincerely " +
        // Field labels of templated notes, which a name must not run into across a column gap ("Harriet Quill    MRN: ...").
        "mrn dob dos hcp pcp gp csn fin nhs acc molst polst pgy ohip cpso cpsa ahpra ahcip gmc nmc lpcc");

    private static readonly WordSet RoleTitles = Set("attending attg");
    private static readonly WordSet Titles = Set("dr drs dr's doctor mr mrs messrs prof professor rabbi reverend rev pastor chaplain attending attg");
    // Also abbreviations: "MS" mental status or morphine, "HO" ends many sentences ("per HO.").
    private static readonly WordSet AmbiguousTitles = Set("ms miss mx ho");
    private static readonly WordSet WeakTitles = Set("nurse np pa rn md");

    private static readonly WordSet Relations = Set(
        "wife husband son sons daughter daughters dtr dau mother mom father dad sister sis brother bro niece nephew friend aunt uncle grandson " +
        "granddaughter grandaughter grandmother grandfather grandma grandpa cousin fiance fiancee partner girlfriend boyfriend spouse neighbor " +
        "neighbour hcp proxy poa guardian son-in-law daughter-in-law dtr-in-law sister-in-law brother-in-law stepson stepdaughter caregiver " +
        "companion roommate kid kids named name:");

    private static readonly WordSet Verbs = Set(
        "per spoke talked talk speak speaking talking called paged seen contacted discussed met informed notified consult consulted " +
        // Reported speech and letters: "says Okafor", "told Mavis", "thanked Dr ...".
        "says said told asked thanked");

    // "Dear Ottoline", "Hi Radomir,", "Thanks Emeka": a greeting or thanks vouches like a relative does.
    private static readonly WordSet Greetings = Set("dear hi hello hey thanks thank");

    // "Ted called", "nell visited", "FRED STATES": a given name right before one of these is a person.
    private static readonly WordSet AfterNameVerbs = Set("called calls phoned visited visits visiting states stated came arrived left ordered paged");
    private static readonly WordSet AmbiguousAfterNameVerbs = Set("ordered paged left");

    // "Tobias Wendt (resident)", "MAVIS (SIGNIFICANT OTHER)": a role in brackets after a name.
    private static readonly WordSet BracketRoles = Set("resident attending fellow intern np rn md pa sw social significant son daughter wife husband mother father sister brother friend hcp proxy nurse");
    private static readonly WordSet VerbLinks = Set("with to by");

    private static readonly WordSet Credentials = Set("md rn np rrt crna lpn msw licsw lcsw pharmd rph phd cna pa-c dds dmd mph facp facs bsn msn aprn cnm fnp dnp slp " +
        "pmhnp pmhnp-bc np-c fnp-c fnp-bc anp-bc agacnp-bc rn-bc cnm-bc " +
        "lmhc ibclc cnim esq lpc lmft ccrn cpnp anp agacnp fhrs frcp frcs mrcp mrcgp otr mba rdn cde cdces");

    private static readonly WordSet FacilityHeads = Set("hospital hospitals hosp hospiatal clinic clinics rehab infirmary hospice campus sanatorium");
    private static readonly WordSet CenterWords = Set("center centre ctr");
    private static readonly WordSet CenterModifiers = Set("medical med health healthcare surgical surgery cancer rehab rehabilitation nursing care dialysis");
    private static readonly WordSet NamePartHeads = Set("memorial regional");
    private static readonly WordSet GenericFacilityWords = Set("general university county community state city veterans children's childrens the");

    private static readonly WordSet PlaceVerbs = Set("transfer transferred transfered transferring trans tx transported admitted taken sent moved discharged returned returning going go went arrived came lives live living resides reside resided located born");

    private static readonly WordSet ClinicalHeads = Set(
        "disease disease's syndrome sign signs catheter catheters tube fracture test maneuver manoeuvre reflex procedure operation score scale " +
        "criteria drain bag stockings classification type cells cell node nodes law ulcer palsy phenomenon murmur triad position bundle " +
        "line needle forceps retractor splint boot collar mask valve shunt stent pouch clamp method technique solution level levels fingers " +
        "nomogram grade stage index");

    private static readonly WordSet NonPlaceAcronyms = Set("nih lmwh ufh osh ich sah ivh sdh edh lvh rvh bph pph pih adh ldh tsh fsh nph mch hh dh sh ph ch nh bh gh2 ugh duh");

    private static readonly string[] KnownFacilityPhrases =
    [
        "holy cross", "sacred heart", "good samaritan", "johns hopkins", "mass general", "beth israel", "mount sinai", "mt sinai",
        "cedars-sinai", "kaiser permanente", "mayo clinic", "cleveland clinic", "shriners", "brigham", "st mary's", "st. mary's",
    ];

    private static readonly WordSet Facility1 = Set("kaiser mayo brigham shriners kessler");

    private static readonly WordSet PlacePrepositions = Set("in from of near to at");

    private static readonly WordSet AcronymCues = Set("by into leave left via when");

    private static readonly WordSet FacilityLeadIns = Set("from at by");

    // Words before "in/from/of" that say a place follows: "lives in", "son from", "home in", "flying in from".
    private static readonly WordSet PlaceLeadIns = Set(
        "home back nearby here visiting visit flying fly flew flies drive drove driving trip originally area live lives living resides reside " +
        "return returns arrive arrives arriving up ended based grew " +
        "moved moving staying stays born raised native returned returning going go went arrived came come comes coming travel traveling travelled " +
        "transfer transferred transfered transferring sent taken admitted discharged house apartment");

    private static readonly WordSet WardPrepositions = Set("to on from at in into");

    private static readonly WordSet NameCueIs = Set("is was are were");

    private static readonly WordSet SubjectVerbs = Set("is was has had will would went goes came comes called visited arrived left met wants wanted knows knew");

    // Verbs whose subject is a person, not a drug or a device.
    private static readonly WordSet PersonVerbs = Set(
        "said says told asked shouted replied answered lives lived spent began begins wrote writes works worked died married thinks thought loves loved");

    private static readonly WordSet Modals = Set("can could would will may");
    private static readonly WordSet RequestPronouns = Set("i you we");
    private static readonly WordSet ObjectPronouns = Set("him her them");
    private static readonly WordSet Coordinators = Set("and &");

    private static readonly WordSet UnitWords = Set("mg mcg cc ml l units unit u hrs hr h min mins kg g meq mmol x times days weeks mos months yrs years liters lpm");

    [GeneratedRegex(@"^\s*,?\s*(?:M\.D\.|R\.N\.|R\.R\.T\.|N\.P\.|P\.A\.|D\.O\.)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DottedCredential();

    private static WordSet Set(string words) => new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A case-insensitive word set probed with spans, so classifying a token allocates nothing.</summary>
    private sealed class WordSet(IEnumerable<string> words)
    {
        private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup =
            words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

        public bool Contains(ReadOnlySpan<char> word) => _lookup.Contains(word);
    }

    public void Find(string text, List<PhiSpan> spans, DetectionDeadline deadline = default)
    {
        var firstSpan = spans.Count;
        var tokens = Tokenize(text, out var documentMode);
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens);
        // In a note written in lower case a line with a signature or a pasted acronym is still written in lower case.
        var casual = documentMode == CaseMode.Lower || documentMode == CaseMode.Mixed && Casual(text, all);

        // Case is judged per line where a line has enough letters: an ALL-CAPS header does not make a mixed-case paragraph "upper".
        var lineStart = 0;
        for (var k = 0; k <= all.Length; k++)
        {
            if (k < all.Length && (k == lineStart || !text.AsSpan(all[k - 1].End, all[k].Start - all[k - 1].End).Contains('\n')))
            {
                continue;
            }

            var line = all[lineStart..k];
            int upper = 0, lower = 0;
            foreach (ref readonly var tok in line)
            {
                upper += tok.UpperCount;
                lower += tok.LowerCount;
            }

            var mode = upper + lower < 40 ? documentMode : ModeOf(upper, lower);
            deadline.Check();
            ContactBlockName(text, line, spans, firstSpan);
            ScanLine(text, line, mode, spans);
            if (mode == CaseMode.Mixed && (casual || Casual(text, line)))
            {
                // A casual writer's capitals still mark proper nouns ("went home to Frostburg"), but a lower-case word is no evidence
                // against a name ("son, clem, called"): read the line again as lower case, keeping lower-case findings that the name
                // and place lists back (capitalised words were judged by the first reading; "attending stopped" and "vascsurg aware" go).
                var before = spans.Count;
                ScanLine(text, line, CaseMode.Lower, spans);
                for (var s = spans.Count - 1; s >= before; s--)
                {
                    if (!ListedLowerCase(text, spans[s]))
                    {
                        spans.RemoveAt(s);
                    }
                }
            }
            lineStart = k;
        }

        DropNonNames(text, spans, firstSpan);
        ExtendLeft(text, all, spans, firstSpan);
        ExtendRight(text, all, spans, firstSpan);
        CoordinatedPlace(text, all, spans, firstSpan);
        PlaceChain(text, all, spans, firstSpan);
        Propagate(text, all, spans, firstSpan);
    }

    /// <summary>
    /// "the rn, the rrt and the md", "NP aware", "beta2-agonist (SABA)": a credential or role abbreviation, or an acronym defined in
    /// brackets, is never a name by itself, whatever list or cue took it.
    /// </summary>
    private static void DropNonNames(string text, List<PhiSpan> spans, int firstSpan)
    {
        for (var s = spans.Count - 1; s >= firstSpan; s--)
        {
            var words = text.AsSpan(spans[s].Start, spans[s].End - spans[s].Start).Trim(" .,");
            // "beta2-agonist (SABA)", "inhibitor (ARNI)": an acronym defined in brackets after its words.
            var definedAcronym = words.Length is >= 2 and <= 6 && !words.ContainsAnyExceptInRange('A', 'Z') && spans[s].Start > 0
                && text[spans[s].Start - 1] == '(' && spans[s].End < text.Length && text[spans[s].End] == ')';
            if (spans[s].Type == PhiType.Name && (Credentials.Contains(words) || WeakTitles.Contains(words) || definedAcronym))
            {
                spans.RemoveAt(s);
            }
        }
    }

    /// <summary>
    /// "Tosh Ravnsborg", "Vide A. Lindqvist": a capitalised given name, or a word no list knows, right before a found name
    /// ("A. Lindqvist", "Ravnsborg") belongs to it. Stop words, clinical words and sentence-initial English words stay out.
    /// </summary>
    private void ExtendLeft(string text, Span<Token> t, List<PhiSpan> spans, int firstSpan)
    {
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            var span = spans[s];
            if (span.Type != PhiType.Name)
            {
                continue;
            }

            var k = FindToken(t, span.Start, byEnd: false);
            if (k <= 0 || t[k].Start != span.Start || !(t[k].Title || t[k].Initial && char.IsUpper(text[t[k].Start])) || !Joined(text, t[k - 1], t[k]))
            {
                continue;
            }

            ref var left = ref t[k - 1];
            if (!left.Title || left.Stop || IsClinical(left.Kind) || left.End - left.Start < 3 || !PlainWord(Word(text, left)))
            {
                continue;
            }

            var given = (left.Kind & WordKind.FirstName) != 0 && (left.Kind & WordKind.English) == 0;
            var unknown = left.Kind == WordKind.None && !LooksClinical(Word(text, left)) && !IsMisspelling(Word(text, left));
            if (given || unknown)
            {
                spans.Add(new PhiSpan(left.Start, span.End, PhiType.Name, span.Confidence));
            }
        }
    }

    /// <summary>
    /// "their nurse, Ottoline Brackwater," in a lower-case note, "TO PHONE MARGARET ANN QUIBORNE": a found name runs on over the
    /// next words written the same way (capitalised after a capitalised name, capitals after capitals) when they are listed given
    /// names or surnames that are not English, or words no list knows that do not look clinical or misspelt. Case must set
    /// the words apart: a mixed-case line already judged them, so only lower-case and capitals-only text is extended.
    /// </summary>
    private void ExtendRight(string text, Span<Token> t, List<PhiSpan> spans, int firstSpan)
    {
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            var span = spans[s];
            if (span.Type != PhiType.Name)
            {
                continue;
            }

            var k = FindToken(t, span.End, byEnd: true);
            if (k < 0 || k + 1 >= t.Length || t[k].Initial)
            {
                continue;
            }

            var end = span.End;
            for (var n = k + 1; n < t.Length && n <= k + 2; n++)
            {
                ref var next = ref t[n];
                var sameCase = t[k].Title && next.Title && LineIsLowerCase(text, next.Start) || t[k].Upper && next.Upper && t[k].End - t[k].Start > 1;
                var w = Word(text, next);
                if (!sameCase || text.AsSpan(t[n - 1].End, next.Start - t[n - 1].End) is not " " || next.Stop || IsClinical(next.Kind)
                    || (next.Kind & WordKind.Eponym) != 0 || w.Length < 3 || !PlainWord(w) || Credentials.Contains(w) || Relations.Contains(w) || Titles.Contains(w))
                {
                    break;
                }

                // A listed name that is also English ("Fisher", "ANN") joins when capitalised in lower-case text, or in capitals when a
                // surname follows it ("MARGARET ANN QUIBORNE"), never as the last word of capitals ("DR. HOLT FAIR").
                var listed = IsNameWord(next.Kind) && ((next.Kind & WordKind.English) == 0 || next.Title
                    || n + 1 < t.Length && t[n + 1].Upper && text.AsSpan(next.End, t[n + 1].Start - next.End) is " " && UnknownName(text, t[n + 1]));
                if (!listed && !UnknownName(text, next))
                {
                    break;
                }

                end = next.End;
            }

            if (end > span.End)
            {
                spans.Add(new PhiSpan(span.Start, end, PhiType.Name, span.Confidence));
            }
        }
    }

    private bool UnknownName(string text, in Token tok) =>
        tok.Kind == WordKind.None && !tok.Stop && tok.End - tok.Start >= 3 && PlainWord(Word(text, tok)) && !LooksClinical(Word(text, tok)) && !IsMisspelling(Word(text, tok));

    /// <summary>The line holding <paramref name="at"/> has no capital letter outside single capitalised words, or is in capitals.</summary>
    private static bool LineIsLowerCase(string text, int at)
    {
        var start = at;
        while (start > 0 && text[start - 1] != '\n')
        {
            start--;
        }

        var end = at;
        while (end < text.Length && text[end] != '\n')
        {
            end++;
        }

        int upper = 0, lower = 0;
        foreach (var c in text.AsSpan(start, end - start))
        {
            upper += char.IsUpper(c) ? 1 : 0;
            lower += char.IsLower(c) ? 1 : 0;
        }

        return upper + lower >= 40 && upper < 0.05 * (upper + lower);
    }

    /// <summary>
    /// A name found once with a cue ("Dr. Okonkwo", "son Teodor") is a name wherever else the same word appears in the document
    /// ("Okonkwo called back"), and so is a place's own word. Only words no list knows as English or clinical travel, so one doubtful
    /// finding cannot spread.
    /// </summary>
    private static void Propagate(string text, Span<Token> t, List<PhiSpan> spans, int firstSpan)
    {
        Dictionary<string, PhiType>? words = null;
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            // Places travel too: "transfer from Quenbury Hospital ... bleeding at Quenbury" (the facility word, not its head).
            var type = spans[s].Type;
            if (type is not (PhiType.Name or PhiType.Location) || spans[s].Confidence < 0.7)
            {
                continue;
            }

            for (var k = FindToken(t, spans[s].Start, byEnd: false); k >= 0 && k < t.Length && t[k].End <= spans[s].End; k++)
            {
                var w = Word(text, t[k]);
                if (!t[k].Initial && w.Length >= (type == PhiType.Name ? 3 : 4) && (t[k].Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical | WordKind.Eponym)) == 0
                    && !t[k].Stop && (type == PhiType.Name || !OrganizationHeads.Contains(w) && !FacilityHeads.Contains(w) && !DepartmentModifiers.Contains(w)
                        && !GenericFacilityWords.Contains(w) && !NonPlaceAcronyms.Contains(w)))
                {
                    (words ??= new Dictionary<string, PhiType>(StringComparer.OrdinalIgnoreCase)).TryAdd(text[t[k].Start..t[k].End], type);
                }
            }
        }

        if (words is null)
        {
            return;
        }

        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (ref readonly var tok in t)
        {
            if (tok.End - tok.Start >= 3 && lookup.TryGetValue(Word(text, tok), out var type))
            {
                spans.Add(new PhiSpan(tok.Start, tok.End, type, 0.6));
            }
        }
    }

    /// <summary>Every word of the span in lower case and on a name or place list.</summary>
    private bool ListedLowerCase(string text, PhiSpan span)
    {
        var words = text.AsSpan(span.Start, span.End - span.Start);
        if (words.ContainsAnyInRange('A', 'Z'))
        {
            return false;
        }

        foreach (var range in words.SplitAny(" \t.,-"))
        {
            var word = words[range];
            if (word.Length > 1 && (lexicon.Classify(word) & (WordKind.FirstName | WordKind.LastName | WordKind.Place)) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A writer who starts sentences in lower case ("daughter visiting. clem phoned, updated.") uses capitals for the odd acronym or
    /// pasted name only: their capital letters say nothing, so such text is read as lower case.
    /// </summary>
    private static bool Casual(string text, Span<Token> t)
    {
        int lowerStarts = 0, capitalStarts = 0;
        for (var k = 0; k < t.Length; k++)
        {
            if (t[k].Initial || t[k].Upper && !t[k].Title)
            {
                continue;
            }

            if (k > 0 && LastNonSpace(text, t[k].Start) is not ('.' or '!' or '?') && !LineStart(text, t[k].Start))
            {
                continue;
            }

            if (char.IsLower(text[t[k].Start]))
            {
                lowerStarts++;
            }
            else
            {
                capitalStarts++;
            }
        }

        return lowerStarts >= 2 && lowerStarts > 2 * capitalStarts;
    }

    private static CaseMode ModeOf(int upper, int lower)
    {
        var letters = upper + lower;
        return letters == 0 ? CaseMode.Mixed : upper > 0.6 * letters ? CaseMode.Upper : upper < 0.02 * letters ? CaseMode.Lower : CaseMode.Mixed;
    }

    private void ScanLine(string text, Span<Token> t, CaseMode mode, List<PhiSpan> spans)
    {
        var firstSpan = spans.Count;
        var n = t.Length;
        for (var i = 0; i < n; i++)
        {
            var word = Word(text, t[i]);

            // "Ms." binds across its period only where case is informative: "MS. ALERT" in capitals is mental status.
            if (AmbiguousTitles.Contains(word) && i + 1 < n && Joined(text, t[i], t[i + 1])
                && (!text.AsSpan(t[i].End, t[i + 1].Start - t[i].End).Contains('.')
                    || mode == CaseMode.Mixed && t[i + 1].Title && (t[i].Title || (t[i + 1].Kind & WordKind.English) == 0))
                && NameLike(t[i + 1], mode, vouched: false))
            {
                TakeNameAfter(text, t, i, mode, spans, strong: true);
                continue;
            }

            if (Titles.Contains(word) || (WeakTitles.Contains(word) && i + 1 < n && Joined(text, t[i], t[i + 1])
                && (!t[i].Upper && mode == CaseMode.Mixed && t[i + 1].Title
                    || IsNameWord(t[i + 1].Kind) && (t[i + 1].Kind & WordKind.English) == 0 && !t[i + 1].Stop && !IsClinical(t[i + 1].Kind))))
            {
                // "Dr. Weaver", "dr mercer": after a title even English words are names.
                TakeNameAfter(text, t, i, mode, spans, strong: true);
                continue;
            }

            if (NameCue(text, t, i, word) is var cue and >= 0)
            {
                // "my name is Ingeborg", "maiden name: Quiñones", "call me Radomir": the cue vouches like a title.
                TakeNameAfter(text, t, cue, mode, spans, strong: true, anyGap: true);
                continue;
            }

            if ((word.Equals("patient", StringComparison.OrdinalIgnoreCase) || word.Equals("pt", StringComparison.OrdinalIgnoreCase)) && t[i].End < text.Length
                && text[t[i].End] == ':' && i + 1 < n)
            {
                // A header field "Patient: Okafor, Chidinma" (the word itself must look like a name: "Patient: alert" is not one).
                TakeNameAfter(text, t, i, mode, spans, strong: false, anyGap: true);
            }

            if (Relations.Contains(word) || word.Equals("other", StringComparison.OrdinalIgnoreCase) && i > 0 && Word(text, t[i - 1]).Equals("significant", StringComparison.OrdinalIgnoreCase)
                || Greetings.Contains(word))
            {
                TakeNameAfter(text, t, i, mode, spans, strong: false);
                if (i > 0 && Relations.Contains(word))
                {
                    PossessorOfRelative(text, t, i, mode, spans);
                }
            }
            else if (Verbs.Contains(word))
            {
                TakeNameAfter(text, t, i, mode, spans, strong: false, verb: true);
            }

            AppositiveGivenName(text, t, i, spans);
            if (word.Equals("with", StringComparison.OrdinalIgnoreCase))
            {
                LowerCaseNameAfterWith(text, t, i, spans);
            }

            if (word.Equals("called", StringComparison.OrdinalIgnoreCase) && i > 0 && NameCueIs.Contains(Word(text, t[i - 1])) && Joined(text, t[i - 1], t[i])
                && i + 1 < n && t[i + 1].Title && mode == CaseMode.Mixed && !t[i + 1].Stop && !IsClinical(t[i + 1].Kind))
            {
                // "my grandmother was called Yulanne Peres": the name given to a person (not "was called to see her", all lower case).
                TakeNameAfter(text, t, i, mode, spans, strong: true);
            }

            if (word.Equals("named", StringComparison.OrdinalIgnoreCase) && i + 2 < n && ObjectPronouns.Contains(Word(text, t[i + 1])) && Joined(text, t[i], t[i + 1]))
            {
                // "She named him Teodor": the name given to a person, even where it is also an English word.
                TakeNameAfter(text, t, i + 1, mode, spans, strong: true);
            }

            if (i + 2 < n && text.AsSpan(t[i].End, t[i + 1].Start - t[i].End).Trim(' ') is "," && Modals.Contains(Word(text, t[i + 1]))
                && RequestPronouns.Contains(Word(text, t[i + 2])) && SentenceStart(text, t[i].Start))
            {
                VocativeBeforeRequest(text, t, i, mode, spans);
            }

            if (word.Equals("why", StringComparison.OrdinalIgnoreCase))
            {
                SubjectOfWhyQuestion(text, t, i, mode, spans);
            }

            if (IsCredential(text, t, i, word))
            {
                TakeNameBefore(text, t, i, mode, spans);
            }
            else if (i > 0 && BracketRoles.Contains(word) && LastNonSpace(text, t[i].Start) == '(')
            {
                TakeNameBefore(text, t, i, mode, spans, cue: true);
            }
            else if (i > 0 && AfterNameVerbs.Contains(word) && IsNameWord(t[i - 1].Kind) && !IsClinical(t[i - 1].Kind) && Joined(text, t[i - 1], t[i])
                // Things are ordered too ("heel splint ordered") and sides are left ("line left hand", "IV LEFT ARM"): before these
                // verbs an English word must be capitalised in mixed-case text ("K FISHER ORDERED" has its initial to vouch instead).
                && !(AmbiguousAfterNameVerbs.Contains(word) && (t[i - 1].Kind & WordKind.English) != 0
                    && !(mode == CaseMode.Mixed && t[i - 1].Title || word.Equals("ordered", StringComparison.OrdinalIgnoreCase) && (t[i - 1].Title || t[i - 1].Upper))))
            {
                TakeNameBefore(text, t, i, mode, spans, cue: true);
            }
            else if (word.Equals("aware", StringComparison.OrdinalIgnoreCase))
            {
                // "H. Lindqvist aware", "fenella brandauer aware": whoever is made aware is a person; "team/family/MD aware" are stop words.
                // "violet made aware": the person before "made aware".
                var at = i > 1 && Word(text, t[i - 1]).Equals("made", StringComparison.OrdinalIgnoreCase) && Joined(text, t[i - 1], t[i]) ? i - 1 : i;
                TakeNameBefore(text, t, at, mode, spans, cue: true);
            }

            FindFacility(text, t, i, word, mode, spans);
            if (OrganizationHeads.Contains(word))
            {
                OrganizationName(text, t, i, mode, spans);
            }

            if (PlaceVerbs.Contains(word) || IsCallOut(text, t, i))
            {
                TakePlaceAfter(text, t, i, mode, spans);
            }

            PlaceBeforeState(text, t, i, spans);
            if (mode != CaseMode.Upper && PlaceLabels.Contains(word) && t[i].End < text.Length && text[t[i].End] == ':')
            {
                LabelledPlace(text, t, i, spans);
            }
            if (mode == CaseMode.Mixed)
            {
                BranchTown(text, t, i, spans);
            }

            if (PlacePrepositions.Contains(word))
            {
                GazetteerPlaceAfter(text, t, i, mode, spans);
            }

            WardName(text, t, i, mode, spans);

            if (t[i].Initial)
            {
                InitialAndSurname(text, t, i, mode, spans);
            }

            if (t[i].Stop || IsClinical(t[i].Kind))
            {
                continue;
            }

            DictionaryName(text, t, i, mode, spans);
        }

        ColonList(text, t, mode, spans, firstSpan);
        Coordinate(text, t, mode, spans, firstSpan);
    }

    /// <summary>
    /// "Brother, Al, phoned", "polite to pt, Mabel.": a capitalised given name set off by commas right after a relative (or the
    /// patient) is that person's name, even where the word is also an abbreviation that never counts as a name on its own ("Al", "Art").
    /// </summary>
    private static void AppositiveGivenName(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        var patient = Word(text, t[i]).Equals("pt", StringComparison.OrdinalIgnoreCase) || Word(text, t[i]).Equals("patient", StringComparison.OrdinalIgnoreCase);
        if (i + 1 >= t.Length || !(Relations.Contains(Word(text, t[i])) || patient) || !t[i + 1].Title || (t[i + 1].Kind & WordKind.FirstName) == 0 || (t[i + 1].Kind & WordKind.Medical) != 0
            || text.AsSpan(t[i].End, t[i + 1].Start - t[i].End) is not ", " || t[i + 1].End >= text.Length || !(text[t[i + 1].End] == ',' || patient && text[t[i + 1].End] == '.'))
        {
            return;
        }

        spans.Add(new PhiSpan(t[i + 1].Start, t[i + 1].End, PhiType.Name, 0.75));
    }

    /// <summary>
    /// "Ottokar, can I ask you something?": a capitalised word that opens the sentence, followed by a comma and a request
    /// ("can I", "could you"), is the person addressed. Words any list knows as English or clinical stay out ("Doctor, can you").
    /// </summary>
    private static void VocativeBeforeRequest(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        var w = Word(text, tok);
        if (tok.Stop || tok.Initial || w.Length < 3 || IsClinical(tok.Kind) || mode == CaseMode.Mixed && !tok.Title || Relations.Contains(w) || Titles.Contains(w)
            || Greetings.Contains(w) || (tok.Kind & (WordKind.English | WordKind.Eponym)) != 0 && !IsNameWord(tok.Kind))
        {
            return;
        }

        spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
    }

    /// <summary>
    /// "Why is Brunhilde so quiet?": the subject of "why is/was X so ..." is a person. The word must be capitalised in mixed text and
    /// not a known English or clinical word ("Why is Lasix so expensive?" names a drug the clinical list knows).
    /// </summary>
    private static void SubjectOfWhyQuestion(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        if (i + 3 >= t.Length || !NameCueIs.Contains(Word(text, t[i + 1])) || !Word(text, t[i + 3]).Equals("so", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        ref var tok = ref t[i + 2];
        var w = Word(text, tok);
        if (tok.Stop || tok.Initial || IsClinical(tok.Kind) || mode == CaseMode.Mixed && !tok.Title || !Joined(text, t[i + 1], tok) || !Joined(text, tok, t[i + 3])
            || Relations.Contains(w) || Titles.Contains(w) || (tok.Kind & (WordKind.English | WordKind.Eponym)) != 0 && !IsNameWord(tok.Kind))
        {
            return;
        }

        spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
    }

    /// <summary>
    /// "Our founders: Okonkwo, Graves and Reed.": a list of single capitalised words after a colon, closed by "and" and the end of the
    /// phrase, in which one member is already a found name, is a list of names, even where a member is also an English word.
    /// Clinical words, stop words, relatives and titles break the list ("Meds: Lasix, Coumadin and Digoxin" never qualifies).
    /// </summary>
    private static void ColonList(string text, Span<Token> t, CaseMode mode, List<PhiSpan> spans, int firstSpan)
    {
        if (mode != CaseMode.Mixed || spans.Count == firstSpan)
        {
            return;
        }

        var count = spans.Count;
        for (var i = 1; i < t.Length; i++)
        {
            if (text.AsSpan(t[i - 1].End, t[i].Start - t[i - 1].End).Trim(' ') is not ":")
            {
                continue;
            }

            // Members are separated by "," and the last one by "and" / ", and"; the list ends the phrase.
            var members = new List<int>(4);
            var j = i;
            var closed = false;
            while (j < t.Length && members.Count < 8)
            {
                ref var tok = ref t[j];
                var w = Word(text, tok);
                // A surname or eponym the medical list also knows ("Graves") is still a surname here; other clinical words break the list.
                if (!tok.Title || tok.Stop || tok.Initial || IsClinical(tok.Kind) && (tok.Kind & WordKind.Eponym) == 0 && !IsNameWord(tok.Kind) || Relations.Contains(w) || Titles.Contains(w) || Credentials.Contains(w))
                {
                    break;
                }

                members.Add(j);
                if (closed)
                {
                    break;
                }

                if (j + 1 >= t.Length)
                {
                    break;
                }

                var gap = text.AsSpan(tok.End, t[j + 1].Start - tok.End).Trim(' ');
                if (gap is "" or "," && Coordinators.Contains(Word(text, t[j + 1])) && j + 2 < t.Length
                    && text.AsSpan(t[j + 1].End, t[j + 2].Start - t[j + 1].End).Trim(' ').IsEmpty)
                {
                    closed = true;
                    j += 2;
                }
                else if (gap is ",")
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            if (!closed || members.Count < 2 || !EndsPhrase(text, t[members[^1]].End))
            {
                continue;
            }

            var anyFound = false;
            foreach (var m in members)
            {
                anyFound |= Covered(spans, firstSpan, count, t[m].Start, t[m].End);
            }

            if (anyFound)
            {
                foreach (var m in members)
                {
                    spans.Add(new PhiSpan(t[m].Start, t[m].End, PhiType.Name, 0.6));
                }
            }
        }
    }

    private static bool Covered(List<PhiSpan> spans, int from, int to, int start, int end)
    {
        for (var s = from; s < to; s++)
        {
            if (spans[s].Type == PhiType.Name && spans[s].Start <= start && spans[s].End >= end)
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Word(string text, in Token token) => text.AsSpan(token.Start, token.End - token.Start);

    /// <summary>"Amara's daughter", "VIKTOR'S WIFE": the owner of a relative is a person (the possessive ending stays outside the span).</summary>
    private void PossessorOfRelative(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        ref var owner = ref t[i - 1];
        var w = Word(text, owner);
        if (w.Length < 4 || !(w.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || w.EndsWith("’s", StringComparison.OrdinalIgnoreCase))
            || !Joined(text, owner, t[i]))
        {
            return;
        }

        var name = w[..^2];
        // "Bartholomew's": the lexicon may know the possessive form as an English word; the stem decides.
        owner.Kind |= lexicon.Classify(name);
        if (StopWords.Contains(name) || Relations.Contains(name) || Titles.Contains(name) || IsClinical(owner.Kind) || (owner.Kind & WordKind.Eponym) != 0 && !IsNameWord(owner.Kind))
        {
            return;
        }

        var english = (owner.Kind & WordKind.English) != 0;
        var ok = mode == CaseMode.Mixed
            ? owner.Title && (IsNameWord(owner.Kind) || !english)
            : IsNameWord(owner.Kind) && (!english || (owner.Kind & WordKind.FirstName) != 0);
        if (ok)
        {
            spans.Add(new PhiSpan(owner.Start, owner.End - 2, PhiType.Name, 0.75));
        }
    }

    private static bool IsClinical(WordKind kind) => (kind & (WordKind.Medical | WordKind.Clinical)) != 0;

    private static bool IsNameWord(WordKind kind) => (kind & (WordKind.FirstName | WordKind.LastName)) != 0;

    private List<Token> Tokenize(string text, out CaseMode mode)
    {
        var tokens = new List<Token>(text.Length / 5);
        int upper = 0, lower = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            int up = 0, low = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsLetter(c))
                {
                    if (char.IsUpper(c))
                    {
                        up++;
                    }
                    else
                    {
                        low++;
                    }

                    i++;
                }
                else if ((c is '\'' or '’' or '-') && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            upper += up;
            lower += low;
            var span = text.AsSpan(start, i - start);
            var kind = lexicon.Classify(span);
            if (kind == WordKind.None && span.Length > 2 && (span.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || span.EndsWith("’s", StringComparison.OrdinalIgnoreCase)))
            {
                kind = lexicon.Classify(span[..^2]);
            }

            var stop = StopWords.Contains(span);
            if (kind == WordKind.None && span.Contains('-'))
            {
                // "CALLED-PT", "present-contin", "Rockwood-thinking": a compound no list holds is judged by its parts, so that ordinary
                // words run together with a hyphen are not taken for an unknown surname ("Smith-Jones" keeps its name parts).
                (kind, stop) = HyphenatedParts(span);
            }

            tokens.Add(new Token
            {
                Start = start,
                End = i,
                Kind = kind,
                Title = char.IsUpper(text[start]) && low > 0 && (up == 1 || InnerCapitalsAreNameLike(span)),
                Upper = low == 0,
                Stop = stop || (start > 0 && char.IsDigit(text[start - 1])) || (i < text.Length && char.IsDigit(text[i])),
                Initial = i - start == 1,
                UpperCount = (short)Math.Min(up, short.MaxValue),
                LowerCount = (short)Math.Min(low, short.MaxValue),
            });
        }

        mode = ModeOf(upper, lower);
        return tokens;
    }

    private (WordKind Kind, bool Stop) HyphenatedParts(ReadOnlySpan<char> word)
    {
        var kind = WordKind.None;
        var stop = false;
        foreach (var range in word.Split('-'))
        {
            var part = word[range];
            if (part.Length == 0)
            {
                continue;
            }

            var partKind = lexicon.Classify(part);
            if (partKind == WordKind.None && !StopWords.Contains(part))
            {
                // An unknown part ("Okonkwo-Reyes", "re-intubated") leaves the compound unknown.
                return (WordKind.None, false);
            }

            kind |= partKind;
            stop |= StopWords.Contains(part) && (partKind & (WordKind.FirstName | WordKind.LastName)) == 0;
        }

        return (kind, stop);
    }

    /// <summary>"McAllister", "MacLeod", "O'Farrell", "Smith-Jones" are capitalised names; "PRBCs", "MgSO", "NG-tube" are not.</summary>
    private static bool InnerCapitalsAreNameLike(ReadOnlySpan<char> word)
    {
        for (var k = 1; k < word.Length; k++)
        {
            if (!char.IsUpper(word[k]))
            {
                continue;
            }

            var ok = word[k - 1] is '\'' or '’' or '-' && k + 1 < word.Length && char.IsLower(word[k + 1])
                || k == 2 && word.StartsWith("Mc", StringComparison.Ordinal) || k == 3 && word.StartsWith("Mac", StringComparison.Ordinal);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whitespace, or a period after an abbreviation/initial: tokens still belong to one phrase.</summary>
    private static bool Joined(string text, in Token left, in Token right, bool allowComma = false)
    {
        for (var k = left.End; k < right.Start; k++)
        {
            var c = text[k];
            if (c is ' ' or '\t' or '(' or '"' || c is '\'' or '’' && k == left.End)
            {
                continue;
            }

            // A period joins only after an initial or an abbreviation ("J. Smith", "Dr. Smith", "St. Brigid's").
            if (c == '.' && left.End - left.Start <= 3)
            {
                continue;
            }

            if (allowComma && c is ',' or ':' or '-')
            {
                continue;
            }

            return false;
        }

        return right.Start - left.End <= 4;
    }

    /// <summary>Could this token be part of a person's name, given how much context vouches for it?</summary>
    private static bool NameLike(in Token token, CaseMode mode, bool vouched)
    {
        if (token.Stop)
        {
            return false;
        }

        if (mode == CaseMode.Mixed && !token.Title && !token.Upper)
        {
            // Lower-case words in mixed-case text are rarely names, unless a title vouches for them.
            return vouched && IsNameWord(token.Kind);
        }

        if (vouched)
        {
            return true;
        }

        if (IsClinical(token.Kind))
        {
            return false;
        }

        return IsNameWord(token.Kind) || (token.Kind & WordKind.English) == 0;
    }

    private void TakeNameAfter(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans, bool strong, bool verb = false, bool anyGap = false)
    {
        var j = i + 1;
        if (verb && j + 1 < t.Length && VerbLinks.Contains(Word(text, t[j])) && Joined(text, t[i], t[j]))
        {
            i = j++;
        }

        // "MS: alert" is mental status, not Ms. Alert: a title binds only across spaces and a period.
        if (j >= t.Length || !(anyGap ? CueGap(text, t[i], t[j]) : Joined(text, t[i], t[j], allowComma: !verb && !strong)))
        {
            return;
        }

        var start = -1;
        var end = -1;
        var taken = 0;
        for (; j < t.Length && taken < 3; j++)
        {
            if (j > i + 1 && !Joined(text, t[j - 1], t[j]))
            {
                break;
            }

            ref var tok = ref t[j];
            bool ok;
            if (tok.Initial && char.IsUpper(text[tok.Start]))
            {
                ok = true;
            }
            else if (taken == 0 && strong)
            {
                // A title vouches even for a lower-case word no list knows as English or clinical ("Dr. trzeciak").
                ok = !tok.Stop && (mode != CaseMode.Mixed || tok.Title || tok.Upper || IsNameWord(tok.Kind)
                    || (tok.Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical)) == 0 && tok.End - tok.Start >= 3)
                    // "Dr Will Abernathy": a given name that is also a stop word, right before a capitalised surname.
                    || tok.Stop && tok.Title && (tok.Kind & WordKind.FirstName) != 0 && j + 1 < t.Length && t[j + 1].Title && Joined(text, tok, t[j + 1]);
                // "attending" is also an adjective: where case says nothing, "renal attending stopped in to see pt" has no name after it.
                if (ok && mode != CaseMode.Mixed && (tok.Kind & WordKind.English) != 0 && !IsNameWord(tok.Kind) && RoleTitles.Contains(Word(text, t[i])))
                {
                    ok = false;
                }
            }
            else if (taken > 0 && strong)
            {
                // After a given name an English word is the surname where case says so ("Dr. Mavis Holloway") or where it ends the
                // phrase ("dr. timothy mercer, plan ..."); in capitals or lower case "DR. CARVER STOPPED BY", "mr. hartwell drove to" end at the verb.
                ok = !tok.Stop && !IsClinical(tok.Kind) && (mode != CaseMode.Mixed || tok.Title || tok.Upper)
                    && (IsNameWord(tok.Kind) || (tok.Kind & WordKind.English) == 0
                        || (t[j - 1].Kind & WordKind.FirstName) != 0 && (mode == CaseMode.Mixed && tok.Title || EndsPhrase(text, tok.End)));
            }
            else if (verb || taken > 0 || !strong)
            {
                // Relatives and verbs vouch less: the word itself must look like a name.
                // A capital is evidence wherever it appears: in a mostly lower-case line "Mavis Holloway" reads as in mixed text.
                var capitalised = mode == CaseMode.Mixed || mode == CaseMode.Lower && tok.Title;
                ok = !tok.Stop && !IsClinical(tok.Kind) && (capitalised
                    ? (tok.Title || tok.Upper) && (IsNameWord(tok.Kind) || (tok.Kind & WordKind.English) == 0 || taken > 0 && start >= 0
                        // "Sons Teodor, ...": right after a relative, a capitalised word is a name even if it is also English.
                        || !verb && taken == 0 && tok.Title && Joined(text, t[i], tok))
                      // Lower-case writers: "daughters ottilie and maude".
                      || !verb && taken == 0 && (tok.Kind & (WordKind.FirstName | WordKind.English)) == WordKind.FirstName
                    : (tok.Kind & WordKind.FirstName) != 0 && (!verb || (tok.Kind & WordKind.English) == 0)
                        || (tok.Kind & (WordKind.English | WordKind.Medical)) == 0 && tok.End - tok.Start > 2 && (IsNameWord(tok.Kind) || !IsMisspelling(Word(text, tok))));
                if (ok && verb && taken == 0 && mode != CaseMode.Mixed && !IsNameWord(tok.Kind))
                {
                    ok = false;
                }

                // "per NC", "per CVVHF": in mixed text a short all-capital word after a verb is an abbreviation, not a surname.
                if (ok && verb && taken == 0 && mode == CaseMode.Mixed && tok.Upper && tok.End - tok.Start <= 5 && !IsNameWord(tok.Kind))
                {
                    ok = false;
                }
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                break;
            }

            if (start < 0)
            {
                start = tok.Start;
            }

            end = tok.End;
            if (!tok.Initial)
            {
                taken++;
            }
        }

        if (start >= 0 && taken > 0)
        {
            spans.Add(new PhiSpan(start, end, PhiType.Name, strong ? 0.9 : 0.75));
        }
    }

    private static bool IsCredential(string text, Span<Token> t, int i, ReadOnlySpan<char> word)
    {
        if (i == 0 || !Credentials.Contains(word) && !SwappedCredential(word))
        {
            // "R.N." tokenises as R . N .: look for the dotted form right after a word.
            return false;
        }

        var gap = text.AsSpan(t[i - 1].End, t[i].Start - t[i - 1].End);
        return gap.Trim().Length <= 1 && !gap.Contains('\n');
    }

    /// <summary>"LICWS", "CNRA": a credential of four letters or more with two neighbouring letters swapped, as hurried notes write them.</summary>
    private static bool SwappedCredential(ReadOnlySpan<char> word)
    {
        if (word.Length < 4 || !PlainWord(word))
        {
            return false;
        }

        foreach (var credential in SwappableCredentials)
        {
            if (credential.Length != word.Length)
            {
                continue;
            }

            var first = -1;
            var differences = 0;
            for (var k = 0; k < word.Length && differences <= 2; k++)
            {
                if (char.ToLowerInvariant(word[k]) != credential[k])
                {
                    first = differences++ == 0 ? k : first;
                }
            }

            if (differences == 2 && first + 1 < word.Length && char.ToLowerInvariant(word[first]) == credential[first + 1]
                && char.ToLowerInvariant(word[first + 1]) == credential[first])
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] SwappableCredentials = ["licsw", "lcsw", "crna", "pharmd", "aprn", "facp", "facs"];

    private static void TakeNameBefore(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans, bool cue = false)
    {
        var start = -1;
        var end = -1;
        var names = 0;
        for (var j = i - 1; j >= 0 && i - j <= 4; j--)
        {
            // A cue after the name binds only within the phrase: "EXTUB. AWARE OF RESULTS" is two sentences.
            if (j < i - 1 && !Joined(text, t[j], t[j + 1]) || j == i - 1 && cue && text.AsSpan(t[j].End, t[i].Start - t[j].End).Trim(" \t(").Length > 0)
            {
                break;
            }

            ref var tok = ref t[j];
            var ok = tok.Initial ? char.IsUpper(text[tok.Start]) || mode == CaseMode.Lower : NameLike(tok, mode, vouched: false);
            if (ok && cue && !tok.Initial)
            {
                // A cue after the name is weaker than a credential: no acronyms ("EP aware"), no role words.
                var w = Word(text, tok);
                ok = w.Length >= 3 && PlainWord(w) && !(tok.Upper && mode == CaseMode.Mixed && w.Length <= 4) && !Relations.Contains(w) && !Titles.Contains(w)
                    && !Credentials.Contains(w) && !WeakTitles.Contains(w);
            }

            if (!ok)
            {
                break;
            }

            start = tok.Start;
            if (end < 0)
            {
                end = tok.End;
            }

            if (!tok.Initial)
            {
                names++;
            }
        }

        if (names > 0)
        {
            spans.Add(new PhiSpan(start, end, PhiType.Name, 0.85));
        }
    }

    private void FindFacility(string text, Span<Token> t, int i, ReadOnlySpan<char> word, CaseMode mode, List<PhiSpan> spans)
    {
        int headStart;
        if (FacilityHeads.Contains(word))
        {
            headStart = i;
        }
        else if (CenterWords.Contains(word) && i > 0 && CenterModifiers.Contains(Word(text, t[i - 1])))
        {
            headStart = i - 1;
        }
        else if (i > 0 && (word.Equals("home", StringComparison.OrdinalIgnoreCase) && Word(text, t[i - 1]).Equals("nursing", StringComparison.OrdinalIgnoreCase)
            || word.Equals("living", StringComparison.OrdinalIgnoreCase) && (Word(text, t[i - 1]).Equals("assisted", StringComparison.OrdinalIgnoreCase)
                || Word(text, t[i - 1]).Equals("senior", StringComparison.OrdinalIgnoreCase))))
        {
            // "Oakhurst Nursing Home", "Tallow Creek Assisted Living", "Brindle Senior Living".
            headStart = i - 1;
        }
        else if (NamePartHeads.Contains(word) && (mode != CaseMode.Mixed || t[i].Title || t[i].Upper
            || spans.Count > 0 && spans[^1].Type == PhiType.Location && t[i].Start - spans[^1].End is >= 1 and <= 2))
        {
            headStart = i;
            if (spans.Count > 0 && spans[^1].Type == PhiType.Location && t[i].Start - spans[^1].End is >= 1 and <= 2)
            {
                spans.Add(new PhiSpan(spans[^1].Start, t[i].End, PhiType.Location, 0.8));
            }
        }
        else
        {
            FindNamedFacility(text, t, i, mode, spans);
            return;
        }

        var start = -1;
        var names = 0;
        for (var j = headStart - 1; j >= 0 && headStart - j <= 4; j--)
        {
            if (!Joined(text, t[j], t[j + 1]))
            {
                break;
            }

            ref var tok = ref t[j];
            var w = Word(text, tok);
            var generic = GenericFacilityWords.Contains(w) && !w.Equals("the", StringComparison.OrdinalIgnoreCase);
            // "General Hospital", "County Hospital": a generic word right before the head is part of the name.
            if (generic && j == headStart - 1 && (mode != CaseMode.Mixed || tok.Title || tok.Upper))
            {
                start = tok.Start;
                names++;
                continue;
            }

            // A gazetteer place is a facility name even if the medical list knows it too ("Brookhaven").
            var clinical = (tok.Kind & WordKind.Clinical) != 0 || (tok.Kind & (WordKind.Medical | WordKind.Place)) == WordKind.Medical;
            var ok = !generic && !tok.Stop && !clinical && (mode != CaseMode.Mixed || tok.Title || tok.Upper)
                || NamePartHeads.Contains(w) || w.Equals("st", StringComparison.OrdinalIgnoreCase) || w.Equals("saint", StringComparison.OrdinalIgnoreCase);
            if (!ok)
            {
                break;
            }

            start = tok.Start;
            names++;
        }

        // A lone English word before "hospital" is usually a verb or adjective ("leave hospital"), unless it is a known name.
        // "Memorial Hospital", "Mercy Hospital" after "to/from/at": a preposition or a transfer verb before the name vouches for it.
        var before = start >= 0 ? FindToken(t, start, byEnd: false) - 1 : -1;
        var vouched = before >= 0 && (FacilityLeadIns.Contains(Word(text, t[before])) || PlaceVerbs.Contains(Word(text, t[before]))
            || before > 0 && (Word(text, t[before]).Equals("to", StringComparison.OrdinalIgnoreCase) || Word(text, t[before]).Equals("the", StringComparison.OrdinalIgnoreCase))
                && PlaceVerbs.Contains(Word(text, t[before - 1])));
        var nameWord = names > 0 ? Word(text, t[headStart - 1]) : default;
        if (names == 1 && mode != CaseMode.Mixed && (t[headStart - 1].Kind & WordKind.English) != 0
            && (t[headStart - 1].Kind & (WordKind.LastName | WordKind.Place)) == 0 && !vouched && !NamePartHeads.Contains(nameWord) && !GenericFacilityWords.Contains(nameWord))
        {
            names = 0;
        }

        // "Sleep Medicine clinic", "IBD clinic", "Cardiac rehab": department words or an acronym before the head make a department.
        if (names > 0 && !HasProperWord(text, t, start, t[headStart - 1].End))
        {
            names = 0;
        }

        if (names > 0)
        {
            // The head belongs to the name ("Fairholme General Hospital", "Brookhaven Medical Center"), and so does a place after
            // "of" ("Children's Hospital of Westbury").
            var end = t[i].End;
            if (i + 2 < t.Length && Word(text, t[i + 1]).Equals("of", StringComparison.OrdinalIgnoreCase) && Joined(text, t[i], t[i + 1]) && Joined(text, t[i + 1], t[i + 2])
                && (t[i + 2].Title || t[i + 2].Upper && mode != CaseMode.Mixed) && !t[i + 2].Stop && !IsClinical(t[i + 2].Kind))
            {
                end = t[i + 2].End;
            }

            spans.Add(new PhiSpan(start, end, PhiType.Location, 0.85));
        }
    }

    private static void FindNamedFacility(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        var word = Word(text, tok);

        // "St. Brigid's", "Saint Columba": a saint not preceded by a house number is a facility.
        if ((word.Equals("st", StringComparison.OrdinalIgnoreCase) || word.Equals("saint", StringComparison.OrdinalIgnoreCase)) && i + 1 < t.Length
            && Joined(text, tok, t[i + 1]) && (mode != CaseMode.Mixed || t[i + 1].Title || t[i + 1].Upper) && !t[i + 1].Stop
            && (t[i + 1].Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical | WordKind.Eponym)) == 0
            && !(i > 0 && char.IsAsciiDigit(LastNonSpace(text, tok.Start))))
        {
            spans.Add(new PhiSpan(tok.Start, t[i + 1].End, PhiType.Location, 0.8));
            return;
        }

        if (Facility1.Contains(word) && (mode != CaseMode.Mixed || tok.Title || tok.Upper))
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.7));
            return;
        }

        if (i + 1 < t.Length && Joined(text, tok, t[i + 1]))
        {
            foreach (var phrase in KnownFacilityPhrases)
            {
                var end = t[i + 1].End;
                if (end - tok.Start == phrase.Length && text.AsSpan(tok.Start, phrase.Length).Equals(phrase, StringComparison.OrdinalIgnoreCase))
                {
                    spans.Add(new PhiSpan(tok.Start, end, PhiType.Location, 0.85));
                    return;
                }
            }
        }

        // Hospital acronyms ("to VH", "at NVMC"): short all-capital words ending in H or MC after a preposition.
        if (i > 0 && tok.End - tok.Start is >= 2 and <= 5 && (tok.Upper || mode == CaseMode.Lower) && !IsClinical(tok.Kind)
            && (tok.Kind & WordKind.English) == 0 && !NonPlaceAcronyms.Contains(word)
            && (word.EndsWith("h", StringComparison.OrdinalIgnoreCase) || word.EndsWith("mc", StringComparison.OrdinalIgnoreCase))
            && (IsPlacePreposition(Word(text, t[i - 1])) || AcronymCues.Contains(Word(text, t[i - 1]))) && Joined(text, t[i - 1], tok))
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.7));
        }
    }

    private static bool IsPlacePreposition(ReadOnlySpan<char> w) =>
        w.Equals("to", StringComparison.OrdinalIgnoreCase) || w.Equals("at", StringComparison.OrdinalIgnoreCase)
        || w.Equals("from", StringComparison.OrdinalIgnoreCase) || w.Equals("in", StringComparison.OrdinalIgnoreCase)
        || w.Equals("the", StringComparison.OrdinalIgnoreCase);

    /// <summary>Punctuation or a line end right after a word: it closes its phrase.</summary>
    private static bool EndsPhrase(string text, int end)
    {
        var k = end;
        while (k < text.Length && text[k] is ' ' or '\t')
        {
            k++;
        }

        return k >= text.Length || text[k] is ',' or '.' or ';' or ':' or ')' or '\n' or '\r' or '!' or '?';
    }

    private static char LastNonSpace(string text, int before)
    {
        for (var k = before - 1; k >= 0; k--)
        {
            if (!char.IsWhiteSpace(text[k]))
            {
                return text[k];
            }
        }

        return ' ';
    }

    private void TakePlaceAfter(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        var j = i + 1;
        // Skip the preposition and article: "transferred to the X", "lives in X".
        while (j < t.Length && j <= i + 2 && IsPlacePreposition(Word(text, t[j])))
        {
            j++;
        }

        if (j == i + 1 || j >= t.Length || !(Joined(text, t[j - 1], t[j]) || RoomNumberBetween(text, t[j - 1], t[j])))
        {
            return;
        }

        var start = -1;
        var end = -1;
        for (var k = j; k < t.Length && k < j + 3; k++)
        {
            if (k > j && !Joined(text, t[k - 1], t[k]))
            {
                break;
            }

            ref var tok = ref t[k];
            var ok = !tok.Stop && !IsClinical(tok.Kind) && tok.End - tok.Start >= 3 && !NonPlaceAcronyms.Contains(Word(text, tok))
                && (tok.Kind & (WordKind.English | WordKind.Eponym)) == 0
                && (mode != CaseMode.Mixed || tok.Title || tok.Upper || tok.End - tok.Start >= 5 && PlainWord(Word(text, tok)))
                && ((tok.Kind & WordKind.Place) != 0 || !IsMisspelling(Word(text, tok)));
            if (!ok)
            {
                break;
            }

            start = start < 0 ? tok.Start : start;
            end = tok.End;
        }

        if (start >= 0)
        {
            spans.Add(new PhiSpan(start, end, PhiType.Location, 0.65));
        }
    }

    /// <summary>"transferred to 412 Farnsworth": a room or bed number of up to four digits between the preposition and the ward.</summary>
    private static bool RoomNumberBetween(string text, in Token left, in Token right)
    {
        var gap = text.AsSpan(left.End, right.Start - left.End);
        var digits = gap.Trim(' ');
        return gap.Length == digits.Length + 2 && digits.Length is >= 1 and <= 4 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>"c/o to X": the ICU's "call out" (transfer out) written as c/o, here the token "o".</summary>
    private static bool IsCallOut(string text, Span<Token> t, int i) =>
        t[i].End - t[i].Start == 1 && t[i].Start >= 2 && text[t[i].Start - 1] == '/' && text[t[i].Start - 2] is 'c' or 'C'
        && i + 1 < t.Length && Word(text, t[i + 1]).Equals("to", StringComparison.OrdinalIgnoreCase) && Joined(text, t[i], t[i + 1]);

    /// <summary>"name is X", "name: X", "call me X": returns the token after which the name starts, or -1.</summary>
    private static int NameCue(string text, Span<Token> t, int i, ReadOnlySpan<char> word)
    {
        if (i + 1 >= t.Length)
        {
            return -1;
        }

        if (word.Equals("name", StringComparison.OrdinalIgnoreCase) || word.Equals("names", StringComparison.OrdinalIgnoreCase)
            || word.Equals("surname", StringComparison.OrdinalIgnoreCase))
        {
            var k = i;
            if (NameCueIs.Contains(Word(text, t[k + 1])) && CueGap(text, t[k], t[k + 1]))
            {
                k++;
            }

            // "first name is X" and "name: X" both qualify; "name of the drug" does not (no verb, no colon).
            return k > i || text.AsSpan(t[i].End, t[i + 1].Start - t[i].End).IndexOfAny(':', '?') >= 0 ? k : -1;
        }

        if ((word.Equals("call", StringComparison.OrdinalIgnoreCase) || word.Equals("calls", StringComparison.OrdinalIgnoreCase))
            && Word(text, t[i + 1]).Equals("me", StringComparison.OrdinalIgnoreCase) && Joined(text, t[i], t[i + 1]))
        {
            return i + 1;
        }

        return -1;
    }

    /// <summary>Between a name cue and the name: spaces, a colon, a question mark, quotes; no line break.</summary>
    private static bool CueGap(string text, in Token left, in Token right)
    {
        if (right.Start - left.End > 12)
        {
            return false;
        }

        for (var k = left.End; k < right.Start; k++)
        {
            if (text[k] is not (' ' or '\t' or ':' or '?' or '"' or '\'' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Gazetteer places after "in/from/of/near/to/at": multi-word names ("Ellicott City", "Glen Burnie") and single words that are not
    /// English ("Poughkeepsie"). Mixed-case text needs the capital; capitals-only or lower-case notes need a lead-in ("lives in", "son from").
    /// </summary>
    private void GazetteerPlaceAfter(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        var j = i + 1;
        if (j < t.Length && Word(text, t[j]).Equals("the", StringComparison.OrdinalIgnoreCase) && Joined(text, t[i], t[j]))
        {
            j++;
        }

        if (j >= t.Length || !Joined(text, t[j - 1], t[j]))
        {
            return;
        }

        var isTo = Word(text, t[i]).Equals("to", StringComparison.OrdinalIgnoreCase) || Word(text, t[i]).Equals("at", StringComparison.OrdinalIgnoreCase);
        var leadIn = LeadInBefore(text, t, i);
        // A capitalised word in a lower-case note is as telling as in mixed text ("niece landing tomorrow from Ravenna").
        if (mode == CaseMode.Mixed || mode == CaseMode.Lower && t[j].Title ? !(t[j].Title || t[j].Upper && t[j].End - t[j].Start > 3) || isTo && !leadIn : !leadIn)
        {
            return;
        }

        // Longest multi-word name first.
        Span<char> buffer = stackalloc char[64];
        for (var last = Math.Min(t.Length - 1, j + 3); last > j; last--)
        {
            var length = t[last].End - t[j].Start;
            if (length > buffer.Length || !PhraseTokens(text, t, j, last, mode))
            {
                continue;
            }

            var n = 0;
            for (var k = j; k <= last; k++)
            {
                if (k > j)
                {
                    buffer[n++] = ' ';
                }

                Word(text, t[k]).CopyTo(buffer[n..]);
                n += t[k].End - t[k].Start;
            }

            if (lexicon.IsPlacePhrase(buffer[..n]))
            {
                spans.Add(new PhiSpan(t[j].Start, t[last].End, PhiType.Location, 0.7));
                return;
            }
        }

        ref var tok = ref t[j];
        if (!tok.Stop && (tok.Kind & WordKind.Place) != 0 && (tok.Kind & WordKind.Clinical) == 0 && tok.End - tok.Start >= 3
            && !NonPlaceAcronyms.Contains(Word(text, tok))
            && ((tok.Kind & (WordKind.English | WordKind.Medical)) == 0 || EnglishPlaceName(text, t, i, j, mode, leadIn)))
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Location, 0.65));
        }
    }

    /// <summary>
    /// "A fellow from Riverside phoned", "hopes to go to Riverside": a listed place that is also an English word, capitalised in the middle of a
    /// mixed-case sentence right after "from", or after "to" with a lead-in ("go to", "transferred to"). Not after "in/at/of", where
    /// capitalised common nouns are frequent ("in Recovery").
    /// </summary>
    private static bool EnglishPlaceName(string text, Span<Token> t, int i, int j, CaseMode mode, bool leadIn)
    {
        var preposition = Word(text, t[i]);
        return mode == CaseMode.Mixed && t[j].Title && j == i + 1 && !SentenceStart(text, t[i].Start) && (t[j].Kind & WordKind.Eponym) == 0
            && (preposition.Equals("from", StringComparison.OrdinalIgnoreCase)
                || (preposition.Equals("to", StringComparison.OrdinalIgnoreCase) || preposition.Equals("in", StringComparison.OrdinalIgnoreCase)) && leadIn);
    }

    /// <summary>
    /// A word that says a place follows ("lives", "flying", "son"), right before the preposition or earlier in the same clause:
    /// "lives in X", "niece landing at noon tomorrow from X", "BROTHER DUE 6/2 AROUND 1500 FROM X", "niece Ilse of X".
    /// </summary>
    private static bool LeadInBefore(string text, Span<Token> t, int i)
    {
        for (var k = i - 1; k >= 0 && k >= i - 8; k--)
        {
            if (text.AsSpan(t[k].End, t[k + 1].Start - t[k].End).IndexOfAny(ClauseBreaks) >= 0)
            {
                return false;
            }

            var w = Word(text, t[k]);
            if (PlaceLeadIns.Contains(w) || Relations.Contains(w))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly System.Buffers.SearchValues<char> ClauseBreaks = System.Buffers.SearchValues.Create(".,;:!?\n()[]");

    private static bool PhraseTokens(string text, Span<Token> t, int first, int last, CaseMode mode)
    {
        for (var k = first; k <= last; k++)
        {
            if (k > first && (t[k].Start - t[k - 1].End != 1 || text[t[k].Start - 1] != ' '))
            {
                return false;
            }

            if (IsClinical(t[k].Kind) || mode == CaseMode.Mixed && !(t[k].Title || t[k].Upper))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Wards and units named like places: "to Farnsworth 4", "ON WHITLOCK 6", "Plan: Brenthaven 12": a word no list knows as
    /// English or clinical, right after "to/on/from/at/into" or a colon, followed by a one- or two-digit floor and no unit.
    /// </summary>
    private void WardName(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        var word = Word(text, tok);
        // Lower-case ward names in mixed text only after a transfer: "Transfer to farnsworth 2".
        // "rapid response called to farnsworth 4": an emergency team is called to a ward.
        var afterTransfer = i > 1 && Word(text, t[i - 1]).Equals("to", StringComparison.OrdinalIgnoreCase)
                && (PlaceVerbs.Contains(Word(text, t[i - 2])) || Word(text, t[i - 2]).Equals("called", StringComparison.OrdinalIgnoreCase))
            // ... or a long plain word that ends unlike a drug ("to farnsworth 6" but not "on zosyn 4", "to precedex 2").
            || word.Length >= 6 && tok.UpperCount == 0 && !LooksClinical(word);
        if (word.Length < 4 || word[^1] is 'x' or 'X' || !PlainWord(word) || (tok.Kind & (WordKind.English | WordKind.Medical | WordKind.Clinical | WordKind.Eponym)) != 0 || StopWords.Contains(word)
            || mode == CaseMode.Mixed && !(tok.Title || tok.Upper || afterTransfer) || NonPlaceAcronyms.Contains(word))
        {
            return;
        }

        // The floor number: "Farnsworth 2", "BRENTHAVEN6".
        var k = tok.End;
        if (k < text.Length && text[k] == ' ')
        {
            k++;
        }

        var digits = 0;
        while (k < text.Length && char.IsAsciiDigit(text[k]) && digits < 3)
        {
            k++;
            digits++;
        }

        if (digits is 0 or 3 || k < text.Length && (char.IsLetterOrDigit(text[k]) || text[k] is '%' or '/' or '.' && k + 1 < text.Length && char.IsAsciiDigit(text[k + 1])))
        {
            return;
        }

        var after = k;
        while (after < text.Length && text[after] == ' ')
        {
            after++;
        }

        var unitEnd = after;
        while (unitEnd < text.Length && char.IsLetter(text[unitEnd]))
        {
            unitEnd++;
        }

        if (unitEnd > after && UnitWords.Contains(text.AsSpan(after, unitEnd - after)))
        {
            return;
        }

        if (IsMisspelling(word))
        {
            return;
        }

        var cue = i > 0 && Joined(text, t[i - 1], tok) && (WardPrepositions.Contains(Word(text, t[i - 1]))
            || Word(text, t[i - 1]).Equals("into", StringComparison.OrdinalIgnoreCase) || PlaceVerbs.Contains(Word(text, t[i - 1])));
        cue |= LastNonSpace(text, tok.Start) == ':';
        if (cue)
        {
            // The floor number is the cue, not the identifier: "Farnsworth 4" keeps its 4, "BRENTHAVEN6" is one word.
            spans.Add(new PhiSpan(tok.Start, tok.End < text.Length && text[tok.End] == ' ' ? tok.End : k, PhiType.Location, 0.7));
        }
    }

    /// <summary>"H. Lindqvist", "V. HALVORSEN", "q abernathy": an initial then a surname (a listed surname, or a word no list knows).</summary>
    private static void InitialAndSurname(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        if (i + 1 >= t.Length || !(char.IsUpper(text[t[i].Start]) || mode == CaseMode.Lower)
            || t[i].Start > 0 && text[t[i].Start - 1] is not (' ' or '\t' or '\n' or '(' or ',' or '"'))
        {
            // A standalone letter only: not the S of "90'S" or the V of "N/V".
            return;
        }

        ref var next = ref t[i + 1];
        var gap = text.AsSpan(t[i].End, next.Start - t[i].End);
        var dotted = gap.SequenceEqual(". ") || gap.SequenceEqual(".");
        if (!dotted && !gap.SequenceEqual(" "))
        {
            return;
        }

        var w = Word(text, next);
        if (next.Stop || next.Initial || w.Length < 3 || IsClinical(next.Kind) || (next.Kind & WordKind.Eponym) != 0 && !IsNameWord(next.Kind)
            || mode == CaseMode.Mixed && !(next.Title || next.Upper) || Relations.Contains(w) || Credentials.Contains(w))
        {
            return;
        }

        var last = (next.Kind & WordKind.LastName) != 0;
        var unknown = (next.Kind & (WordKind.English | WordKind.Medical | WordKind.Eponym)) == 0;
        // Without the period a single letter is usually a side or a grade ("L ARM", "R IJ", "A FIB"): only a listed surname counts.
        var ok = dotted ? last || unknown && mode != CaseMode.Lower && PlainWord(w) : last && (next.Kind & WordKind.English) == 0 && "LRXOSIAVBC".IndexOf(char.ToUpperInvariant(text[t[i].Start])) < 0;
        if (ok)
        {
            spans.Add(new PhiSpan(t[i].Start, next.End, PhiType.Name, 0.75));
        }
    }

    /// <summary>
    /// Lists of names: "Drs. Abernathy and Kowalczyk", "Sons Teodor, Anselm and Ruben", "founders: Vasiliev, Michael and Graybeard". A name-like
    /// word joined to a found name by a comma or "and" is a name too.
    /// </summary>
    private static void Coordinate(string text, Span<Token> t, CaseMode mode, List<PhiSpan> spans, int firstSpan)
    {
        var count = spans.Count;
        for (var s = firstSpan; s < count; s++)
        {
            if (spans[s].Type != PhiType.Name)
            {
                continue;
            }

            var index = FindToken(t, spans[s].End, byEnd: true);
            for (var hops = 0; index >= 0 && hops < 6; hops++)
            {
                index = Coordinated(text, t, index, +1, mode, spans);
            }

            index = FindToken(t, spans[s].Start, byEnd: false);
            for (var hops = 0; index >= 0 && hops < 6; hops++)
            {
                index = Coordinated(text, t, index, -1, mode, spans);
            }
        }
    }

    private static int FindToken(Span<Token> t, int offset, bool byEnd)
    {
        int lo = 0, hi = t.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var key = byEnd ? t[mid].End : t[mid].Start;
            if (key == offset)
            {
                return mid;
            }

            if (key < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>From the name token at <paramref name="at"/>, the next name across ", " / " and " / " & " in <paramref name="direction"/>; -1 if none.</summary>
    private static int Coordinated(string text, Span<Token> t, int at, int direction, CaseMode mode, List<PhiSpan> spans)
    {
        var near = at + direction;
        if (near < 0 || near >= t.Length)
        {
            return -1;
        }

        var (left, right) = direction > 0 ? (at, near) : (near, at);
        var gap = text.AsSpan(t[left].End, t[right].Start - t[left].End).Trim(' ');
        int candidate;
        if (gap is "," or "&" or ", &")
        {
            candidate = near;
        }
        else if (gap.IsEmpty && Coordinators.Contains(Word(text, t[near])) && near + direction >= 0 && near + direction < t.Length)
        {
            candidate = near + direction;
            var (l2, r2) = direction > 0 ? (near, candidate) : (candidate, near);
            if (text.AsSpan(t[l2].End, t[r2].Start - t[l2].End).Trim(' ') is not ("" or ","))
            {
                return -1;
            }
        }
        else if (gap is "," && direction > 0)
        {
            candidate = near;
        }
        else
        {
            return -1;
        }

        ref var tok = ref t[candidate];
        var w = Word(text, tok);
        var ok = !tok.Stop && !tok.Initial && w.Length >= 2 && !IsClinical(tok.Kind) && !Relations.Contains(w) && !Titles.Contains(w)
            && !Credentials.Contains(w) && !WeakTitles.Contains(w) && (mode != CaseMode.Mixed || tok.Title || tok.Upper && w.Length > 3)
            && (IsNameWord(tok.Kind) || (tok.Kind & (WordKind.English | WordKind.Eponym)) == 0);
        if (!ok)
        {
            return -1;
        }

        spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
        return candidate;
    }

    private void DictionaryName(string text, Span<Token> t, int i, CaseMode mode, List<PhiSpan> spans)
    {
        ref var tok = ref t[i];
        if (IsEponymUse(text, t, i))
        {
            return;
        }

        var english = (tok.Kind & WordKind.English) != 0;
        var first = (tok.Kind & WordKind.FirstName) != 0;
        var last = (tok.Kind & WordKind.LastName) != 0;
        var next = i + 1 < t.Length && Joined(text, tok, t[i + 1]) ? i + 1 : -1;

        if (mode == CaseMode.Mixed)
        {
            if (tok.Title && MiddleInitialName(text, t, i, spans) || tok.Title && NameList(text, t, i, spans))
            {
                return;
            }

            if (!(tok.Title || tok.Upper && tok.End - tok.Start > 3) || english && !first)
            {
                return;
            }

            // "Femke van den Akker": surname particles in lower case between the given name and the surname.
            if (tok.Title && next >= 0 && NameParticles.Contains(Word(text, t[next])) && !t[next].Title && !t[next].Upper)
            {
                next = AfterParticles(text, t, next);
            }

            // A capitalised given name that is not also an English word, or two unknown capitalised words in a row.
            var nextNameLike = next >= 0 && !t[next].Stop && (t[next].Title || t[next].Initial && char.IsUpper(text[t[next].Start]))
                && (t[next].Kind & (WordKind.Medical | WordKind.Clinical | WordKind.Eponym)) == 0 && (IsNameWord(t[next].Kind) || (t[next].Kind & WordKind.English) == 0 || t[next].Initial);
            // The eponym list holds thousands of plain surnames ("Guthrie", "Birbeck"): after a given name such a word is the surname.
            // "Jackson Pratt drain", "Mallory Weiss tear" lose the span again to the eponym head that follows them.
            var nextEponymSurname = next >= 0 && !t[next].Stop && t[next].Title && !IsClinical(t[next].Kind) && (t[next].Kind & WordKind.Eponym) != 0
                && (IsNameWord(t[next].Kind) || (t[next].Kind & WordKind.English) == 0);
            if (first && !english || first && (nextNameLike || nextEponymSurname) || (last && !english && tok.Title && !SentenceStart(text, tok.Start)))
            {
                spans.Add(ExtendName(text, t, i, mode, 0.7));
            }
            else if (!english && tok.Title && (tok.Kind & WordKind.Eponym) == 0 && (nextNameLike || nextEponymSurname && UnknownLooksLikeName(text, tok))
                && (t[next].Kind & WordKind.English) == 0 && !t[next].Initial)
            {
                spans.Add(ExtendName(text, t, i, mode, 0.6));
            }
            else if (first && tok.Title && i + 1 < t.Length && Joined(text, tok, t[i + 1])
                && (PersonVerbs.Contains(Word(text, t[i + 1])) || IsFrom(text, t, i + 1)))
            {
                // "Sandy lives on ...", "Sonny began writing ...": a given name, even an English word or an eponym, as the subject of a person's verb.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
            }
            else if (tok.Title && (tok.Kind & WordKind.Eponym) == 0 && SpeakerLabel(text, tok)
                && (first || last || tok.Kind == WordKind.None && tok.End - tok.Start >= 3 && PlainWord(Word(text, tok)) && !LooksClinical(Word(text, tok))
                    && (LooksLikeSurname(Word(text, tok)) || QuoteAfterColon(text, tok.End)) && !IsMisspelling(Word(text, tok))))
            {
                // "Ingrid: Where were you?", "Radomir: \"I'm here\"": a name at the start of a line or sentence that labels what
                // someone said. Section headers ("Plan:", "Neuro:") are English or clinical words, and unknown headers need a quote
                // or a surname's shape.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
            }
            else if (tok.Title && LeadingVocative(text, t, i)
                && (first || last || tok.Kind == WordKind.None && tok.End - tok.Start >= 4 && PlainWord(Word(text, tok)) && !LooksClinical(Word(text, tok)) && !IsMisspelling(Word(text, tok))))
            {
                // "Radomir, can you call me back?": a name opening a sentence and set off by a comma before a question or request.
                spans.Add(ExtendName(text, t, i, mode, 0.6));
            }
            else if (tok.Title && i > 0 && GivingVerbs.Contains(Word(text, t[i - 1])) && Joined(text, t[i - 1], tok) && i + 1 < t.Length && Joined(text, tok, t[i + 1])
                && Possessives.Contains(Word(text, t[i + 1])) && (first || last || tok.Kind == WordKind.None && tok.End - tok.Start >= 4 && !LooksClinical(Word(text, tok))))
            {
                // "had given Ottilie his number", "told Vasco her plans": the person who receives something of someone's. The cue is
                // strong enough for the word to count elsewhere in the document.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.7));
            }
            else if (CoordinatedSubjects(text, t, i) is var partner and >= 0)
            {
                // "Okonjo and Vasquez were ...": two capitalised name-like words joined by "and" as the subject of a plural verb.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.55));
                spans.Add(new PhiSpan(t[partner].Start, t[partner].End, PhiType.Name, 0.55));
            }
            else if (first && tok.Title && Vocative(text, tok))
            {
                // Eponyms too: "sign" or "clamp" never sits between a comma and a question mark ("Remember me, Kelly?").
                // "Don't be late, Rosalind!", "Is that you, Hortense?": a given name between a comma and the end of an exclamation or question.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.6));
            }
            else if (tok.Kind == WordKind.None && tok.Title && tok.End - tok.Start >= 4 && PlainWord(Word(text, tok)) && !LooksClinical(Word(text, tok))
                && (!SentenceStart(text, tok.Start) || LastNonSpace(text, tok.Start) == ':') && LooksLikeSurname(Word(text, tok)) && !IsMisspelling(Word(text, tok)))
            {
                // A capitalised word that no list knows, mid-sentence, shaped like a surname (diacritics or a surname ending):
                // clinical shorthand and misspellings ("Hgb", "Nuerology", "Vpaced") have neither.
                spans.Add(ExtendName(text, t, i, mode, 0.5));
            }

            else if (tok.Kind == WordKind.None && tok.Title && tok.End - tok.Start >= 4 && PlainWord(Word(text, tok))
                && SentenceStart(text, tok.Start) && i + 1 < t.Length && Joined(text, tok, t[i + 1])
                && (PersonVerbs.Contains(Word(text, t[i + 1])) || SubjectVerbs.Contains(Word(text, t[i + 1])) && tok.End - tok.Start >= 5 && !LooksClinical(Word(text, tok)))
                && !Relations.Contains(Word(text, tok)) && !IsMisspelling(Word(text, tok)))
            {
                // "Quionette shouted at Ted", "Radomir is from ...": an unknown capitalised word, not a misspelt common word,
                // as the subject of a person's verb.
                spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.5));
            }

            return;
        }

        // Upper- or lower-case notes: capitalisation says nothing, so ask for a given name followed by a surname.
        if (first && next >= 0 && t[next].Initial && next + 1 < t.Length && Joined(text, t[next], t[next + 1]) && !t[next + 1].Stop && !t[next + 1].Initial
            && !IsClinical(t[next + 1].Kind) && ((t[next + 1].Kind & WordKind.LastName) != 0 || (t[next + 1].Kind & (WordKind.English | WordKind.Eponym)) == 0)
            && t[next + 1].End - t[next + 1].Start >= 3 && !IsMisspelling(Word(text, t[next + 1])))
        {
            // "orsolya m kertesz", "TEODOR J HALVORSEN": given name, middle initial, surname.
            spans.Add(new PhiSpan(tok.Start, t[next + 1].End, PhiType.Name, 0.7));
        }
        else if (first && !english && next >= 0 && !t[next].Stop && !IsClinical(t[next].Kind)
            && ((t[next].Kind & WordKind.LastName) != 0 || (t[next].Kind & WordKind.English) == 0))
        {
            spans.Add(ExtendName(text, t, i, mode, 0.7));
        }
        else if (first && next >= 0 && !t[next].Stop && !IsClinical(t[next].Kind) && (t[next].Kind & (WordKind.English | WordKind.Eponym)) == 0
            && (t[next].Kind & WordKind.LastName) != 0)
        {
            // "arthur pennick": an English-looking given name is vouched for by a listed surname after it (not by an unknown word:
            // in nursing notes those are mostly misspellings, "MINIMAL DRANAGE").
            spans.Add(new PhiSpan(tok.Start, t[next].End, PhiType.Name, 0.65));
        }
        else if (first && !english && (tok.Kind & WordKind.Eponym) == 0 && tok.End - tok.Start >= 4)
        {
            spans.Add(new PhiSpan(tok.Start, tok.End, PhiType.Name, 0.55));
        }
    }

    private static bool PlainWord(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    // Drug, device and procedure word endings: an unknown capitalised word with one of these is a misspelt or new clinical term.
    private static readonly string[] ClinicalEndings =
    [
        "ol", "in", "ine", "ide", "ate", "cin", "mab", "nib", "pril", "sartan", "azole", "cillin", "mycin", "quin", "cath", "tomy", "itis",
        "emia", "osis", "pro", "gram", "scopy", "plasty", "ex", "yl", "il", "one", "pam", "lam", "done", "cef", "ium", "ase", "gen", "vir", "xa",
        // Newer drug stems and abstract nouns: "apixaban", "dabigatran", "liraglutide", "reperfusion".
        "ban", "tran", "tide", "sion", "tion",
    ];

    private static readonly string[] SurnameEndings =
    [
        "ov", "ova", "ev", "eva", "sky", "ski", "ska", "son", "sen", "ez", "ini", "elli", "etti", "yan", "enko", "uk", "ic", "wicz", "berg",
        "stein", "mann", "feld", "opoulos", "escu", "oglu", "idis", "akis", "ton", "ley", "field", "worth", "ford", "wood", "ier", "eau", "aux",
    ];

    private static bool LooksLikeSurname(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (c > 'z')
            {
                return true;
            }
        }

        foreach (var ending in SurnameEndings)
        {
            if (word.EndsWith(ending, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LooksClinical(ReadOnlySpan<char> word)
    {
        foreach (var ending in ClinicalEndings)
        {
            if (word.EndsWith(ending, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Could this capitalised token be a given name or surname (a listed name, or a word no list knows)?</summary>
    private static bool NamePart(in Token tok) =>
        tok.Title && !tok.Stop && !IsClinical(tok.Kind) && (tok.Kind & WordKind.Eponym) == 0
        && (IsNameWord(tok.Kind) || (tok.Kind & WordKind.English) == 0);

    // Shorthand ("Amio and Levo") is short or ends like a drug; a surname is neither.
    private static bool UnknownLooksLikeName(string text, in Token tok) =>
        tok.Kind != WordKind.None || tok.End - tok.Start >= 5 && PlainWord(Word(text, tok)) && !LooksClinical(Word(text, tok));

    /// <summary>"Radomir K Vasiliev", "Ottoline P. Graybeard": given name, middle initial, surname.</summary>
    private static bool MiddleInitialName(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        // The initial vouches for the surname: it may also be an English word ("Graybeard") or on the eponym list ("Rushton").
        if (i + 2 >= t.Length || !t[i + 1].Initial || !char.IsUpper(text[t[i + 1].Start]) || !NamePart(t[i])
            || !(t[i + 2].Title && !t[i + 2].Stop && !IsClinical(t[i + 2].Kind)))
        {
            return false;
        }

        var gap1 = text.AsSpan(t[i].End, t[i + 1].Start - t[i].End);
        var gap2 = text.AsSpan(t[i + 1].End, t[i + 2].Start - t[i + 1].End);
        if (!gap1.SequenceEqual(" ") || !(gap2.SequenceEqual(" ") || gap2.SequenceEqual(". ")))
        {
            return false;
        }

        spans.Add(new PhiSpan(t[i].Start, t[i + 2].End, PhiType.Name, 0.7));
        return true;
    }

    /// <summary>
    /// "Quillerby and Hartigan", "Vasilakis, Stoddard and ...": two capitalised name-like words joined by "and" or a comma, at least one of
    /// them known to no word list, are names (lists of drugs or eponyms fail the word test).
    /// </summary>
    private static bool NameList(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        if (!NamePart(t[i]) || SentenceStart(text, t[i].Start) && LastNonSpace(text, t[i].Start) != ':')
        {
            return false;
        }

        int partner;
        if (i + 2 < t.Length && Coordinators.Contains(Word(text, t[i + 1])) && Joined(text, t[i], t[i + 1]) && Joined(text, t[i + 1], t[i + 2]))
        {
            partner = i + 2;
        }
        else if (i + 1 < t.Length && text.AsSpan(t[i].End, t[i + 1].Start - t[i].End).SequenceEqual(", "))
        {
            partner = i + 1;
        }
        else
        {
            return false;
        }

        if (!NamePart(t[partner]) || t[i].Kind != WordKind.None && t[partner].Kind != WordKind.None
            || !UnknownLooksLikeName(text, t[i]) || !UnknownLooksLikeName(text, t[partner]))
        {
            return false;
        }

        spans.Add(new PhiSpan(t[i].Start, t[i].End, PhiType.Name, 0.6));
        spans.Add(new PhiSpan(t[partner].Start, t[partner].End, PhiType.Name, 0.6));
        return true;
    }

    private static readonly WordSet NameParticles = Set("van de der den ten ter von da di del della dos das du le la bin ibn al el");

    /// <summary>The first token after a run of (at most three) lower-case surname particles starting at <paramref name="k"/>, or -1.</summary>
    private static int AfterParticles(string text, Span<Token> t, int k)
    {
        for (var n = 0; n < 3 && k < t.Length; n++, k++)
        {
            if (!Joined(text, t[k - 1], t[k]))
            {
                return -1;
            }

            if (!NameParticles.Contains(Word(text, t[k])) || t[k].Title || t[k].Upper)
            {
                return t[k].Title ? k : -1;
            }
        }

        return -1;
    }

    /// <summary>", Hortense?" or ", Rosalind!": the word follows a comma and ends an exclamation or question.</summary>
    private static bool Vocative(string text, in Token tok)
    {
        var before = tok.Start - 1;
        while (before >= 0 && text[before] == ' ')
        {
            before--;
        }

        return before >= 0 && text[before] == ',' && tok.End < text.Length && text[tok.End] is '?' or '!';
    }

    private static PhiSpan ExtendName(string text, Span<Token> t, int i, CaseMode mode, double confidence)
    {
        var end = t[i].End;
        for (var k = i + 1; k < t.Length && k <= i + 3; k++)
        {
            if (mode == CaseMode.Mixed && NameParticles.Contains(Word(text, t[k])) && !t[k].Title && !t[k].Upper && AfterParticles(text, t, k) is var surname and > 0)
            {
                // "Geertje ten Brinke", "Roos van Ommeren": the particles belong to the surname after them.
                end = t[surname].End;
                k = surname;
                continue;
            }

            ref var tok = ref t[k];
            if (!Joined(text, t[k - 1], tok) || tok.Stop || IsClinical(tok.Kind))
            {
                break;
            }

            var ok = tok.Initial ? char.IsUpper(text[tok.Start]) : (tok.Title || mode != CaseMode.Mixed) && (IsNameWord(tok.Kind) || (tok.Kind & WordKind.English) == 0
                // "Mavis Holloway", "Ottilie Hart": after a given name a capitalised word is the surname even if it is also English.
                || mode == CaseMode.Mixed && k == i + 1 && (t[i].Kind & WordKind.FirstName) != 0 && (tok.Kind & WordKind.Eponym) == 0);
            if (!ok)
            {
                break;
            }

            end = tok.End;
        }

        return new PhiSpan(t[i].Start, end, PhiType.Name, confidence);
    }

    /// <summary>
    /// One edit (deletion, insertion, substitution or swap of neighbours) away from an English, medical or clinical word: nursing notes
    /// misspell freely ("Pateint", "Nuerology", "CONFUSSED") and a misspelt common word is not a proper noun.
    /// </summary>
    private bool IsMisspelling(ReadOnlySpan<char> word)
    {
        const WordKind common = WordKind.English | WordKind.Medical | WordKind.Clinical;
        if (word.Length is < 4 or > 30)
        {
            return false;
        }

        Span<char> w = stackalloc char[word.Length];
        word.ToLowerInvariant(w);
        Span<char> buffer = stackalloc char[word.Length + 1];
        for (var k = 0; k < w.Length; k++)
        {
            // Deletion.
            w[..k].CopyTo(buffer);
            w[(k + 1)..].CopyTo(buffer[k..]);
            if ((lexicon.Classify(buffer[..(w.Length - 1)]) & common) != 0)
            {
                return true;
            }

            // Swap of neighbours.
            if (k + 1 < w.Length)
            {
                w.CopyTo(buffer);
                (buffer[k], buffer[k + 1]) = (buffer[k + 1], buffer[k]);
                if ((lexicon.Classify(buffer[..w.Length]) & common) != 0)
                {
                    return true;
                }
            }

            // Substitution.
            w.CopyTo(buffer);
            for (var c = 'a'; c <= 'z'; c++)
            {
                buffer[k] = c;
                if (c != w[k] && (lexicon.Classify(buffer[..w.Length]) & common) != 0)
                {
                    return true;
                }
            }
        }

        // Insertion.
        for (var k = 0; k <= w.Length; k++)
        {
            w[..k].CopyTo(buffer);
            w[k..].CopyTo(buffer[(k + 1)..]);
            for (var c = 'a'; c <= 'z'; c++)
            {
                buffer[k] = c;
                if ((lexicon.Classify(buffer[..(w.Length + 1)]) & common) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>"Ingrid: Where ...", "Ingrid:\"I'm ...": the word starts a line or sentence and a colon, then speech, follows.</summary>
    private static bool SpeakerLabel(string text, in Token tok)
    {
        if (tok.End >= text.Length || text[tok.End] != ':' || !(LineStart(text, tok.Start) || LastNonSpace(text, tok.Start) is '.' or '!' or '?' or '"'))
        {
            return false;
        }

        var k = tok.End + 1;
        while (k < text.Length && text[k] == ' ')
        {
            k++;
        }

        return k < text.Length && (char.IsUpper(text[k]) || text[k] is '"' or '\u201C') && k - tok.End <= 2;
    }

    private static bool QuoteAfterColon(string text, int colon)
    {
        var k = colon + 1;
        while (k < text.Length && text[k] == ' ')
        {
            k++;
        }

        return k < text.Length && text[k] is '"' or '\u201C';
    }

    private static bool SubjectPart(in Token tok) =>
        tok.Title && !tok.Stop && !IsClinical(tok.Kind) && (IsNameWord(tok.Kind) || (tok.Kind & WordKind.English) == 0);

    private static readonly WordSet PluralPersonVerbs = Set("were are have had met married said told");

    /// <summary>
    /// The partner of <paramref name="i"/> in "A and B were ...", where both are capitalised name parts, at least one a listed
    /// given name or surname or shaped like a surname, and neither ends like a drug ("Vanc and Zosyn were held" stays).
    /// </summary>
    private static int CoordinatedSubjects(string text, Span<Token> t, int i)
    {
        var and = i + 1;
        var b = i + 2;
        if (b + 1 >= t.Length || !Word(text, t[and]).Equals("and", StringComparison.Ordinal) || !Joined(text, t[i], t[and]) || !Joined(text, t[and], t[b])
            || !Joined(text, t[b], t[b + 1]) || !PluralPersonVerbs.Contains(Word(text, t[b + 1])))
        {
            return -1;
        }

        // Eponyms are allowed here: a plural verb right after the pair leaves no room for "sign" or "disease".
        // An English partner ("Ostrowicz and Bowers were ...") is allowed when the other word is shaped like a surname.
        var surnameShaped = LooksLikeSurname(Word(text, t[i])) && t[i].Kind == WordKind.None || LooksLikeSurname(Word(text, t[b])) && t[b].Kind == WordKind.None;
        bool Part(in Token tok) => SubjectPart(tok) || surnameShaped && tok.Title && !tok.Stop && !IsClinical(tok.Kind) && (tok.Kind & WordKind.Eponym) == 0;
        if (!Part(t[i]) || !Part(t[b]) || !UnknownLooksLikeName(text, t[i]) || !UnknownLooksLikeName(text, t[b]))
        {
            return -1;
        }

        var vouched = IsNameWord(t[i].Kind) || IsNameWord(t[b].Kind) || LooksLikeSurname(Word(text, t[i])) || LooksLikeSurname(Word(text, t[b]));
        return vouched ? b : -1;
    }

    /// <summary>
    /// "consult with ilse m vandersloot", "follow up with teodor quarrie": after "with", a lower-case given name, an optional
    /// initial and a surname that is listed or that no list knows ("with heparin drip", "with frank blood" have no such pair).
    /// </summary>
    private void LowerCaseNameAfterWith(string text, Span<Token> t, int i, List<PhiSpan> spans)
    {
        var g = i + 1;
        if (g + 1 >= t.Length || !Joined(text, t[i], t[g]) || t[g].Title || t[g].Upper || t[g].Stop || (t[g].Kind & WordKind.FirstName) == 0
            || IsClinical(t[g].Kind) || t[g].End - t[g].Start < 3)
        {
            return;
        }

        var s = g + 1;
        if (!Joined(text, t[g], t[s]))
        {
            return;
        }

        if (t[s].Initial && s + 1 < t.Length && Joined(text, t[s], t[s + 1]))
        {
            s++;
        }

        ref var surname = ref t[s];
        if (surname.Title || surname.Upper || surname.Stop || surname.Initial || IsClinical(surname.Kind) || surname.End - surname.Start < 4 || !PlainWord(Word(text, surname)))
        {
            return;
        }

        var listed = IsNameWord(surname.Kind) && (surname.Kind & WordKind.English) == 0;
        // After "consult with" / "spoke with" a person follows: an unknown surname may sit one letter from an English word ("tinkler").
        var consulted = i > 0 && ConsultVerbs.Contains(Word(text, t[i - 1])) && Joined(text, t[i - 1], t[i]);
        var unknown = surname.Kind == WordKind.None && !LooksClinical(Word(text, surname)) && (consulted || !IsMisspelling(Word(text, surname)));
        if (listed || unknown)
        {
            spans.Add(new PhiSpan(t[g].Start, surname.End, PhiType.Name, 0.65));
        }
    }

    private static readonly WordSet ConsultVerbs = Set("consult consulted consulting spoke speak speaking talked talk talking met meet discuss discussed");

    /// <summary>"is from", "was born": the subject of these is a person (or a place, which the gazetteer check before it has taken).</summary>
    private static bool IsFrom(string text, Span<Token> t, int k) =>
        k + 1 < t.Length && NameCueIs.Contains(Word(text, t[k])) && Joined(text, t[k], t[k + 1])
        && (Word(text, t[k + 1]).Equals("from", StringComparison.Ordinal) || Word(text, t[k + 1]).Equals("born", StringComparison.Ordinal));

    private static readonly WordSet GivingVerbs = Set("given gave give gives giving handed hand sent send showed show told tell asked ask");
    private static readonly WordSet Possessives = Set("his her their");
    private static readonly WordSet RequestOpeners = Set("can could would will please do did are were have is i we you");

    /// <summary>"Radomir, can I ...", "Ottilie, please ...": the token opens a line or sentence, a comma follows, then a request word.</summary>
    private static bool LeadingVocative(string text, Span<Token> t, int i)
    {
        if (i + 1 >= t.Length || t[i].End >= text.Length || text[t[i].End] != ',' || !(LineStart(text, t[i].Start) || LastNonSpace(text, t[i].Start) is '.' or '!' or '?' or '"'))
        {
            return false;
        }

        return t[i + 1].Start - t[i].End <= 2 && RequestOpeners.Contains(Word(text, t[i + 1])) && !t[i + 1].Upper;
    }

    /// <summary>
    /// A contact block or letterhead: a line holding only a two- or three-word name ("Ilse M. Vandersloot", ">teodor quarrie"),
    /// followed within a few lines by an address, phone, fax or e-mail already found. Every word looks like a name part (no stop,
    /// clinical or medical word, one case throughout) and at least one is a non-English given name or surname or a word no
    /// list knows; "Front Desk" or "Billing Office" above a phone number are English words.
    /// </summary>
    private void ContactBlockName(string text, Span<Token> line, List<PhiSpan> spans, int firstSpan)
    {
        if (line.Length is < 2 or > 3 || !LineStart(text, line[0].Start) || !LineEndsAt(text, line[^1].End))
        {
            return;
        }

        var vouched = false;
        int titles = 0, uppers = 0, lowers = 0, words = 0;
        for (var k = 0; k < line.Length; k++)
        {
            ref var tok = ref line[k];
            if (k > 0 && !Joined(text, line[k - 1], tok))
            {
                return;
            }

            if (tok.Initial)
            {
                continue;
            }

            if (tok.Stop || IsClinical(tok.Kind) || tok.End - tok.Start < 2 || !PlainWord(Word(text, tok)))
            {
                return;
            }

            words++;
            titles += tok.Title ? 1 : 0;
            uppers += tok.Upper ? 1 : 0;
            lowers += !tok.Title && !tok.Upper && tok.UpperCount == 0 ? 1 : 0;
            vouched |= IsNameWord(tok.Kind) && (tok.Kind & WordKind.English) == 0
                // The contact details after the line vouch more than a word's distance from an English word ("Lantos", "santos").
                || tok.Kind == WordKind.None && tok.End - tok.Start >= 4 && !LooksClinical(Word(text, tok));
        }

        if (words < 2 || !vouched || !(titles == words || uppers == words || lowers == words))
        {
            return;
        }

        // The contact details follow within eight line breaks (blank lines and field labels stand between) and 250 characters.
        var end = line[^1].End;
        var limit = end;
        for (var lines = 0; lines < 8 && limit < text.Length && limit - end < 250; limit++)
        {
            if (text[limit] == '\n')
            {
                lines++;
            }
        }

        for (var s = 0; s < firstSpan; s++)
        {
            if (spans[s].Start >= end && spans[s].Start < limit && spans[s].Type is PhiType.Location or PhiType.Phone or PhiType.Fax or PhiType.Email)
            {
                spans.Add(new PhiSpan(line[0].Start, end, PhiType.Name, 0.6));
                return;
            }
        }
    }

    private static bool LineEndsAt(string text, int end)
    {
        for (var k = end; k < text.Length; k++)
        {
            if (text[k] == '\n')
            {
                return true;
            }

            if (!char.IsWhiteSpace(text[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool LineStart(string text, int start)
    {
        for (var k = start - 1; k >= 0; k--)
        {
            if (text[k] == '\n')
            {
                return true;
            }

            if (!char.IsWhiteSpace(text[k]) && text[k] is not ('>' or '-' or '*'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SentenceStart(string text, int start)
    {
        var c = LastNonSpace(text, start);
        return c is '.' or '!' or '?' or ' ' or '\n' or ':' or '"';
    }

    private static bool IsEponymUse(string text, Span<Token> t, int i)
    {
        if ((t[i].Kind & (WordKind.Eponym | WordKind.Clinical)) == 0 || i + 1 >= t.Length)
        {
            return (t[i].Kind & WordKind.Clinical) != 0;
        }

        return ClinicalHeads.Contains(Word(text, t[i + 1])) || (t[i].Kind & WordKind.Clinical) != 0;
    }
}
