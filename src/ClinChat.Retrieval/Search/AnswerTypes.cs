using System.Text.RegularExpressions;

namespace ClinChat.Retrieval.Search;

/// <summary>The kind of answer a question asks for: most retrieval misses find the right disease but the wrong kind of passage.</summary>
public enum AnswerType
{
    Definition,
    Symptoms,
    Causes,
    Diagnosis,
    Treatment,
    Outlook,
    Prevention,
    RiskFactors,
    Complications,
    Frequency,
    Inheritance,
    GeneticChanges,
    Stages,
    Research,
    SelfCare,
}

/// <summary>
/// Classifies questions by the answer they ask for and scores passages by the answer they give, from cue phrases
/// written by the team (reviewable here, not learned), so the ranking can prefer a passage of the right kind.
/// </summary>
public static partial class AnswerTypes
{
    private static readonly AnswerType[] All = Enum.GetValues<AnswerType>();

    private static readonly (AnswerType Type, Regex Pattern)[] QuestionCues =
    [
        (AnswerType.Research, Question(@"\bresearch\b|clinical trials?|\bstudies\b.*\b(being|under way|done)\b")),
        (AnswerType.GeneticChanges, Question(@"genetic (changes?|basis|cause)|\bgenes?\b.*\b(related|associated|involved|linked)\b|\bmutations?\b|which genes?")),
        (AnswerType.Inheritance, Question(@"\binherit|\bhereditary\b|passed (down|on)|run in (the )?famil|\bgenetic\b\s*\?|\bcarriers?\b")),
        (AnswerType.Frequency, Question(@"how (many|common|rare|often)\b(?!.*\b(times|doses?|should)\b)|\bprevalen|\bincidence\b|\bfrequency\b|number of (people|cases)")),
        (AnswerType.Symptoms, Question(@"\bsymptoms?\b|\bsigns?\b|what does .* (look|feel) like|clinical (features|presentation)|\bpresent(s|ation)?\b with|how do (i|you) know if")),
        (AnswerType.Diagnosis, Question(@"\bdiagnos|\btests?\b|\bexams?\b|\bscreen(ing)?\b|\bdetect(ed)?\b|\bwork-?up\b|how (is|are) .* (found|confirmed)")),
        (AnswerType.Treatment, Question(@"\btreat|\btherap|\bmanag(e|ed|ement|ing)\b|\bcured?\b|\bmedications?\b|\bdrugs? (for|to)\b|\bdos(e|es|ing|age)\b|\bfirst[- ]line\b|\bsurgery\b|\breversal\b|\breverse\b")),
        (AnswerType.Outlook, Question(@"\boutlook\b|\bprognosis\b|life expectancy|\bsurviv|\brecover|\bfatal\b|long[- ]term")),
        (AnswerType.Prevention, Question(@"\bprevent|\bavoid\b|reduce (the |my |your )?(risk|chance)|\bprophyla")),
        (AnswerType.RiskFactors, Question(@"at risk|risk factors?|who (gets|is likely|is affected)|\bsusceptib|more likely to (get|develop)")),
        (AnswerType.Complications, Question(@"\bcomplications?\b|lead to\b|\bconsequences\b")),
        (AnswerType.Stages, Question(@"\bstag(es?|ing)\b|\bgrades?\b")),
        (AnswerType.Causes, Question(@"\bcauses?\b|\bcaused\b|\bwhy do(es)?\b|\betiology\b|\bresponsible for\b|\btriggers?\b")),
        (AnswerType.SelfCare, Question(@"what to do (for|about|if)|\bdiet\b|\beat(ing)?\b|\bnutrition\b|\bself[- ]care\b|\blifestyle\b")),
        (AnswerType.Definition, Question(@"^\s*(what|who) (is|are)\b(?!.*\b(symptoms?|causes?|treatments?|outlook|stages?|risk|complications?)\b)|\bdefin|do you have information|tell me about|\boverview\b|\bmean(s|ing)?\b")),
    ];

    private static readonly (AnswerType Type, Regex Pattern, float Weight)[] PassageCues =
    [
        (AnswerType.Symptoms, Passage(@"\bsymptoms?\b|\bsigns\b|phenotype ontology|may (include|experience)|\bpresents? with\b|\bcomplain"), 1f),
        (AnswerType.Causes, Passage(@"\bcaused by\b|\bcauses? (of|is|are|include)\b|\bdue to\b|\bresults? from\b|\btriggered\b|\brisk factors\b|\bunderlying cause"), 1f),
        (AnswerType.Diagnosis, Passage(@"\bdiagnos|\btest(s|ing)?\b|\bexam(ination)?s?\b|\bbiopsy\b|\bimaging\b|\bscreening\b|\bconfirm|\blaborator(y|ies)\b"), 1f),
        (AnswerType.Treatment, Passage(@"\btreat(ed|ment|ments|ing)?\b|\btherap(y|ies)\b|\bmanagement\b|\bsurgery\b|\bmedications?\b|\bdrugs?\b|\bdose\b|\bmg\b|\brehabilitation\b|\bgive\b|\badminister|\bmanag(e|ed|ing)\b|\bcure\b"), 1f),
        (AnswerType.Outlook, Passage(@"\bprognosis\b|\boutlook\b|life expectancy|\bsurviv|\brecovery\b|\bfatal\b|\bdeath\b|\bdepends on\b"), 1f),
        (AnswerType.Prevention, Passage(@"\bprevent|\breduce (your|the) risk|\bvaccin|\bavoid(ing)?\b|\bprophyla"), 1f),
        (AnswerType.RiskFactors, Passage(@"\brisk factors?\b|\bat (higher |increased )?risk\b|\bincreases? (your |the )?(risk|chance)|\bmore likely\b|talk (to|with) your doctor"), 1f),
        (AnswerType.Complications, Passage(@"\bcomplications?\b|\bcan lead to\b"), 1f),
        (AnswerType.Frequency, Passage(@"\bprevalence\b|\bincidence\b|\bfrequency\b|\bestimated\b|\baffects? (about|approximately|an estimated|fewer|more|\d)|\b1 in [\d,]+|\bper [\d,]+|\bworldwide\b|\b(cases|families|individuals|people) (have|has) been (reported|described|identified)|\b(very |extremely )?rare\b|\bcommon\b|\bpopulation\b"), 1f),
        (AnswerType.Inheritance, Passage(@"\binherited\b|\bautosomal\b|\bx-linked\b|\binheritance\b|\bpattern\b|\bcopies of the\b|\bcopy of the\b|\bde novo\b|\bcarriers?\b"), 1f),
        (AnswerType.GeneticChanges, Passage(@"\bmutations? in the\b|\bgene\b|\bprovides instructions\b|\bprotein\b|\benzyme\b|\bchromosom"), 1f),
        (AnswerType.Stages, Passage(@"\bstages?\b|\bstaging\b|\bhas spread\b"), 1f),
        (AnswerType.Research, Passage(@"\bresearch\b|clinical trials?\b|\bninds\b|\bsupports\b.*\bresearch|\bstudies\b|\binvestigators\b"), 1f),
        (AnswerType.SelfCare, Passage(@"\bdiet\b|\beat(ing)?\b|\bfoods?\b|\bnutrition\b|\bdrink"), 1f),
        (AnswerType.Definition, Passage(@"\bis an? (\w+ ){0,4}(disorder|disease|condition|syndrome|cancer|infection|type|form|group)\b|\bcharacterized by\b|\brefers to\b|\bis a term\b"), 1f),
    ];

    /// <summary>The answer types a question asks for, most specific first; empty when nothing is recognised.</summary>
    public static IReadOnlyList<AnswerType> Classify(string question)
    {
        var types = new List<AnswerType>(2);
        foreach (var (type, pattern) in QuestionCues)
        {
            if (pattern.IsMatch(question) && !types.Contains(type))
            {
                types.Add(type);
            }
        }

        // "What is X?" asks for a definition only when it asks for nothing more specific ("What are the genetic changes…").
        if (types.Count > 1)
        {
            types.Remove(AnswerType.Definition);
        }

        return types;
    }

    /// <summary>
    /// How strongly a passage reads as each answer type (0..1), from cue phrases near its start, where a passage
    /// usually says what it is about. Indexed by <see cref="AnswerType"/>.
    /// </summary>
    public static float[] Profile(string passage)
    {
        var head = passage.Length > 500 ? passage[..500] : passage;
        var profile = new float[All.Length];
        foreach (var (type, pattern, weight) in PassageCues)
        {
            var hits = pattern.Count(head);
            profile[(int)type] = weight * Math.Min(hits, 3) / 3f;
        }

        // FAQ-style passages open with the question they answer ("How might X be treated? …"): the surest sign of all.
        var mark = head.IndexOf('?', StringComparison.Ordinal);
        if (mark is > 10 and < 250)
        {
            foreach (var type in Classify(head[..(mark + 1)]))
            {
                profile[(int)type] = 1.5f;
            }
        }

        return profile;
    }

    /// <summary>How well a passage profile fits the asked types: its best asked-type score minus its average.</summary>
    public static float Match(IReadOnlyList<AnswerType> asked, float[] profile)
    {
        if (asked.Count == 0)
        {
            return 0;
        }

        var best = 0f;
        foreach (var type in asked)
        {
            best = Math.Max(best, profile[(int)type]);
        }

        return best - (profile.Sum() / profile.Length);
    }

    private static Regex Question(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static Regex Passage(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
}
